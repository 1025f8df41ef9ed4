/**
 * One SSH connection to one droplet, kept alive and reconnected with backoff.
 * Everything else (SFTP, exec, Docker's socket) multiplexes channels on it.
 *
 * Security order: the host key is checked inside ssh2's hostVerifier, which
 * runs during key exchange, before any user authentication message is sent.
 * A refused key ends the handshake there; the private key never leaves this
 * process and no config object is ever logged or put in an error.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { homedir } from 'node:os';
import ssh2, { type Client as SshClient, type ConnectConfig } from 'ssh2';
import { StratamError } from '../errors.js';
import { fingerprintOf, keyTypeOf } from './host-key.js';
import { hostLookupName, parseKnownHosts, verifyHostKey } from './known-hosts.js';
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

interface HostCheck {
  ok: boolean;
  offered: string;
  keyType: string;
  message?: string;
  hint?: string;
}

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { Client, utils: sshUtils } = ssh2;
type Client = SshClient;

export class SshLink extends EventEmitter {
  private client: Client | null = null;
  private current: LinkState = { state: 'idle' };
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private waiters: Array<{ resolve: (c: Client) => void; reject: (e: Error) => void }> = [];
  private privateKey: Buffer | null = null;
  hostKey: string | null = null;

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
    if (this.target.identityFile && !this.privateKey) {
      try {
        this.privateKey = await readFile(this.target.identityFile);
      } catch (err) {
        throw new StratamError('connect', `Cannot read the identity file ${this.target.identityFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`, {
          hint: 'Pass --identity with a readable private key, or leave it out to use your ssh-agent.',
        });
      }
    }
    if (this.privateKey) this.checkPrivateKey(this.privateKey);
    const ready = this.ready();
    this.dial();
    return ready;
  }

  /**
   * Parse the key up front: an encrypted key without its passphrase must fail
   * here with a clear message, not midway through authentication. The parse
   * error text is ssh2's own and names no key material; it is still replaced.
   */
  private checkPrivateKey(key: Buffer): void {
    const parsed = sshUtils.parseKey(key, this.target.passphrase);
    if (!(parsed instanceof Error)) return;
    const encrypted = /encrypted|passphrase|decrypt|bad/i.test(parsed.message) || key.toString('latin1').includes('ENCRYPTED') || /bcrypt/.test(key.toString('latin1'));
    this.privateKey?.fill(0);
    this.privateKey = null;
    throw encrypted
      ? new StratamError('connect', 'The identity file is encrypted and the passphrase is missing or wrong.', {
          hint: 'Set STRATAM_KEY_PASSPHRASE, or load the key into your ssh-agent and leave out --identity.',
          detail: { auth: true },
        })
      : new StratamError('connect', `The identity file ${this.target.identityFile ?? ''} is not a private key ssh2 can read.`, {
          hint: 'Use an OpenSSH or PEM private key (ed25519, ecdsa or rsa).',
          detail: { auth: true },
        });
  }

  /** Resolves with the live client, waiting through a reconnect; rejects if the link failed or closed. */
  ready(): Promise<Client> {
    if (this.current.state === 'connected' && this.client) return Promise.resolve(this.client);
    if (this.current.state === 'failed') return Promise.reject(this.failure());
    if (this.current.state === 'closed') return Promise.reject(new StratamError('connect', 'The SSH link is closed.'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private lastError: StratamError | null = null;

  private failure(): StratamError {
    return this.lastError ?? new StratamError('connect', 'The SSH link failed.');
  }

  private dial(): void {
    this.attempt++;
    this.setState({ state: 'connecting', attempt: this.attempt });
    const { host, port } = this.target;
    const sock: Socket = tcpConnect({ host, port });
    // ssh2 leaves Nagle on for sockets it makes; small request/response
    // channels (Docker /_ping) then wait ~40 ms for delayed ACKs.
    sock.setNoDelay(true);
    let check: HostCheck | null = null;
    let authStarted = false;
    const client = new Client();
    const cfg: ConnectConfig = {
      sock,
      host,
      port,
      username: this.target.user,
      readyTimeout: this.opts.readyTimeoutMs ?? 15_000,
      keepaliveInterval: this.opts.keepaliveIntervalMs ?? 10_000,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer) => {
        check = this.checkHostKey(key);
        return check.ok;
      },
      authHandler: (methodsLeft, _partial, next) => {
        authStarted = true;
        // Offer exactly one method, chosen by the profile; never passwords.
        if (methodsLeft !== null && methodsLeft.length > 0 && !methodsLeft.includes('publickey')) return next(false as never);
        if (this.privateKey) {
          return next({ type: 'publickey', username: this.target.user, key: this.privateKey, ...(this.target.passphrase ? { passphrase: this.target.passphrase } : {}) } as never);
        }
        const agent = this.target.agentSocket ?? process.env.SSH_AUTH_SOCK;
        if (agent) return next({ type: 'agent', username: this.target.user, agent } as never);
        return next(false as never);
      },
    };
    let settled = false;
    client.once('ready', () => {
      settled = true;
      this.client = client;
      this.attempt = 0;
      this.hostKey = (check as HostCheck | null)?.offered ?? null;
      this.setState({ state: 'connected', since: new Date().toISOString(), hostKey: this.hostKey ?? '' });
      for (const w of this.waiters.splice(0)) w.resolve(client);
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (settled) return; // a drop after ready is handled by 'close'
      settled = true;
      const e = this.classify(err, check, authStarted);
      client.destroy();
      this.onDialFailed(e);
    });
    client.once('close', () => {
      if (!settled) {
        settled = true;
        this.onDialFailed(this.classify(new Error('connection closed during handshake'), check, authStarted));
        return;
      }
      if (this.client !== client) return;
      this.client = null;
      this.emit('drop');
      if (this.closing) return;
      if (this.opts.reconnect) this.schedule('connection lost');
      else {
        this.lastError = new StratamError('connect', `The SSH connection to ${host}:${port} was lost.`);
        this.setState({ state: 'failed', reason: 'connection lost', hostKeyRefused: false });
      }
    });
    try {
      client.connect(cfg);
    } catch (err) {
      settled = true;
      sock.destroy();
      this.onDialFailed(new StratamError('connect', `Could not start the SSH connection: ${(err as Error).message}`, {
        hint: 'Check the identity file format (OpenSSH or PEM private key) and passphrase.',
      }));
    }
  }

  private onDialFailed(err: StratamError): void {
    this.lastError = err;
    const fatal = err.detail?.hostKeyRefused === true || err.detail?.auth === true;
    if (!fatal && this.opts.reconnect && !this.closing && this.attempt < (this.opts.backoff ?? DEFAULT_BACKOFF).maxAttempts) {
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
      if (!this.closing) this.dial();
    }, delayMs);
  }

  private checkHostKey(key: Buffer): HostCheck {
    const offered = fingerprintOf(key);
    const keyType = keyTypeOf(key);
    const { host, port } = this.target;
    const pinHint = `If you trust it, pin it with --fingerprint ${offered} (or add it to your known_hosts).`;
    if (this.target.fingerprint) {
      return this.target.fingerprint === offered
        ? { ok: true, offered, keyType }
        : {
            ok: false,
            offered,
            keyType,
            message: `Host key for ${host}:${port} does not match the pinned fingerprint. It offered ${keyType} ${offered}; the profile pins ${this.target.fingerprint}. The connection was refused before authentication.`,
            hint: 'This can mean the droplet was rebuilt or someone is intercepting the connection. Check the key on the droplet console (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before re-pinning.',
          };
    }
    const file = this.target.knownHostsFile ?? `${homedir()}/.ssh/known_hosts`;
    let text = '';
    try {
      // hostVerifier answers synchronously; known_hosts files are small.
      text = readFileSync(file, 'utf8');
    } catch {
      text = '';
    }
    const verdict = verifyHostKey(parseKnownHosts(text), host, port, key);
    switch (verdict.status) {
      case 'match':
        return { ok: true, offered, keyType };
      case 'revoked':
        return { ok: false, offered, keyType, message: `Host key ${keyType} ${offered} offered by ${host}:${port} is marked @revoked in ${file} (line ${verdict.line}). Refused before authentication.`, hint: 'Do not connect until the droplet has a new host key.' };
      case 'changed':
        return {
          ok: false,
          offered,
          keyType,
          message: `Host key for ${hostLookupName(host, port)} has CHANGED. It offered ${keyType} ${offered}, which is not the key recorded in ${file} (line ${verdict.lines.join(', ')}). Refused before authentication.`,
          hint: 'If the droplet was rebuilt, verify the new key on its console, then remove the old line (ssh-keygen -R) and pin the new one.',
        };
      default:
        return {
          ok: false,
          offered,
          keyType,
          message: `Host ${hostLookupName(host, port)} is unknown: it offered ${keyType} ${offered}, and ${file} has no entry for it. Refused before authentication.`,
          hint: pinHint,
        };
    }
  }

  private classify(err: Error & { level?: string }, check: HostCheck | null, authStarted: boolean): StratamError {
    const { host, port, user } = this.target;
    if (check && !check.ok) {
      return new StratamError('connect', check.message ?? 'Host key refused.', { hint: check.hint ?? '', detail: { hostKeyRefused: true, offered: check.offered, authAttempted: authStarted } });
    }
    if (err.level === 'client-authentication') {
      return new StratamError('connect', `The droplet refused authentication for user ${user} at ${host}:${port}.`, {
        hint: 'Add your public key to that user\'s ~/.ssh/authorized_keys, or check --user and --identity. An encrypted key needs STRATAM_KEY_PASSPHRASE or an ssh-agent.',
        detail: { auth: true },
      });
    }
    if (/passphrase|encrypted/i.test(err.message)) {
      return new StratamError('connect', 'The identity file is encrypted and the passphrase is missing or wrong.', {
        hint: 'Set STRATAM_KEY_PASSPHRASE, or load the key into your ssh-agent and leave out --identity.',
        detail: { auth: true },
      });
    }
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ETIMEDOUT' || err.level === 'client-timeout' ? 'timed out' : code ?? err.message;
    return new StratamError('connect', `Could not reach ${host}:${port} over SSH (${what}).`, { hint: 'Check --host and --port, and that sshd runs on the droplet.' });
  }

  /** Close the link for good; pending waiters are rejected, no reconnect follows. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    this.client = null;
    this.privateKey?.fill(0);
    this.privateKey = null;
    for (const w of this.waiters.splice(0)) w.reject(new StratamError('connect', 'The SSH link was closed.'));
    if (c) {
      await new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.end();
        setTimeout(resolve, 1000).unref();
      });
    }
    this.setState({ state: 'closed' });
  }

  /** Drop the TCP connection without closing the link (fault tests, "reconnect now"). */
  dropForTest(): void {
    (this.client as unknown as { _sock?: Socket } | null)?._sock?.destroy();
  }
}

