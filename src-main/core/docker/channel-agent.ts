/**
 * An http.Agent whose "sockets" are channels to the droplet's Docker socket:
 * stream-local forwarding over the one SSH connection (or the local socket
 * for --local). Keep-alive pools a few channels so a burst of API calls pays
 * for no new channel, let alone a new SSH handshake (dockerode's own `ssh`
 * protocol does a full handshake per request).
 */
import { Agent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { inspect } from 'node:util';
import type { Droplet } from '../droplet/droplet.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';

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

export class ChannelAgent extends Agent {
  private pending = 0;

  constructor(
    private readonly droplet: Droplet,
    private readonly socketPath: string = DOCKER_SOCKET,
    opts: AgentOptions = {},
  ) {
    // A small pool: Docker calls from one app are few and mostly sequential;
    // sshd's MaxSessions (default 10) caps channels per connection anyway.
    super({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4, ...opts });
  }

  // Node calls this with a callback and accepts an asynchronous answer when
  // nothing is returned (see _http_agent.js createSocket).
  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    this.pending++;
    this.droplet.openUnixSocket(this.socketPath).then(
      (ch) => {
        this.pending--;
        callback?.(null, socketShim(ch));
      },
      (err: Error) => {
        this.pending--;
        callback?.(err, undefined as never);
      },
    );
    return undefined as never;
  }

  addRequest(req: unknown, options: ClientRequestArgs): void {
    const self = this as unknown as AgentInternals;
    const name = self.getName(options);
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
    return !socket.destroyed && socket.writable;
  }
}
