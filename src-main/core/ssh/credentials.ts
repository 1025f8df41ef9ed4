/**
 * What the client offers the droplet to log in: the identity file's key, or
 * the keys an ssh-agent holds. Both are checked before any connection is
 * made, so a public key given as --identity or a stale SSH_AUTH_SOCK fails at
 * once with its cause instead of inside ssh2's authentication loop (which
 * re-asks our handler on a "skipped" key at once, forever, starving the event
 * loop: the CLI then spun at full CPU and ignored SIGINT).
 *
 * Each key is offered once per connection and then the client stops: sshd
 * counts every refused offer toward MaxAuthTries (and fail2ban reads its
 * log), so offering one key until sshd hangs up looked like an attack and
 * said nothing about why it failed.
 */
import { stat as fsStat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import ssh2, { type AuthHandlerMiddleware, type BaseAgent as BaseAgentType, type ParsedKey } from 'ssh2';
import { StratamError, usageError } from '../errors.js';
import { fingerprintOf } from './host-key.js';

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { BaseAgent, OpenSSHAgent, utils: sshUtils } = ssh2;

/** One key as messages name it: fingerprint and short type, never key material. */
export interface KeyName {
  fingerprint: string;
  type: string;
}

export type Credentials = { kind: 'file'; path: string; key: Buffer; passphrase: string | undefined; name: KeyName } | { kind: 'agent'; socket: string; agent: BaseAgentType; keys: KeyName[] };

export interface CredentialSource {
  identityFile?: string | undefined;
  passphrase?: string | undefined;
  /** ssh-agent socket; SSH_AUTH_SOCK when absent. */
  agentSocket?: string | undefined;
}

const AGENT_TIMEOUT_MS = 5_000;

/** `ssh-ed25519` → `ed25519`, `ecdsa-sha2-nistp256` → `ecdsa`: the names ssh-keygen -l prints. */
export function shortKeyType(type: string): string {
  if (type.startsWith('ecdsa-')) return 'ecdsa';
  if (type.startsWith('sk-ecdsa-')) return 'ecdsa-sk';
  if (type.startsWith('sk-ssh-ed25519')) return 'ed25519-sk';
  return type.replace(/^ssh-/, '');
}

const nameOf = (key: ParsedKey): KeyName => ({ fingerprint: fingerprintOf(key.getPublicSSH()), type: shortKeyType(key.type) });

export async function loadCredentials(src: CredentialSource): Promise<Credentials> {
  if (src.identityFile) return loadIdentityFile(src.identityFile, src.passphrase);
  const socket = src.agentSocket ?? process.env.SSH_AUTH_SOCK;
  if (!socket) {
    throw new StratamError('connect', 'No key to log in with: no --identity was given and SSH_AUTH_SOCK is not set (no ssh-agent).', {
      hint: 'Pass --identity with your private key (e.g. ~/.ssh/id_ed25519), or start an ssh-agent and ssh-add the key.',
      detail: { auth: true },
    });
  }
  return loadAgent(socket);
}

async function loadIdentityFile(path: string, passphrase: string | undefined): Promise<Credentials> {
  let key: Buffer;
  try {
    key = await readFile(path);
  } catch (err) {
    throw new StratamError('connect', `Cannot read the identity file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`, {
      hint: 'Pass --identity with a readable private key, or leave it out to use your ssh-agent.',
      detail: { auth: true },
    });
  }
  const parsed = sshUtils.parseKey(key, passphrase);
  const first = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
  if (!first || first instanceof Error) {
    const text = key.toString('latin1');
    const encrypted = (first instanceof Error && /encrypted|passphrase|decrypt|bad/i.test(first.message)) || text.includes('ENCRYPTED') || /bcrypt/.test(text);
    key.fill(0);
    throw encrypted
      ? new StratamError('connect', 'The identity file is encrypted and the passphrase is missing or wrong.', {
          hint: 'Set STRATAM_KEY_PASSPHRASE, or load the key into your ssh-agent and leave out --identity.',
          detail: { auth: true },
        })
      : new StratamError('connect', `The identity file ${path} is not a private key ssh2 can read.`, {
          hint: 'Use an OpenSSH or PEM private key (ed25519, ecdsa or rsa).',
          detail: { auth: true },
        });
  }
  if (!first.isPrivateKey()) {
    key.fill(0);
    const priv = path.replace(/\.pub$/, '');
    throw usageError(
      `--identity ${path} is a public key (${shortKeyType(first.type)} ${fingerprintOf(first.getPublicSSH())}); logging in needs the private key.`,
      priv !== path ? `Pass --identity ${priv} (the same name without .pub).` : 'Pass --identity with the private key file (the one without .pub), or leave it out to use your ssh-agent.',
    );
  }
  return { kind: 'file', path, key, passphrase, name: nameOf(first) };
}

/**
 * Ask the agent for its keys before dialing: a stale SSH_AUTH_SOCK (the
 * agent of a closed session) says so here, with the reason, and an empty
 * agent is reported as one, rather than as "authentication failed".
 */
async function loadAgent(socket: string): Promise<Credentials> {
  const fail = (why: string, hint: string) => new StratamError('connect', `The ssh-agent at ${socket} (SSH_AUTH_SOCK) cannot be used: ${why}.`, { hint, detail: { auth: true, agent: socket } });
  const restart = 'A stale SSH_AUTH_SOCK (from an old login) points at an agent that is gone: start one (eval "$(ssh-agent)"; ssh-add), or pass --identity with your private key.';
  try {
    const st = await fsStat(socket);
    if (!st.isSocket()) throw fail('it is not a socket', restart);
  } catch (err) {
    if (err instanceof StratamError) throw err;
    throw fail(`${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : ((err as NodeJS.ErrnoException).code ?? 'it cannot be read')}`, restart);
  }
  await new Promise<void>((resolve, reject) => {
    const s = netConnect(socket);
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', (err: NodeJS.ErrnoException) => reject(fail(err.code === 'ECONNREFUSED' ? 'nothing listens there (connection refused)' : (err.code ?? err.message), restart)));
  });
  const inner = new OpenSSHAgent(socket);
  const keys = await new Promise<ParsedKey[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(fail(`it did not answer within ${AGENT_TIMEOUT_MS / 1000} s`, restart)), AGENT_TIMEOUT_MS);
    inner.getIdentities((err, list) => {
      clearTimeout(timer);
      if (err || !list) reject(fail(`it did not list its keys (${err?.message ?? 'no answer'})`, restart));
      // OpenSSHAgent answers with parsed keys; anything else cannot be named or offered.
      else resolve(list.filter((k): k is ParsedKey => typeof (k as ParsedKey).getPublicSSH === 'function'));
    });
  });
  if (keys.length === 0) {
    throw fail('it holds no keys', 'Add your key to it (ssh-add ~/.ssh/id_ed25519), or pass --identity with your private key.');
  }
  return { kind: 'agent', socket, agent: new ListedAgent(inner, keys), keys: keys.map(nameOf) };
}

