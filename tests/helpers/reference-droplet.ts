/**
 * The reference droplet: a real sshd on a free 127.0.0.1 port with its own
 * host key and authorized key, a temp jarvis home and root laid out per the
 * contract, and (optionally) the stand-in agent container. Tests drive it with
 * the real CLI and the real core; teardown removes everything it started.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DropletProfile } from '../../src-main/core/config/profile.js';
import { DEFAULT_PATHS } from '../../src-main/core/config/profile.js';
import { AGENT_IMAGE, ensureAgentImage } from './agent-image.js';

export const DEFAULT_ENV = `# Stratam operator flags
# Destructive tools (self_modify_code, self_restart, docker_cmd, host_exec)
JARVIS_SELF_MODIFY_ALLOWED=1
JARVIS_ETERNAL_LOOP=1

DISCORD_OWNER_ID=123456789012345678
DISCORD_TRUSTED_USER_IDS=234567890123456789
TELEGRAM_TRUSTED_USER_IDS=
EMAIL_TRUSTED_SENDERS="ops@example.com"
SMS_TRUSTED_NUMBERS='+14155550100'
OPENAI_API_KEY=sk-test-not-a-real-key
`;

/** The stand-in agent's code (agentCodeDir/main.sh): a healthy agent idles until stopped. */
export const HEALTHY_CODE = `#!/bin/sh
# stand-in agent, version 1
echo "agent v1 starting"
trap "exit 0" TERM
while true; do sleep 1; done
`;

/** A self-modification that ships a crash: the agent dies at start, and Docker restarts it. */
export const CRASHING_CODE = `#!/bin/sh
# stand-in agent, version 2: reply_fast is never defined
echo "agent v2 starting"
echo "Traceback (most recent call last):" >&2
echo "NameError: name 'reply_fast' is not defined" >&2
exit 3
`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function keygen(path: string, passphrase = ''): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'stratam-test', '-f', path], { stdio: 'ignore' });
}

function fingerprintOfPub(pubPath: string): string {
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' }).split(' ')[1] ?? '';
}

export interface ReferenceDropletOptions {
  agent?: boolean;
  env?: string;
  /** Lines for activity.jsonl to start with. */
  activity?: string;
  /**
   * Log in as this (non-root) user instead of root; it is created if missing,
   * with no home folder, so no shell start-up file slows or colours the run.
   */
  user?: string;
  /** false: sshd gets no `Subsystem sftp` line (a droplet whose sshd cannot serve files). */
  sftp?: boolean;
  /** false: sshd refuses stream-local forwarding (no way to the Docker socket over SSH). */
  streamLocal?: boolean;
  /** PATH for commands run over SSH (e.g. one without python3). */
  path?: string;
}

export class ReferenceDroplet {
  readonly root: string;
  readonly home: string;
  readonly jarvisRoot: string;
  readonly envPath: string;
  /** agentCodeDir (contract v2): the stand-in agent's code, run by its container when started with `code`. */
  readonly codeDir: string;
  readonly clientKey: string;
  readonly hostKeyPub: string;
  readonly hostFingerprint: string;
  readonly container: string;
  readonly sshdLog: string;
  readonly user: string;
  port = 0;
  private sshd: ChildProcess | null = null;
  private agentStarted = false;
  private readonly sftp: boolean;
  private readonly streamLocal: boolean;
  private readonly path: string | undefined;

