/**
 * An http.Agent whose "sockets" are channels to the droplet's Docker socket:
 * stream-local forwarding over the one SSH connection (or the local socket
 * for --local). Keep-alive pools a few channels so a burst of API calls pays
 * for no new channel, let alone a new SSH handshake (dockerode's own `ssh`
 * protocol does a full handshake per request).
 *
 * A pooled channel outlives nothing: when the SSH connection drops, ssh2
 * marks its channels closed without ending them, and a paused pooled channel
 * never even emits 'close', so it stayed in the pool and the next request
 * was written into a dead channel (ssh2 drops such writes without a word)
 * and waited forever. So every channel this agent made is destroyed on the
 * link's 'drop', a free channel is checked before it is handed out, and
 * every request gets its response head within `requestDeadlineMs` (the body
 * of a stream, such as a follow or a wait, may then take as long as it
 * takes; a drop still ends it, with an error rather than silence).
 */
import type { EventEmitter } from 'node:events';
import { Agent, type AgentOptions, type ClientRequest, type ClientRequestArgs, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';

/** What to check when the droplet's Docker socket cannot be reached over SSH (doctor says the same). */
export const DOCKER_REACH_HINT =
  'Check that dockerd runs on the droplet and the SSH user may use /var/run/docker.sock (the docker group: usermod -aG docker USER, then log in again), and that sshd allows AllowStreamLocalForwarding; `stratam doctor` checks each.';

type SocketLike = Duplex & Record<string, unknown>;

/**
 * An ssh2 Channel is a Duplex but not a net.Socket: the http client and the
 * keep-alive pool call setKeepAlive/setNoDelay/setTimeout/ref/unref on it.
 * Those tune TCP, which the SSH socket already does, so they are no-ops here.
 */
function socketShim(stream: Duplex): Duplex {
  const s = stream as SocketLike;
  for (const name of ['setKeepAlive', 'setNoDelay', 'ref', 'unref']) {
    if (typeof s[name] !== 'function') s[name] = () => s;
  }
  if (typeof s.setTimeout !== 'function') s.setTimeout = () => s;
  return stream;
}

// Node's Agent counts a socket only once it exists, so with an asynchronous
// createConnection every concurrent request would open its own channel and
// maxSockets would never bite. We count creations in flight and queue the
// request on the agent's documented `requests` list, which Node serves when a
// pooled socket becomes free (or when one closes).
type AgentInternals = {
  getName(options: ClientRequestArgs): string;
  requests: Record<string, unknown[] | undefined>;
  sockets: Record<string, unknown[] | undefined>;
  freeSockets: Record<string, unknown[] | undefined>;
  maxSockets: number;
};

/** The SSH link behind a droplet, where there is one (--local has none). */
interface LinkLike extends EventEmitter {
  generation?: number;
}

export interface ChannelAgentOptions extends AgentOptions {
  /** How long a request may wait for its response head (a channel included); default 30 s. */
  requestDeadlineMs?: number;
}

export class ChannelAgent extends Agent {
  private pending = 0;
  requestDeadlineMs: number;
  /** Every channel this agent opened and that is not closed yet, with the link generation it was opened on. */
  private readonly channels = new Map<Duplex, number | undefined>();
  private readonly link: LinkLike | null;
  private readonly onDrop = () => {
    for (const ch of [...this.channels.keys()]) ch.destroy();
    this.channels.clear();
  };

  constructor(
    private readonly droplet: Droplet,
    private readonly socketPath: string = DOCKER_SOCKET,
    opts: ChannelAgentOptions = {},
  ) {
    const { requestDeadlineMs, ...agentOpts } = opts;
    // A small pool: Docker calls from one app are few and mostly sequential;
    // sshd's MaxSessions (default 10) caps channels per connection anyway.
    super({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4, ...agentOpts });
    this.requestDeadlineMs = requestDeadlineMs ?? 30_000;
    this.link = (droplet as unknown as { link?: LinkLike }).link ?? null;
    this.link?.on('drop', this.onDrop);
  }

  /** A channel may carry another request: open, not ended either way, and opened on the connection that is live now. */
  private usable(s: Duplex): boolean {
    // push(null) on a paused channel sets `ended` without emitting 'end': the internal flag is the only sign.
    const r = (s as unknown as { _readableState?: { ended?: boolean } })._readableState;
    const opened = this.channels.get(s);
    return !s.destroyed && s.writable && !s.writableEnded && r?.ended !== true && (this.link === null || opened === undefined || opened === this.link.generation);
  }

  // Node calls this with a callback and accepts an asynchronous answer when
  // nothing is returned (see _http_agent.js createSocket).
  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    this.pending++;
    this.droplet.openUnixSocket(this.socketPath).then(
      (ch) => {
        this.pending--;
        this.channels.set(ch, this.link?.generation);
        ch.once('close', () => this.channels.delete(ch));
        callback?.(null, socketShim(ch));
      },
      (err: Error) => {
        this.pending--;
        callback?.(unreachable(this.socketPath, err), undefined as never);
      },
    );
    return undefined as never;
  }

  addRequest(req: unknown, options: ClientRequestArgs): void {
    const self = this as unknown as AgentInternals;
    const name = self.getName(options);
    this.dropUnusable(self, name);
    this.watch(req as ClientRequest, self, name);
    const free = self.freeSockets[name]?.length ?? 0;
    const live = self.sockets[name]?.length ?? 0;
    if (free === 0 && live + this.pending >= self.maxSockets) {
      (self.requests[name] ??= []).push(req);
      return;
    }
    (Agent.prototype as unknown as { addRequest(r: unknown, o: ClientRequestArgs): void }).addRequest.call(this, req, options);
  }

  // docker-modem logs every request with util.inspect(options, {showHidden,
  // depth: null}), evaluated even when debug output is off. options.agent is
  // this object, whose pooled sockets are ssh2 channels holding the whole SSH
  // client: inspecting that costs ~3 ms per request. A short summary instead.
  [inspect.custom](): string {
    return `ChannelAgent(${this.socketPath})`;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    // The default also calls socket.setKeepAlive/unref (TCP knobs); the shim
    // makes those harmless, but a closed channel must not go back in the pool.
    return this.usable(socket);
  }

  /**
   * Take dead channels out of the free list before Node picks one: Node
   * skips only destroyed sockets, and only at the list's head.
   */
  private dropUnusable(self: AgentInternals, name: string): void {
    const free = self.freeSockets[name] as Duplex[] | undefined;
    if (!free) return;
    const keep = free.filter((s) => this.usable(s));
    for (const s of free) if (!keep.includes(s)) s.destroy();
    if (keep.length > 0) self.freeSockets[name] = keep;
    else delete self.freeSockets[name];
  }

  /**
   * The request's deadline (to its response head), and an error when its
   * channel dies mid-response: Node then ends the response without an
   * 'error' on the request, and dockerode, which waits on the response's
   * 'end' or the request's 'error', would wait forever.
   */
  private watch(req: ClientRequest, self: AgentInternals, name: string): void {
    const what = `Docker ${req.method} ${req.path.split('?')[0]}`;
    const fail = (err: StratamError) => {
      // dockerode always listens; a request nobody listens to would crash the process on an emitted 'error'.
      if (req.listenerCount('error') > 0) req.emit('error', err);
    };
    const timer = setTimeout(() => {
      const err = new StratamError('connect', `${what}: the droplet's Docker did not answer within ${Math.round(this.requestDeadlineMs / 1000)} s; the outcome is unknown.`, {
        hint: 'Check the connection and that dockerd runs on the droplet (stratam doctor).',
        detail: { timedOut: true },
      });
      // Still queued for a channel: out of the queue, or Node would hand it a healthy channel only to destroy it with it.
      const queue = self.requests[name];
      const at = queue?.indexOf(req) ?? -1;
      if (queue && at >= 0) queue.splice(at, 1);
      req.destroy(err);
    }, this.requestDeadlineMs);
    const clear = () => clearTimeout(timer);
    req.once('upgrade', clear);
    req.once('close', clear);
    req.once('error', clear);
    req.once('response', (res: IncomingMessage) => {
      clear();
      res.once('close', () => {
        if (!res.complete)
          fail(
            new StratamError('connect', `${what}: the connection to the droplet was lost mid-answer; the outcome is unknown.`, {
              hint: 'Retry once the droplet is reachable again.',
              detail: { lost: true },
            }),
          );
      });
    });
  }

  override destroy(): void {
    this.link?.off('drop', this.onDrop);
    for (const ch of [...this.channels.keys()]) ch.destroy();
    this.channels.clear();
    super.destroy();
  }
}

/**
 * ssh2's refusal ("(SSH) Channel open failure: open failed") names neither
 * the cause nor the fix; status, breaker check and sandbox check all showed
 * it raw. Errors that already say what to do (a dropped link, a deadline)
 * pass through as they are.
 */
function unreachable(socketPath: string, err: Error): Error {
  if (err instanceof StratamError) return err;
  return new StratamError('connect', `The droplet's Docker socket ${socketPath} could not be reached over SSH (${err.message}).`, { hint: DOCKER_REACH_HINT, cause: err });
}