/**
 * The agent as ssh2 sees it: the key list read up front (so the keys offered
 * are the ones messages name), signing done by the real agent.
 */
class ListedAgent extends BaseAgent<ParsedKey> {
  constructor(
    private readonly inner: InstanceType<typeof OpenSSHAgent>,
    private readonly keys: ParsedKey[],
  ) {
    super();
  }

  getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    cb(undefined, this.keys);
  }

  sign(pubKey: ParsedKey, data: Buffer, options: unknown, cb?: (err: Error | undefined, signature?: Buffer) => void): void {
    const done = typeof options === 'function' ? (options as typeof cb) : cb;
    const opts = typeof options === 'object' && options !== null ? options : {};
    this.inner.sign(pubKey, data, opts, (err?: Error | null, sig?: Buffer) => done?.(err ?? undefined, sig));
  }
}

/**
 * ssh2's authHandler for one connection: the identity file's key, or the
 * agent (whose keys ssh2 then tries one after another, each once), then
 * nothing more. Never a password, never the "none" method.
 */
export function authHandlerFor(creds: Credentials, username: string, onStart: () => void): AuthHandlerMiddleware {
  let offered = false;
  return (methodsLeft, _partial, next) => {
    onStart();
    if (offered || (methodsLeft !== null && methodsLeft.length > 0 && !methodsLeft.includes('publickey'))) return next(false as never);
    offered = true;
    if (creds.kind === 'file') {
      return next({ type: 'publickey', username, key: creds.key, ...(creds.passphrase ? { passphrase: creds.passphrase } : {}) } as never);
    }
    return next({ type: 'agent', username, agent: creds.agent } as never);
  };
}

/** What the droplet refused, by user and key: "user X refused key SHA256:… (ed25519) from FILE". */
export function refusalError(creds: Credentials, target: { host: string; port: number; user: string }, serverSaid?: string): StratamError {
  const { host, port, user } = target;
  const keys = creds.kind === 'file' ? [creds.name] : creds.keys;
  const list = keys.map((k) => `${k.fingerprint} (${k.type})`).join(', ');
  const from = creds.kind === 'file' ? `from ${creds.path}` : `from the ssh-agent at ${creds.socket}`;
  return new StratamError(
    'connect',
    `Authentication failed at ${host}:${port}: user ${user} refused ${keys.length === 1 ? 'key' : 'keys'} ${list} ${from}${serverSaid ? ` (sshd: ${serverSaid})` : ''}. The host was reached; the login was refused.`,
    {
      hint:
        creds.kind === 'file'
          ? `Check --user (is ${user} the droplet's login?), and that ${creds.path}.pub is in ~${user}/.ssh/authorized_keys on the droplet (ssh-copy-id -i ${creds.path}.pub ${user}@${host}). A locked or expired account refuses every key.`
          : `Check --user (is ${user} the droplet's login?), and that one of the agent's keys (ssh-add -L) is in ~${user}/.ssh/authorized_keys on the droplet, or pass --identity. A locked or expired account refuses every key.`,
      detail: { auth: true, user, keys: keys.map((k) => k.fingerprint) },
    },
  );
}

/** Forget the key bytes (the link calls this when it closes). */
export function wipeCredentials(creds: Credentials | null): void {
  if (creds?.kind === 'file') creds.key.fill(0);
}
