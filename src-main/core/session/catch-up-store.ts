/**
 * How far the app has judged each droplet, kept between runs: the audit
 * feed's position per stream and the conversation archive's byte offset, in
 * `<stateDir>/catch-up/<droplet key>.json` (the witness's key: host, port and
 * host key, so a rebuilt droplet starts afresh). Written whole through a
 * temporary file and a rename, at most once a second, so a crash leaves the
 * previous position, never a torn one; a position that is a little behind
 * only means a few records are judged again (their alerts are keyed, so a
 * repeat is not a second notification).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dropletKey } from '../audit/witness-store.js';
import { parsePosition, type FeedPositions } from '../audit/feed-position.js';
import type { DropletIdentity } from '../droplet/droplet.js';
import { background } from '../log/logger.js';

export interface CatchUpPoint {
  audit: FeedPositions;
  /** Byte offset in conversation_archive.jsonl; null before the first read. */
  archive: number | null;
  /** When this point was saved (the digest says "since"). */
  savedAt: string | null;
}

const SAVE_EVERY_MS = 1000;

export class CatchUpStore {
  private point: CatchUpPoint = { audit: {}, archive: null, savedAt: null };
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  readonly file: string;

  constructor(
    stateDir: string,
    id: DropletIdentity,
    private readonly onError: (err: unknown) => void,
  ) {
    this.file = join(stateDir, 'catch-up', `${dropletKey(id)}.json`);
  }

  /** The saved point, or null on a first start (or when the file is not one of ours: then this run starts at the end). */
  async load(): Promise<CatchUpPoint | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onError(err);
      return null;
    }
    const v = safeJson(text);
    if (!v) {
      this.onError(new Error(`${this.file} is not a saved position; starting at the end of the logs.`));
      return null;
    }
    const audit: FeedPositions = {};
    for (const stream of ['activity', 'receipts'] as const) {
      const p = parsePosition((v.audit as Record<string, unknown> | undefined)?.[stream]);
      if (p) audit[stream] = p;
    }
    const archive = Number.isSafeInteger(v.archive) && (v.archive as number) >= 0 ? (v.archive as number) : null;
    this.point = { audit, archive, savedAt: typeof v.savedAt === 'string' ? v.savedAt : null };
    return this.point;
  }

  setAudit(positions: FeedPositions): void {
    this.point = { ...this.point, audit: { ...this.point.audit, ...positions } };
    this.schedule();
  }

  setArchive(offset: number): void {
    if (this.point.archive === offset) return;
    this.point = { ...this.point, archive: offset };
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      background(this.save(), 'catch-up', 'saving the catch-up position');
    }, SAVE_EVERY_MS);
    this.timer.unref();
  }

  /** Write now (and on close): one write at a time, the newest point last. */
  save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const body = JSON.stringify({ version: 1, ...this.point, savedAt: new Date().toISOString() });
    this.writing = this.writing.then(async () => {
      try {
        await mkdir(join(this.file, '..'), { recursive: true, mode: 0o700 });
        const tmp = `${this.file}.${process.pid}.tmp`;
        await writeFile(tmp, body, { mode: 0o600 });
        await rename(tmp, this.file);
      } catch (err) {
        this.onError(err);
      }
    });
    return this.writing;
  }
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    // Not JSON: the caller reports it and starts at the end.
    return null;
  }
}
