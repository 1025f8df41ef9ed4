/**
 * Reads and edits the droplet's <envFile> on the agent's grammar (dotenv.ts).
 * Every edit is: read (a regular file only, never through a link), refuse if
 * the file holds a doubt that touches the edited keys, change the intended
 * values in memory and prove the result on the same grammar, write atomically
 * with a compare-and-swap against the bytes read (writeAtomic, which reads
 * the file back), and confirm each value took on that read-back. The file
 * keeps its mode. A missing file is created 0600 so that a pause on a fresh
 * droplet still lands.
 */
import type { Droplet } from '../droplet/droplet.js';
import { readControlFile } from '../droplet/control-file.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import { StratamError } from '../errors.js';
import { log } from '../log/logger.js';
import { checkedEdit, doubtsFor, isValidKey, readDotenv, refuseOnDoubt, type Doubt } from './dotenv.js';
import { CONTRACT_KEYS } from './contract-keys.js';
import { assertSafeValue } from './identifiers.js';

export const FLAG_KEYS = {
  selfModify: 'JARVIS_SELF_MODIFY_ALLOWED',
  eternalLoop: 'JARVIS_ETERNAL_LOOP',
  discordOwner: 'DISCORD_OWNER_ID',
} as const;

/** Only the keys the contract defines may be read into status, exports or the UI. */
export { CONTRACT_KEYS };

export type { Doubt };

export interface EnvSnapshot {
  /** The file's bytes; null when there is no file. */
  bytes: Buffer | null;
  mode: number;
  /** The file's owner (null when there is no file). */
  owner: { uid: number; gid: number } | null;
  /** Set by an edit that could not keep the owner: a sentence saying whose the file is now, and the fix. */
  ownerNote?: string;
  /**
   * The values python-dotenv gives the agent. A key it reads as None (`KEY`
   * with no `=`) is absent, like a key never assigned: for the agent both
   * mean unset, and an unset flag is off.
   */
  values: Map<string, string>;
  /**
   * Where the app cannot be sure the agent reads the file as it does, by line
   * (key null: the whole file; otherwise that key only). See dotenv-reading.ts.
   */
  doubts: Doubt[];
}

export async function readEnv(droplet: Droplet): Promise<EnvSnapshot> {
  const read = await readControlFile(droplet, droplet.paths.envFile);
  if (!read) return { bytes: null, mode: 0o600, owner: null, values: new Map(), doubts: [] };
  const r = readDotenv(read.bytes);
  return { bytes: read.bytes, mode: read.stat.mode, owner: { uid: read.stat.uid, gid: read.stat.gid }, values: r.values, doubts: r.doubts };
}

/** The contract's flags and lists only; other .env values (API keys) never leave this module. */
export function contractValues(values: Map<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of CONTRACT_KEYS) out[k] = values.get(k) ?? null;
  return out;
}

/** Refuse (exit 3, naming the line and the fix) when a doubt touches `keys`: for callers that decide from a reading. */
export function assertCertain(droplet: Droplet, snap: EnvSnapshot, keys: readonly string[]): void {
  refuseOnDoubt(snap.doubts, keys, droplet.paths.envFile);
}

export async function editEnv(droplet: Droplet, edits: ReadonlyArray<{ key: string; value: string }>, base?: EnvSnapshot): Promise<EnvSnapshot> {
  for (const e of edits) {
    if (!isValidKey(e.key)) throw new StratamError('usage', `"${e.key}" is not a valid .env key.`);
    assertSafeValue(e.value);
  }
  const path = droplet.paths.envFile;
  const snap = base ?? (await readEnv(droplet));
  // Doubts first: a file we may read differently from the agent is never rewritten, not even to the same bytes.
  const planned = checkedEdit(readDotenv(snap.bytes ?? Buffer.alloc(0)), edits, path);
  const next = Buffer.from(planned.text, 'utf8');
  if (snap.bytes !== null && next.equals(snap.bytes)) return snap;
  const written = await writeAtomic(droplet, path, next, { mode: snap.mode, expect: snap.bytes, ...(snap.owner ? { owner: snap.owner } : {}) });
  // writeAtomic read the file back (through the link-refusing reader) and found exactly `next`: its reading is
  // `planned`, so the confirmation below costs no second read of the droplet.
  const after: EnvSnapshot = { bytes: next, mode: snap.mode, owner: written.ownerNow ?? snap.owner, values: planned.values, doubts: planned.doubts };
  if (written.ownerNow && snap.owner) {
    after.ownerNote =
      `${path} belonged to uid ${snap.owner.uid} (gid ${snap.owner.gid}); it now belongs to uid ${written.ownerNow.uid}, the SSH user ${droplet.identity.user}, because only root may give a file away. ` +
      `The agent reads it as before (its mode is kept); to keep the owner, connect as root, or run \`chown ${snap.owner.uid}:${snap.owner.gid} ${path}\` on the droplet.`;
    log.warn('flags', after.ownerNote);
  }
  for (const [key, value] of new Map(edits.map((e) => [e.key, e.value]))) {
    if (after.values.get(key) !== value || doubtsFor(after.doubts, [key]).length > 0) {
      throw new StratamError('failed', `${key} did not read back as written; the droplet may have changed it.`, { hint: 'Run `stratam status` and retry.' });
    }
  }
  return after;
}

export function setFlag(droplet: Droplet, key: string, value: string): Promise<EnvSnapshot> {
  return editEnv(droplet, [{ key, value }]);
}

/** The contract's fail-safe reading: anything but exactly "1" is off. Check the snapshot's doubts first (doubtsFor). */
export const flagOn = (values: Map<string, string>, key: string) => values.get(key) === '1';
