/**
 * Reads and edits the droplet's <envFile>. Every edit is: read, change the
 * intended values in memory, write atomically with a compare-and-swap against
 * the bytes read (writeAtomic), then parse the file read back and confirm each
 * value took. The file keeps its mode. A missing file is created 0600 so that
 * a pause on a fresh droplet still lands (absent flags mean paused anyway).
 */
import type { Droplet } from '../droplet/droplet.js';
import { writeAtomic } from '../droplet/atomic-write.js';
import { StratamError } from '../errors.js';
import { parseDotenv, setEnvValue, isValidKey } from './dotenv.js';
import { assertSafeValue } from './identifiers.js';

export const FLAG_KEYS = {
  selfModify: 'JARVIS_SELF_MODIFY_ALLOWED',
  eternalLoop: 'JARVIS_ETERNAL_LOOP',
  discordOwner: 'DISCORD_OWNER_ID',
} as const;

/** Only the keys the contract defines may be read into status, exports or the UI. */
export const CONTRACT_KEYS = [
  'JARVIS_SELF_MODIFY_ALLOWED',
  'JARVIS_ETERNAL_LOOP',
  'DISCORD_OWNER_ID',
  'DISCORD_TRUSTED_USER_IDS',
  'TELEGRAM_TRUSTED_USER_IDS',
  'EMAIL_TRUSTED_SENDERS',
  'SMS_TRUSTED_NUMBERS',
] as const;

export interface EnvSnapshot {
  bytes: Buffer | null;
  mode: number;
  values: Map<string, string>;
}

export async function readEnv(droplet: Droplet): Promise<EnvSnapshot> {
  const path = droplet.paths.envFile;
  const st = await droplet.stat(path);
  if (!st) return { bytes: null, mode: 0o600, values: new Map() };
  const bytes = await droplet.readFile(path);
  return { bytes, mode: st.mode, values: parseDotenv(bytes.toString('utf8')) };
}

/** The contract's flags and lists only; other .env values (API keys) never leave this module. */
export function contractValues(values: Map<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of CONTRACT_KEYS) out[k] = values.get(k) ?? null;
  return out;
}

export async function editEnv(droplet: Droplet, edits: ReadonlyArray<{ key: string; value: string }>, base?: EnvSnapshot): Promise<EnvSnapshot> {
  for (const e of edits) {
    if (!isValidKey(e.key)) throw new StratamError('usage', `"${e.key}" is not a valid .env key.`);
    assertSafeValue(e.value);
  }
  const snap = base ?? (await readEnv(droplet));
  if (snap.bytes !== null && snap.bytes.includes(0)) {
    throw new StratamError('failed', `${droplet.paths.envFile} contains a NUL byte; refusing to edit it.`, { hint: 'Inspect the file on the droplet.' });
  }
  let text = snap.bytes?.toString('utf8') ?? '';
  if (snap.bytes !== null && !Buffer.from(text, 'utf8').equals(snap.bytes)) {
    throw new StratamError('failed', `${droplet.paths.envFile} is not valid UTF-8; refusing to edit it, so no byte is altered.`, { hint: 'Fix its encoding on the droplet, then retry.' });
  }
  for (const e of edits) text = setEnvValue(text, e.key, e.value);
  const next = Buffer.from(text, 'utf8');
  if (snap.bytes !== null && next.equals(snap.bytes)) return snap;
  await writeAtomic(droplet, droplet.paths.envFile, next, { mode: snap.mode, expect: snap.bytes });
  const after = await readEnv(droplet);
  for (const e of edits) {
    if (after.values.get(e.key) !== e.value) {
      throw new StratamError('failed', `${e.key} did not read back as written; the droplet may have changed it.`, { hint: 'Run `stratam status` and retry.' });
    }
  }
  return after;
}

export function setFlag(droplet: Droplet, key: string, value: string): Promise<EnvSnapshot> {
  return editEnv(droplet, [{ key, value }]);
}

/** The contract's fail-safe reading: anything but exactly "1" is off. */
export const flagOn = (values: Map<string, string>, key: string) => values.get(key) === '1';
