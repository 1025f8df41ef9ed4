/**
 * Global options may stand anywhere before `--`; they are taken out of argv and
 * the rest goes to the command. Each is declared once here with its meaning,
 * which `stratam --help` prints.
 */
import { defaultStateDir } from '../core/config/state-dir.js';
import { usageError } from '../core/errors.js';
import type { GlobalOptions } from './command.js';

type Kind = 'string' | 'port' | 'boolean';

export const GLOBAL_FLAGS: ReadonlyArray<{ name: string; key: keyof GlobalOptions; kind: Kind; help: string }> = [
  { name: 'host', key: 'host', kind: 'string', help: 'droplet host name or IP' },
  { name: 'port', key: 'port', kind: 'port', help: 'SSH port (default 22)' },
  { name: 'user', key: 'user', kind: 'string', help: 'SSH user (default: your user name)' },
  { name: 'identity', key: 'identity', kind: 'string', help: 'private key file (default: ssh-agent at SSH_AUTH_SOCK)' },
  { name: 'known-hosts', key: 'knownHosts', kind: 'string', help: 'known_hosts file (default ~/.ssh/known_hosts)' },
  { name: 'fingerprint', key: 'fingerprint', kind: 'string', help: 'pinned host key, SHA256:...' },
  { name: 'jarvis-home', key: 'jarvisHome', kind: 'string', help: 'agent data folder (default ~/.jarvis)' },
  { name: 'jarvis-root', key: 'jarvisRoot', kind: 'string', help: 'agent install folder (default /opt/jarvis)' },
  { name: 'env-file', key: 'envFile', kind: 'string', help: 'flags file (default <jarvis-root>/.env)' },
  { name: 'container', key: 'container', kind: 'string', help: 'agent container name (default jarvis)' },
  { name: 'sandbox-image', key: 'sandboxImage', kind: 'string', help: 'sandbox image (default stratam/sandbox:latest)' },
  { name: 'agent-code-dir', key: 'agentCodeDir', kind: 'string', help: "the agent's code folder (default <jarvis-root>/app)" },
  { name: 'backups-volume', key: 'backupsVolume', kind: 'string', help: 'backups Docker volume (default jarvis_backups)' },
  { name: 'mirror-cap-mb', key: 'mirrorCapMB', kind: 'string', help: "the desktop's copy of the audit logs, per droplet, in MB (default 2048; 0: none)" },
  { name: 'local', key: 'local', kind: 'boolean', help: "this machine's files and Docker socket (on the droplet itself)" },
  { name: 'profile', key: 'profile', kind: 'string', help: 'a saved droplet (see `stratam profile`)' },
  { name: 'state-dir', key: 'stateDir', kind: 'string', help: 'local app data folder' },
  { name: 'json', key: 'json', kind: 'boolean', help: 'machine-readable output' },
  { name: 'verbose', key: 'verbose', kind: 'boolean', help: "print the log's lines (<state-dir>/logs/stratam.log) and debug ones to stderr" },
];

export function extractGlobals(argv: readonly string[]): { globals: GlobalOptions; rest: string[] } {
  const g: GlobalOptions = { local: false, json: false, stateDir: '' };
  const rest: string[] = [];
  const bag = g as unknown as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    const spec = m ? GLOBAL_FLAGS.find((f) => f.name === m[1]) : undefined;
    if (!m || !spec) {
      rest.push(arg);
      continue;
    }
    if (spec.kind === 'boolean') {
      if (m[2] !== undefined) throw usageError(`--${spec.name} takes no value.`);
      bag[spec.key] = true;
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') throw usageError(`--${spec.name} needs a value.`, `Example: --${spec.name} ${spec.kind === 'port' ? '22' : '...'}`);
    if (spec.kind === 'port') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw usageError(`--port must be a number from 1 to 65535, not "${value.slice(0, 20)}".`);
      bag[spec.key] = n;
    } else bag[spec.key] = value;
  }
  if (!g.stateDir) g.stateDir = defaultStateDir();
  return { globals: g, rest };
}
