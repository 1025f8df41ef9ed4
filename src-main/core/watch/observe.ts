/**
 * One observation of a control-plane entry, as the tamper rules compare them.
 * The droplet-side watcher's lstat decides the type (a link is reported, never
 * followed); only regular files the rules compare by content are read, each
 * through the control-file reader that refuses links.
 */
import { createHash } from 'node:crypto';
import { parseBreaker } from '../breaker/breaker-file.js';
import { readSwitch, type SwitchReading } from '../controls/switch-state.js';
import { readControlFile } from '../droplet/control-file.js';
import type { ControlEntry } from '../droplet/control-plane.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError, StratamError } from '../errors.js';
import { CONTRACT_KEYS, type EnvSnapshot } from '../flags/env-editor.js';
import type { Observed } from './tamper-rules.js';
import type { RemoteStat } from './watcher-script.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const CONTRACT = new Set<string>(CONTRACT_KEYS);

export interface Observation {
  observed: Observed;
  /** The .env snapshot behind an `env` observation (hold-pause restores from it). */
  env: EnvSnapshot | null;
  /** For .env: the switch as `status` reads it (an unknown one with the same reason and fix). */
  reading: SwitchReading | null;
}

/** The first doubt that could change how the agent reads a contract key. */
export function contractDoubt(env: EnvSnapshot): { line: number; key: string | null; reason: string } | null {
  const d = env.doubts.find((x) => x.key === null || CONTRACT.has(x.key));
  return d ? { line: d.line, key: d.key, reason: d.reason } : null;
}

function failed(err: unknown): Observed {
  if (err instanceof StratamError && err.detail?.notRegular === true) return { kind: 'not-regular', type: (err.detail.type as RemoteStat['type']) ?? 'other' };
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
  if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') throw err;
  return { kind: 'unreadable', message: describeError(err) };
}

async function contentOf(droplet: Droplet, path: string, parse: (b: Buffer) => Observed): Promise<Observed> {
  try {
    const r = await readControlFile(droplet, path);
    return r ? parse(r.bytes) : { kind: 'absent' };
  } catch (err) {
    return failed(err);
  }
}

async function listingOf(droplet: Droplet, path: string): Promise<string | null> {
  try {
    const names = (await droplet.readdir(path)).map((d) => `${d.name}\0${d.stat.type}\0${d.stat.size}\0${d.stat.mtimeMs}`).sort();
    return sha(Buffer.from(names.join('\n')));
  } catch {
    // A folder we may not list is compared by its type alone; the type check above still holds.
    return null;
  }
}

/** .env through the same reader as `status`, so the watch and `status` never disagree on a reason. */
async function observeEnv(droplet: Droplet, st: RemoteStat | null): Promise<Observation> {
  const { reading, env } = await readSwitch(droplet);
  if (env?.bytes) return { observed: { kind: 'env', values: env.values, doubt: contractDoubt(env), hash: sha(env.bytes) }, env, reading };
  const u = reading.unknown;
  let observed: Observed;
  if (env !== null || u?.reason === 'no-file' || u?.reason === 'no-folder') observed = { kind: 'absent' };
  else if (u?.reason === 'not-regular') {
    // The watcher's stat may predate what the reader found (a file removed, then a link put there).
    const type = st && st.type !== 'file' ? st.type : ((await droplet.lstat(droplet.paths.envFile))?.type ?? 'other');
    observed = { kind: 'not-regular', type };
  } else observed = { kind: 'unreadable', message: u?.detail ?? 'unreadable' };
  return { observed, env: null, reading };
}

export async function observe(droplet: Droplet, e: ControlEntry, st: RemoteStat | null): Promise<Observation> {
  if (e.role === 'flags') return observeEnv(droplet, st);
  const none = (observed: Observed): Observation => ({ observed, env: null, reading: null });
  if (st === null) return none({ kind: 'absent' });
  const wantType = e.kind === 'dir' ? 'dir' : 'file';
  if (st.type !== wantType) return none({ kind: 'not-regular', type: st.type });
  switch (e.role) {
    case 'breaker':
      return none(await contentOf(droplet, e.path, (b) => ({ kind: 'breaker', record: parseBreaker(b.toString('utf8')), hash: sha(b) })));
    case 'keyring':
    case 'access':
      if (e.kind === 'dir') return none({ kind: 'present', type: st.type, listing: await listingOf(droplet, e.path) });
      return none(
        await contentOf(droplet, e.path, (b) => ({
          kind: 'content',
          hash: sha(b),
          lines:
            b.length === 0
              ? 0
              : b
                  .toString('utf8')
                  .split('\n')
                  .filter((l) => l.trim() !== '').length,
        })),
      );
    case 'audit':
    case 'receipts':
      return none({ kind: 'append', ino: st.ino, size: st.size });
    default:
      return none({ kind: 'present', type: st.type, listing: null });
  }
}