  constructor(opts: ReferenceDropletOptions = {}) {
    this.root = mkdtempSync(join(tmpdir(), 'stratam-ref-'));
    this.home = join(this.root, 'jarvis-home');
    this.jarvisRoot = join(this.root, 'opt-jarvis');
    this.envPath = join(this.jarvisRoot, '.env');
    this.codeDir = join(this.jarvisRoot, 'app');
    this.sshdLog = join(this.root, 'sshd.log');
    mkdirSync(this.home, { mode: 0o700 });
    mkdirSync(join(this.jarvisRoot, '.jarvis_self_history'), { recursive: true });
    mkdirSync(join(this.codeDir, 'lib'), { recursive: true });
    writeFileSync(join(this.codeDir, 'main.sh'), HEALTHY_CODE, { mode: 0o755 });
    writeFileSync(join(this.codeDir, 'lib', 'replies.txt'), 'hello\nhow can I help?\n', { mode: 0o644 });
    writeFileSync(this.envPath, opts.env ?? DEFAULT_ENV, { mode: 0o640 });
    writeFileSync(join(this.home, 'activity.jsonl'), opts.activity ?? '', { mode: 0o600 });
    writeFileSync(join(this.home, 'conversation_archive.jsonl'), '', { mode: 0o600 });
    keygen(join(this.root, 'ssh_host_ed25519_key'));
    keygen(join(this.root, 'client_key'));
    this.clientKey = join(this.root, 'client_key');
    this.hostKeyPub = join(this.root, 'ssh_host_ed25519_key.pub');
    this.hostFingerprint = fingerprintOfPub(this.hostKeyPub);
    writeFileSync(join(this.root, 'authorized_keys'), readFileSync(`${this.clientKey}.pub`));
    this.container = `jarvis-test-${randomBytes(4).toString('hex')}`;
    this.user = opts.user ?? 'root';
    this.sftp = opts.sftp !== false;
    this.streamLocal = opts.streamLocal !== false;
    this.path = opts.path;
    if (opts.user) {
      try {
        execFileSync('id', [opts.user], { stdio: 'ignore' });
      } catch {
        execFileSync('useradd', ['-M', '-d', '/nonexistent', '-s', '/bin/sh', '-G', 'docker', '-p', '*', opts.user], { stdio: 'ignore' });
      }
      execFileSync('chown', ['-R', opts.user, this.home, this.jarvisRoot]);
      // sshd reads authorized_keys as the user; the private keys stay root-only.
      chmodSync(this.root, 0o755);
      chmodSync(join(this.root, 'authorized_keys'), 0o644);
    }
  }

  /** A known_hosts line for this droplet ([127.0.0.1]:port form). */
  knownHostsLine(): string {
    const [type, key] = readFileSync(this.hostKeyPub, 'utf8').trim().split(' ');
    return `[127.0.0.1]:${this.port} ${type} ${key}`;
  }

  async startSshd(port?: number): Promise<void> {
    this.port = port ?? this.port ?? (await freePort());
    if (this.port === 0) this.port = await freePort();
    mkdirSync('/run/sshd', { recursive: true });
    const cfg = join(this.root, 'sshd_config');
    writeFileSync(
      cfg,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(this.root, 'ssh_host_ed25519_key')}`,
        `AuthorizedKeysFile ${join(this.root, 'authorized_keys')}`,
        `PidFile ${join(this.root, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin prohibit-password',
        'PrintMotd no',
        'PrintLastLog no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        `AllowStreamLocalForwarding ${this.streamLocal ? 'yes' : 'no'}`,
        'LogLevel VERBOSE',
        'MaxSessions 64',
        'MaxStartups 64',
        ...(this.sftp ? ['Subsystem sftp internal-sftp'] : []),
        // Bash sources ~/.bashrc for a command sent over SSH only when SHLVL starts below 2.
        // This machine's root .bashrc runs `pyenv init`, whose rehash takes a lock that every
        // SSH exec then queues on (and a session killed mid-rehash leaves behind). A real droplet
        // runs its commands with the system python3; so do these sessions.
        `SetEnv SHLVL=1${this.path ? ` PATH=${this.path}` : ''}`,
        '',
      ].join('\n'),
    );
    // sshd appends its log to the file itself (-E): a log piped to this process
    // would fill and block sshd whenever the test blocks in spawnSync.
    this.sshd = spawn('/usr/sbin/sshd', ['-D', '-E', this.sshdLog, '-f', cfg], { stdio: 'ignore' });
    await waitForBanner(this.port);
  }

  /** Kill sshd and every session it forked (a hard drop of all connections). */
  async killSshd(): Promise<void> {
    const proc = this.sshd;
    this.sshd = null;
    if (!proc || proc.exitCode !== null || proc.pid === undefined) return;
    // Only this droplet's processes: the listener's descendants, found before it dies.
    const victims = [proc.pid, ...descendantsOf(proc.pid)];
    const done = new Promise((r) => proc.once('exit', r));
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await done;
  }

  /** CLI flags that reach this droplet with the pinned host key. */
  cliArgs(): string[] {
    return [
      '--host',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--user',
      this.user,
      '--identity',
      this.clientKey,
      '--fingerprint',
      this.hostFingerprint,
      '--jarvis-home',
      this.home,
      '--jarvis-root',
      this.jarvisRoot,
      '--container',
      this.container,
      '--agent-code-dir',
      this.codeDir,
      '--state-dir',
      join(this.root, 'state'),
    ];
  }

