/**
 * One SSH dial: TCP socket, handshake, host key check, authentication. The
 * link (every connection the app and CLI make) and the first-connect host key
 * probe both go through here, so socket tuning, ssh2's config and the reading
 * of its errors exist once.
 *
 * A dial can be cancelled at any point (the link was closed while it was in
 * flight): the socket is destroyed, `done` rejects, and a client that still
 * manages to authenticate afterwards is ended at once, never handed out.
 */
import { connect as tcpConnect } from 'node:net';
import ssh2, { type Client as SshClient, type ConnectConfig } from 'ssh2';
import { StratamError } from '../errors.js';
import { authHandlerFor, refusalError, type Credentials } from './credentials.js';
import type { HostCheck } from './host-check.js';

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { Client } = ssh2;

export interface DialSpec {
  host: string;
  port: number;
  user: string;
  readyTimeoutMs?: number | undefined;
  keepaliveIntervalMs?: number | undefined;
  /** Runs during key exchange; `ok: false` ends the handshake before any authentication message. */
  verifyHost(key: Buffer): HostCheck;
  /** What to log in with; null never authenticates (the host key probe). */
  credentials: Credentials | null;
}

export interface Dialing {
  /** The authenticated client, or a classified StratamError. */
  readonly done: Promise<SshClient>;
  /** The verdict on the host key, once key exchange reached it. */
  hostCheck(): HostCheck | null;
  /** End this dial now: its socket is destroyed and `done` rejects with `reason`. */
  cancel(reason: StratamError): void;
}

type SshError = Error & { level?: string; code?: unknown };

export function dialSsh(spec: DialSpec): Dialing {
  const { host, port } = spec;
  const sock = tcpConnect({ host, port });
  // ssh2 leaves Nagle on for sockets it makes; small request/response
  // channels (Docker /_ping) then wait ~40 ms for delayed ACKs.
  sock.setNoDelay(true);
  const client = new Client();
  let check: HostCheck | null = null;
  let authStarted = false;
  let settled = false;
  let cancelled = false;
  let resolveDone!: (c: SshClient) => void;
  let rejectDone!: (e: StratamError) => void;
  const done = new Promise<SshClient>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const fail = (e: StratamError) => {
    if (settled) return;
    settled = true;
    client.destroy();
    rejectDone(e);
  };

  const cfg: ConnectConfig = {
    sock,
    host,
    port,
    username: spec.user,
    readyTimeout: spec.readyTimeoutMs ?? 15_000,
    keepaliveInterval: spec.keepaliveIntervalMs ?? 10_000,
    keepaliveCountMax: 3,
    hostVerifier: (key: Buffer) => {
      check = spec.verifyHost(Buffer.from(key));
      return check.ok && !cancelled;
    },
    ...(spec.credentials ? { authHandler: authHandlerFor(spec.credentials, spec.user, () => (authStarted = true)) } : {}),
  };
  client.once('ready', () => {
    if (settled) {
      // Cancelled while the last authentication message was in flight: nobody owns this connection.
      client.end();
      return;
    }
    settled = true;
    resolveDone(client);
  });
  // Kept for the client's whole life: ssh2 emits errors after a failure too
  // (its authentication loop goes on until it ends), and an 'error' with no
  // listener would throw. After 'ready', a drop is the owner's 'close'.
  client.on('error', (err: SshError) => fail(classifyDialError(err, spec, check, authStarted)));
  client.once('close', () => fail(classifyDialError(new Error('connection closed during handshake'), spec, check, authStarted)));
  try {
    client.connect(cfg);
  } catch (err) {
    fail(
      new StratamError('connect', `Could not start the SSH connection: ${(err as Error).message}`, {
        hint: 'Check the identity file format (OpenSSH or PEM private key) and passphrase.',
      }),
    );
  }
  return {
    done,
    hostCheck: () => check,
    cancel(reason) {
      cancelled = true;
      fail(reason);
    },
  };
}

/** What went wrong, in the person's terms: host key, login, or reachability. Never a config or key. */
export function classifyDialError(err: SshError, spec: DialSpec, check: HostCheck | null, authStarted: boolean): StratamError {
  const { host, port, user } = spec;
  if (check && !check.ok) {
    return new StratamError('connect', check.message ?? 'Host key refused.', { hint: check.hint ?? '', detail: { hostKeyRefused: true, offered: check.offered, authAttempted: authStarted } });
  }
  if (/passphrase|encrypted/i.test(err.message) && err.level !== 'client-socket') {
    return new StratamError('connect', 'The identity file is encrypted and the passphrase is missing or wrong.', {
      hint: 'Set STRATAM_KEY_PASSPHRASE, or load the key into your ssh-agent and leave out --identity.',
      detail: { auth: true },
    });
  }
  if (err.level === 'agent' && spec.credentials?.kind === 'agent') {
    return new StratamError('connect', `The ssh-agent at ${spec.credentials.socket} failed during login at ${host}:${port}: ${err.message}.`, {
      hint: 'Check the agent (ssh-add -l); an agent that asks for confirmation needs it granted. Or pass --identity with your private key.',
      detail: { auth: true },
    });
  }
  // A refusal, or sshd hanging up mid-login (MaxAuthTries, a DenyUsers rule).
  if (err.level === 'client-authentication' || (authStarted && err.level === 'protocol')) {
    if (spec.credentials) return refusalError(spec.credentials, { host, port, user }, err.level === 'protocol' ? err.message : undefined);
    return new StratamError('connect', `The droplet refused authentication for user ${user} at ${host}:${port}.`, { detail: { auth: true } });
  }
  const code = err.code;
  const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ETIMEDOUT' || err.level === 'client-timeout' ? 'timed out' : typeof code === 'string' ? code : err.message;
  return new StratamError('connect', `Could not reach ${host}:${port} over SSH (${what}).`, {
    hint: 'Check the host and port (--host and --port, or the profile), and that sshd runs on the droplet.',
  });
}
