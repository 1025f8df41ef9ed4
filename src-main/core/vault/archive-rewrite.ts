/**
 * Re-encrypt the conversation archive as a stream and swap it in by rename,
 * without losing a line the agent appends meanwhile.
 *
 * The agent appends by open/write/close, so: copy whole lines into a temp
 * file, catching up until the old file stops growing; hard-link the old file
 * to a side name (so a crash recovery can still reach its inode); rename the
 * temp file over the archive; then re-check the old inode (through our open
 * handle) and append any tail that landed there after the last catch-up (a
 * writer that opened the old file just before the rename) to the new file.
 * The side name is removed last. A kill at any moment leaves the archive path holding either
 * the old bytes or the new, both readable with the keyring on disk.
 *
 * No path is read or written through a link (contract v2, the control
 * plane): the archive is opened once with Droplet.openRegular (a link, FIFO
 * or device is refused, exit 3) and read only by that handle, before and
 * after the swap (it is the old inode the side name keeps). The temp copy is
 * created exclusively under a fresh name, checked the same way, and written
 * only by its handle, which after the rename is the new archive: the carried
 * tail goes there too, never to whatever the path names by then. Lines that
 * are not records are copied through untouched, so a followed link here
 * would copy another file's bytes into a file the agent reads.
 */
import type { Droplet, RegularFile } from '../droplet/droplet.js';
import { tempPathFor } from '../droplet/atomic-write.js';
import { basenameOf, dirnameOf } from '../droplet/paths.js';
import { StratamError } from '../errors.js';
import { CHUNK } from './archive-lines.js';
import { unlessGone } from '../log/logger.js';

const NL = 0x0a;
const FLUSH_AT = 1024 * 1024;
/** How long a last line without newline may take to complete before it is taken as torn. */
const TORN_WAIT_MS = 1000;
/** Post-swap re-checks of the old inode (a writer may have opened it just before the rename). */
const TAIL_CHECKS_MS = [0, 25];

export const sidePathFor = (path: string) => `${dirnameOf(path)}/.${basenameOf(path)}.stratam-rotate-old`;

export interface RewriteResult {
  /** Lines in the old file at swap time, plus those carried over after it. */
  lines: number;
  /** Lines carried over from the old file after the swap. */
  carried: number;
  bytes: number;
}

export interface RewriteOptions {
  /** Transform one whole line (without newline); may throw to abort before the swap. */
  transform: (line: Buffer, lineNo: number) => Buffer;
  onProgress?: (done: number, total: number) => void;
  /** Testing hook: runs after the last catch-up, right before the rename (what it appends must be carried over). */
  beforeSwap?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Incremental line processing of a growing file from `consumed` on. */
class Cursor {
  consumed = 0;
  lineNo = 1;
  lines = 0;
  constructor(
    /** The old archive, by handle: the same inode before and after the swap. */
    private readonly source: RegularFile,
    private readonly transform: RewriteOptions['transform'],
  ) {}

