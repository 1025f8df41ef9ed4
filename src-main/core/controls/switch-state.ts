/**
 * The off switch as it was actually read. The agent's own fail-safe reading
 * ("absent means paused") is right for the agent, but for the operator a
 * missing file or folder, an unreadable file, a link, or a file whose meaning
 * python-dotenv might not share is a misconfiguration or an attack: saying
 * "paused" there would be a lie. So the switch has a third value, unknown,
 * always with its reason and the fix; no face shows it as paused or allowed.
 */
import type { Droplet } from '../droplet/droplet.js';
import { dirnameOf } from '../droplet/paths.js';
import { describeError, StratamError } from '../errors.js';
import { FLAG_KEYS, readEnv, type EnvSnapshot } from '../flags/env-editor.js';

/** `link-down` is the faces' own: a value last read before the link dropped is not a reading now. */
export type UnknownReason = 'no-file' | 'no-folder' | 'unreadable' | 'not-regular' | 'grammar' | 'link-down';

export interface SwitchUnknown {
  reason: UnknownReason;
  /** One sentence: what was found (paths and line numbers, never values). */
  detail: string;
  /** One sentence: what to do. */
  fix: string;
}

export interface SwitchReading {
  /** JARVIS_SELF_MODIFY_ALLOWED: destructive tools. */
  selfModify: 'paused' | 'allowed' | 'unknown';
  /** JARVIS_ETERNAL_LOOP: the eternal-improvement loop. */
  eternalLoop: 'armed' | 'off' | 'unknown';
  /** Why a value is unknown; null when both were read with certainty. */
  unknown: SwitchUnknown | null;
}

export interface SwitchRead {
  reading: SwitchReading;
  /** The snapshot the reading came from (null when the file could not be read). */
  env: EnvSnapshot | null;
}

const unknownOf = (u: SwitchUnknown): SwitchReading => ({ selfModify: 'unknown', eternalLoop: 'unknown', unknown: u });

/** The first doubt of a reading that could change how the agent reads `key` (a file-wide doubt touches every key). */
function doubtFor(env: EnvSnapshot, key: string): EnvSnapshot['doubts'][number] | null {
  return env.doubts.find((d) => d.key === null || d.key === key) ?? null;
}

/** Classify a snapshot (the file was read): known values, or unknown with the first doubt that touches a flag. */
export function readingOf(env: EnvSnapshot, envFile: string): SwitchReading {
  const flag = (key: string) => {
    if (doubtFor(env, key)) return 'unknown' as const;
    return env.values.get(key) === '1';
  };
  const self = flag(FLAG_KEYS.selfModify);
  const loop = flag(FLAG_KEYS.eternalLoop);
  const d = doubtFor(env, FLAG_KEYS.selfModify) ?? doubtFor(env, FLAG_KEYS.eternalLoop);
  return {
    selfModify: self === 'unknown' ? 'unknown' : self ? 'allowed' : 'paused',
    eternalLoop: loop === 'unknown' ? 'unknown' : loop ? 'armed' : 'off',
    unknown: d ? { reason: 'grammar', detail: `${envFile} line ${d.line}: ${d.reason}`, fix: d.fix } : null,
  };
}

/** Read the switch. Never throws for a file problem (that is an unknown reading); a lost connection still throws. */
export async function readSwitch(droplet: Droplet): Promise<SwitchRead> {
  const envFile = droplet.paths.envFile;
  let env: EnvSnapshot;
  try {
    env = await readEnv(droplet);
  } catch (err) {
    const u = await unreadable(droplet, envFile, err);
    return { reading: unknownOf(u), env: null };
  }
  if (env.bytes === null) return { reading: unknownOf(await absent(droplet, envFile)), env };
  return { reading: readingOf(env, envFile), env };
}

async function absent(droplet: Droplet, envFile: string): Promise<SwitchUnknown> {
  const dir = dirnameOf(envFile);
  const st = await droplet.stat(dir);
  if (!st?.isDirectory) {
    return {
      reason: 'no-folder',
      detail: `There is no folder ${dir} on the droplet, so ${envFile} cannot be the file the agent reads.`,
      fix: "Point the app at the agent's folder: --jarvis-root (or --env-file), or save the profile again with `stratam profile add NAME ... --jarvis-root PATH`.",
    };
  }
  return {
    reason: 'no-file',
    detail: `There is no ${envFile}. The agent would treat that as paused, but the app cannot confirm this is the file the agent reads.`,
    fix: 'If the agent keeps its .env elsewhere, pass --env-file or --jarvis-root; otherwise `stratam pause` creates it paused.',
  };
}

async function unreadable(droplet: Droplet, envFile: string, err: unknown): Promise<SwitchUnknown> {
  if (err instanceof StratamError && err.detail?.notRegular === true) {
    return { reason: 'not-regular', detail: err.message, fix: err.hint ?? `Replace ${envFile} with a regular file.` };
  }
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return absent(droplet, envFile);
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      reason: 'unreadable',
      detail: `The SSH user ${droplet.identity.user} may not read ${envFile}.`,
      fix: `Connect as the user that owns the agent's files, or let that user read it (e.g. chgrp and chmod g+r ${envFile}).`,
    };
  }
  if (code === 'ECONNRESET') throw err;
  return { reason: 'unreadable', detail: `${envFile} could not be read: ${describeError(err)}`, fix: 'Run `stratam doctor` to see what the droplet refuses.' };
}
