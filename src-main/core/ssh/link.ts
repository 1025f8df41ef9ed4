/**
 * One SSH connection to one droplet, kept alive and reconnected with backoff.
 * Everything else (SFTP, exec, Docker's socket) multiplexes channels on it.
 *
 * Security order: the host key is checked inside ssh2's hostVerifier, which
 * runs during key exchange, before any user authentication message is sent.
 * A refused key ends the handshake there; the private key never leaves this
 * process and no config object is ever logged or put in an error.
 *
 * close() is final wherever the link is: it cancels a dial in flight (TCP
 * connect or handshake), a reconnect timer, and the credential check before
 * a dial, so no connection outlives it.
 */
import { EventEmitter } from 'node:events';
import type { Client as SshClient } from 'ssh2';
import { StratamError } from '../errors.js';
import { loadCredentials, wipeCredentials, type Credentials } from './credentials.js';
import { dialSsh, type Dialing } from './dial.js';
import { checkHostKey } from './host-check.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy, type LinkState } from './link-state.js';

export interface LinkTarget {
  host: string;
  port: number;
  user: string;
  identityFile?: string | undefined;
  /** Passphrase for an encrypted identity; kept only in memory. */
  passphrase?: string | undefined;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK when no identity file is given. */
  agentSocket?: string | undefined;
  fingerprint?: string | undefined;
  knownHostsFile?: string | undefined;
}

export interface LinkOptions {
  /** Reconnect after an unexpected drop (the app and followers); one-shot CLI commands say false. */
  reconnect?: boolean;
  backoff?: BackoffPolicy;
  keepaliveIntervalMs?: number;
  readyTimeoutMs?: number;
}

type Client = SshClient;

const closedError = () => new StratamError('connect', 'The SSH link was closed.');

export class SshLink extends EventEmitter {
  private client: Client | null = null;
  private current: LinkState = { state: 'idle' };
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private dialing: Dialing | null = null;
  private waiters: Array<{ resolve: (c: Client) => void; reject: (e: Error) => void }> = [];
  private credentials: Credentials | null = null;
  private lastError: StratamError | null = null;
  hostKey: string | null = null;
  /** Counts connections made: a channel opened on an earlier one belongs to a connection that is gone. */
  generation = 0;

  constructor(
    readonly target: LinkTarget,
    private readonly opts: LinkOptions = {},
  ) {
    super();
  }

  get state(): LinkState {
    return this.current;
  }

  private setState(s: LinkState): void {
    this.current = s;
    this.emit('state', s);
  }

  /** Connect (first time) and resolve once authenticated. */
  async open(): Promise<Client> {
    if (this.closing) throw closedError();
    const ready = this.ready();
    // Ours: open()'s caller gets the failure through `ready` (or through the throw below).
    ready.catch(() => undefined);
    await this.prepare();
    this.dial();
    return ready;
  }

  /**
   * Read the identity file or ask the agent for its keys, once when the
   * link opens (reconnects reuse them): a bad key or a stale agent fails
   * here with its cause, before any connection is made.
   */
  private async prepare(): Promise<void> {
    try {
      const creds = await loadCredentials(this.target);
      if (this.closing) {
        wipeCredentials(creds);
        throw closedError();
      }
      wipeCredentials(this.credentials);
      this.credentials = creds;
    } catch (err) {
      const e = err instanceof StratamError ? err : new StratamError('connect', `Could not prepare the SSH login: ${(err as Error).message}`);
      if (!this.closing) {
        this.lastError = e;
        this.setState({ state: 'failed', reason: e.message, hostKeyRefused: false });
      }
      for (const w of this.waiters.splice(0)) w.reject(e);
      throw e;
    }
  }

  /** Resolves with the live client, waiting through a reconnect; rejects if the link failed or closed. */
  ready(): Promise<Client> {
    if (this.current.state === 'connected' && this.client) return Promise.resolve(this.client);
    if (this.current.state === 'failed') return Promise.reject(this.failure());
    if (this.current.state === 'closed' || this.closing) return Promise.reject(closedError());
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private failure(): StratamError {
    return this.lastError ?? new StratamError('connect', 'The SSH link failed.');
  }

  private dial(): void {
    if (this.closing) return;
    this.attempt++;
    this.setState({ state: 'connecting', attempt: this.attempt });
    const { host, port, user } = this.target;
    const d = dialSsh({
      host,
      port,
      user,
      readyTimeoutMs: this.opts.readyTimeoutMs,
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs,
      verifyHost: (key) => checkHostKey(this.target, key),
      credentials: this.credentials,
    });
    this.dialing = d;
    d.done.then(
      (client) => {
        if (this.dialing === d) this.dialing = null;
        if (this.closing) {
          // close() won the race against the last handshake message: end what it could not cancel.
          client.end();
          return;
        }
        this.onConnected(client, d.hostCheck()?.offered ?? null);
      },
      (err: StratamError) => {
        if (this.dialing === d) this.dialing = null;
        if (this.closing) return;
        this.onDialFailed(err);
      },
    );
  }

  private onConnected(client: Client, hostKey: string | null): void {
    this.client = client;
    this.generation++;
    this.attempt = 0;
    this.hostKey = hostKey;
    this.setState({ state: 'connected', since: new Date().toISOString(), hostKey: this.hostKey ?? '' });
    for (const w of this.waiters.splice(0)) w.resolve(client);
    client.once('close', () => {
      if (this.client !== client) return;
      this.client = null;
      this.emit('drop');
      if (this.closing) return;
      if (this.opts.reconnect) this.schedule('connection lost');
      else {
        const { host, port } = this.target;
        this.lastError = new StratamError('connect', `The SSH connection to ${host}:${port} was lost.`);
        this.setState({ state: 'failed', reason: 'connection lost', hostKeyRefused: false });
        for (const w of this.waiters.splice(0)) w.reject(this.lastError);
      }
    });
  }

  private onDialFailed(err: StratamError): void {
    this.lastError = err;
    const fatal = err.detail?.hostKeyRefused === true || err.detail?.auth === true;
    if (!fatal && this.opts.reconnect && this.attempt < (this.opts.backoff ?? DEFAULT_BACKOFF).maxAttempts) {
      this.schedule(err.message);
      return;
    }
    this.setState({ state: 'failed', reason: err.message, hostKeyRefused: err.detail?.hostKeyRefused === true });
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  private schedule(reason: string): void {
    const policy = this.opts.backoff ?? DEFAULT_BACKOFF;
    const delayMs = backoffDelay(this.attempt + 1, policy);
    this.setState({ state: 'reconnecting', attempt: this.attempt + 1, delayMs, at: new Date(Date.now() + delayMs).toISOString(), reason });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.dial();
    }, delayMs);
  }

  /** Close the link for good: a dial in flight is cancelled, pending waiters are rejected, no reconnect follows. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const dialing = this.dialing;
    this.dialing = null;
    dialing?.cancel(closedError());
    const c = this.client;
    this.client = null;
    wipeCredentials(this.credentials);
    this.credentials = null;
    for (const w of this.waiters.splice(0)) w.reject(closedError());
    if (c) {
      await new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.end();
        setTimeout(() => {
          // sshd did not answer the disconnect: drop the socket rather than leave it open.
          c.destroy();
          resolve();
        }, 1000).unref();
      });
      this.emit('drop');
    }
    this.setState({ state: 'closed' });
  }

  /** Drop the TCP connection without closing the link (fault tests, "reconnect now"). */
  dropForTest(): void {
    (this.client as unknown as { _sock?: { destroy(): void } } | null)?._sock?.destroy();
  }
}