  /** OpenSSH client arguments up to the remote command (the benchmarks' plain-ssh anchors). */
  sshArgs(): string[] {
    const opts = ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'LogLevel=ERROR', 'BatchMode=yes'].flatMap((o) => ['-o', o]);
    return ['-i', this.clientKey, '-p', String(this.port), ...opts, `${this.user}@127.0.0.1`];
  }

  /** The same droplet as files on this machine (for --local). */
  localArgs(): string[] {
    return ['--local', '--jarvis-home', this.home, '--jarvis-root', this.jarvisRoot, '--container', this.container, '--agent-code-dir', this.codeDir, '--state-dir', join(this.root, 'state')];
  }

  profile(): DropletProfile {
    return {
      name: 'reference',
      transport: 'ssh',
      host: '127.0.0.1',
      port: this.port,
      user: this.user,
      identityFile: this.clientKey,
      fingerprint: this.hostFingerprint,
      paths: { ...DEFAULT_PATHS, jarvisHome: this.home, jarvisRoot: this.jarvisRoot, agentContainer: this.container, agentCodeDir: this.codeDir },
    };
  }

  readEnv(): string {
    return readFileSync(this.envPath, 'utf8');
  }

  readJsonl(name: string): Array<Record<string, unknown>> {
    const p = join(this.home, name);
    if (!existsSync(p)) return [];
    return readFileSync(p, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /**
   * Start the stand-in agent container (labelled us.stratam.role=agent). With
   * `code`, it runs as the contract's agent does: its command is the code in
   * agentCodeDir (main.sh), under restart policy `always`, so a bad
   * self-modification crash-loops it for real.
   */
  startAgent(extra: string[] = [], opts: { code?: boolean } = {}): void {
    ensureAgentImage();
    const command = opts.code ? ['--restart', 'always', AGENT_IMAGE, '/bin/sh', '/jarvis-root/app/main.sh'] : [AGENT_IMAGE, '/bin/sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
    execFileSync(
      'docker',
      ['run', '-d', '--name', this.container, '--label', 'us.stratam.role=agent', '--network=none', '-v', `${this.home}:/jarvis-home`, '-v', `${this.jarvisRoot}:/jarvis-root`, ...extra, ...command],
      { stdio: 'ignore' },
    );
    this.agentStarted = true;
  }

  /** Make the agent attempt a tool call; returns the record it appended. */
  agentCall(tool: string, arg: string, trust = 'owner', channel = 'discord', turn = 't_test'): Record<string, unknown> {
    execFileSync('docker', ['exec', this.container, 'agent-call', tool, arg, trust, channel, turn], { encoding: 'utf8' });
    const records = this.readJsonl('activity.jsonl');
    return records[records.length - 1] ?? {};
  }

  /**
   * The agent's self_modify_code, run inside its container: snapshot the code
   * folder by the contract, write `content` to `file` (relative to the code
   * folder), append the audit record. Returns the snapshot's folder name.
   */
  agentSelfModify(label: string, file: string, content: string, turn = 't_test', reason = 'self-improvement'): string {
    return execFileSync('docker', ['exec', '-i', this.container, 'agent-self-modify', label, file, turn, reason], { input: content, encoding: 'utf8' }).trim();
  }

  /** The agent's self_restart: it ends its own process and Docker's restart policy starts it again. */
  agentSelfRestart(turn = 't_test'): void {
    this.agentCall('self_restart', 'now', 'owner', 'discord', turn);
    execFileSync('docker', ['exec', this.container, 'kill', '-TERM', '1'], { stdio: 'ignore' });
  }

  async teardown(): Promise<void> {
    await this.killSshd();
    if (this.agentStarted) {
      try {
        execFileSync('docker', ['rm', '-f', this.container], { stdio: 'ignore' });
      } catch {
        /* already gone */
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Every descendant pid of `root`, from /proc (ps output formats vary; /proc does not). */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

async function waitForBanner(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not come up on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Bring up a reference droplet with sshd running (and the agent if asked). */
export async function startReferenceDroplet(opts: ReferenceDropletOptions = {}): Promise<ReferenceDroplet> {
  const d = new ReferenceDroplet(opts);
  try {
    await d.startSshd();
    if (opts.agent) d.startAgent();
  } catch (err) {
    await d.teardown();
    throw err;
  }
  return d;
}