  /**
   * Transform whole lines in [consumed, size) and hand the output in batches
   * to `emit`. A trailing partial line is left unconsumed, unless `takeTorn`.
   */
  async advance(size: number, emit: (out: Buffer) => Promise<void>, takeTorn: boolean, progress?: (done: number) => void): Promise<void> {
    let out: Buffer[] = [];
    let outLen = 0;
    let pending: Buffer[] = [];
    let pos = this.consumed;
    const flush = async () => {
      if (outLen === 0) return;
      await emit(Buffer.concat(out, outLen));
      out = [];
      outLen = 0;
    };
    while (pos < size) {
      const buf = await this.source.read(pos, Math.min(size, pos + CHUNK) - pos);
      if (buf.length === 0) break;
      let from = 0;
      for (let nl = buf.indexOf(NL); nl !== -1; nl = buf.indexOf(NL, from)) {
        const piece = buf.subarray(from, nl);
        const line = pending.length ? Buffer.concat([...pending, piece]) : piece;
        pending = [];
        const t = this.transform(line, this.lineNo++);
        out.push(t, Buffer.from([NL]));
        outLen += t.length + 1;
        this.lines++;
        from = nl + 1;
      }
      if (from < buf.length) pending.push(Buffer.from(buf.subarray(from)));
      pos += buf.length;
      this.consumed = pos - pending.reduce((n, b) => n + b.length, 0);
      if (outLen >= FLUSH_AT) await flush();
      progress?.(this.consumed);
    }
    if (takeTorn && pending.length) {
      // A torn last line is no whole record: it is kept byte for byte.
      const torn = Buffer.concat(pending);
      out.push(torn);
      outLen += torn.length;
      this.consumed += torn.length;
      this.lines++;
    }
    await flush();
  }
}

export async function rewriteArchive(droplet: Droplet, path: string, opts: RewriteOptions): Promise<RewriteResult> {
  const src = await droplet.openRegular(path, 'read');
  if (!src) return { lines: 0, carried: 0, bytes: 0 };
  const tmp = tempPathFor(path);
  const side = sidePathFor(path);
  let out: RegularFile | null = null;
  let swapped = false;
  try {
    const cur = new Cursor(src, opts.transform);
    const sizeNow = async () => (await src.fstat()).size;
    try {
      // writeNew sets the exact mode on its own handle (no chmod by path); the checked open then takes that file.
      await droplet.writeNew(tmp, Buffer.alloc(0), src.stat.mode & 0o777);
      out = await droplet.openRegular(tmp, 'append', src.stat.mode & 0o777);
      const dst = out;
      const toTmp = (b: Buffer) => dst.append(b);
      // Catch up until the file stops growing (the agent keeps appending).
      let total = src.stat.size;
      opts.onProgress?.(0, total);
      for (;;) {
        const size = await sizeNow();
        if (size < cur.consumed)
          throw new StratamError('failed', `${path} shrank during rotation; nothing was swapped.`, { hint: 'Something else rewrote the archive. Run `stratam vault verify`, then rotate again.' });
        total = Math.max(total, size);
        if (size === cur.consumed) break;
        const before = cur.consumed;
        await cur.advance(size, toTmp, false, (d) => opts.onProgress?.(d, total));
        if (cur.consumed === before) {
          // Only a partial last line is left: give its writer a moment, then keep it as torn.
          const deadline = Date.now() + TORN_WAIT_MS;
          while (Date.now() < deadline && (await sizeNow()) === size) await sleep(50);
          if ((await sizeNow()) === size) await cur.advance(size, toTmp, true);
        }
      }
      await dst.sync();
      await droplet.unlink(side).catch(unlessGone('vault', `removing ${side} before the swap`)); // ln below fails, and says so, if it is still there
      const ln = await droplet.exec(['ln', '--', path, side]);
      if (ln.code !== 0) {
        throw new StratamError('failed', `Could not hard-link ${path} to keep it reachable during the swap; nothing was swapped.`, {
          hint: 'The droplet needs `ln` (coreutils) and a filesystem with hard links in jarvisHome.',
        });
      }
      // A last catch-up shortens the window the post-swap check has to cover.
      await cur.advance(await sizeNow(), toTmp, false);
      await dst.sync();
      await opts.beforeSwap?.();
      await droplet.rename(tmp, path);
      swapped = true;
    } catch (err) {
      // The error that stopped the rewrite is the one thrown; a clean-up that also fails is logged (the next rewrite removes leftovers).
      if (!swapped) await droplet.unlink(tmp).catch(unlessGone('vault', `removing ${tmp} after a failed rewrite`));
      await droplet.unlink(side).catch(unlessGone('vault', `removing ${side} after a failed rewrite`));
      throw err;
    }
    // Carry over whatever reached the old inode after the last catch-up, into the new one (our handle).
    const dst = out;
    const linesAtSwap = cur.lines;
    for (const wait of TAIL_CHECKS_MS) {
      if (wait) await sleep(wait);
      const size = await sizeNow();
      if (size > cur.consumed) await cur.advance(size, (b) => dst.append(b), true);
    }
    await droplet.unlink(side).catch(unlessGone('vault', `removing ${side} after the swap (the next vault change cleans it up)`));
    opts.onProgress?.(cur.consumed, cur.consumed);
    return { lines: cur.lines, carried: cur.lines - linesAtSwap, bytes: cur.consumed };
  } finally {
    await out?.close();
    await src.close();
  }
}
