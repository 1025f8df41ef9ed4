/**
 * A droplet with a long audit trail, already mirrored on this desktop, in
 * Chromium through the browser harness (issue 16: "a console that does not
 * hold the log"). Shared by tests/e2e/feed-window.test.ts and
 * bench/console-window.ts so both look at the same trail.
 *
 * - The reference droplet starts with an empty activity.jsonl, and the trail
 *   is then written straight into its file in 4 MiB writes (handing a
 *   200 MB string to the droplet's constructor would build it in memory
 *   first and write it again).
 * - Record `seq` has ts = TRAIL_START + (seq - 1) minutes, so a time names
 *   exactly one seq (`seqAtOrAfter`); WORD is in record WORD_SEQ only.
 * - The app's state folder is filled by one `syncMirror` before the harness
 *   starts, as a desktop that has been connected before would have it: the
 *   session's own mirror keeper then finds nothing new.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { syncMirror } from '../../src-main/core/audit/mirror-sync.js';
import { mirrorCapBytes } from '../../src-main/core/config/profile.js';
import type { DropletIdentity } from '../../src-main/core/droplet/droplet.js';
import { SshDroplet } from '../../src-main/core/droplet/ssh-droplet.js';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { writeLines } from '../helpers/big-log.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, type Browser } from './browser.js';
import { activityLine } from './droplet-data.js';

export const MILLION = 1_000_000;
/** The first record's time; one record a minute after it (1,000,000 records reach late 2026). */
export const TRAIL_START = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;
/** A word no other record holds, in one old record, for the whole-trail search. */
export const WORD = 'axolotlquartz';
export const WORD_SEQ = 123;
const TOOLS = ['read_file', 'web_search', 'docker_ps', 'host_exec'];

export const tsOf = (seq: number): string => new Date(TRAIL_START + (seq - 1) * MINUTE).toISOString();

/** The first seq whose ts is at or after `iso`. */
export const seqAtOrAfter = (iso: string): number => Math.max(1, Math.ceil((Date.parse(iso) - TRAIL_START) / MINUTE) + 1);

export function trailLine(seq: number): string {
  return activityLine(seq, {
    ts: tsOf(seq),
    tool: TOOLS[seq % 4],
    ok: seq % 17 !== 0,
    ...(seq === WORD_SEQ ? { args: { path: `/srv/${WORD}/notes.txt` } } : {}),
  });
}

export interface MillionTrail {
  records: number;
  ref: ReferenceDroplet;
  stateDir: string;
  /** The droplet as the mirror names it (MirrorReader.open(stateDir, identity, stream)). */
  identity: DropletIdentity;
  harness: Harness;
  browser: Browser;
  /** Milliseconds each step of the set-up took (the test prints them; the bench reports beside them). */
  timings: { droplet: number; write: number; sync: number; harness: number; browser: number };
  close(): Promise<void>;
}

export interface MillionTrailOptions {
  /** Records in the trail (default 1,000,000). */
  records?: number;
  rendererDir: string;
  /** false: the browser opens about:blank, for a caller that times the navigation itself (default true). */
  navigate?: boolean;
}

export async function openMillionTrail(opts: MillionTrailOptions): Promise<MillionTrail> {
  const records = opts.records ?? MILLION;
  const timings = { droplet: 0, write: 0, sync: 0, harness: 0, browser: 0 };
  const step = async <T>(k: keyof typeof timings, f: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      timings[k] = performance.now() - t;
    }
  };
  let ref: ReferenceDroplet | undefined;
  let stateDir: string | undefined;
  let harness: Harness | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    ref = await step('droplet', () => startReferenceDroplet());
    const r = ref;
    await step('write', () => writeLines(join(r.home, 'activity.jsonl'), records, trailLine));
    const dir = mkdtempSync(join(tmpdir(), 'stratam-e2e-trail-'));
    stateDir = dir;
    const profile = r.profile();
    const identity = await step('sync', async () => {
      const d = await SshDroplet.connect(profile);
      try {
        // receipts too, as the session's keeper syncs both streams: it then has nothing to read at connect.
        const s = await syncMirror(d, dir, { capBytes: mirrorCapBytes(profile), receipts: true });
        if (s.records !== records) throw new Error(`The mirror sync delivered ${s.records} of ${records} records; look at the sync's gaps (${s.gaps}) and malformed lines (${s.malformed}).`);
        return d.identity;
      } finally {
        await d.close();
      }
    });
    harness = await step('harness', () => startHarness({ rendererDir: opts.rendererDir, stateDir: dir, profiles: [profile], session: { watch: { breaker: false } } }));
    const url = harness.url;
    browser = await step('browser', () => openBrowser(opts.navigate === false ? 'about:blank' : url));
    return { records, ref: r, stateDir: dir, identity, harness, browser, timings, close };
  } catch (err) {
    await close();
    throw err;
  }
}
