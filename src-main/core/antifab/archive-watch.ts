/**
 * Live replies for the fabrication scanner: new lines of the droplet's
 * conversation archive, decrypted with its keyring. It polls the file's size
 * over the open connection (a stat a second, no process left on the droplet)
 * and reads only the new bytes.
 *
 * It starts at the current end, or at `startOffset`: where the archive ended
 * when the app connected, or where the app last read to (saved per droplet:
 * what was written while the app was closed is judged on the next start,
 * with the audit feed resuming from its own saved position so the turns' tool
 * calls are there); the full history is `stratam antifab scan`'s job. A vault
 * rotation rewrites the archive with tokens of the same length (same
 * plaintext, same timestamps), so offsets stay valid across it; a file that
 * shrinks was replaced, and reading resumes at its new end rather than
 * replaying it.
 */
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { parseArchiveLine, type Decryptor } from './records.js';
import type { ArchiveMessage } from './scan.js';
import { background, logEvery } from '../log/logger.js';

const MAX_LINE = 1024 * 1024;
const KEYRING_RETRY_MS = 10_000;

export interface ArchiveWatchOptions {
  intervalMs?: number;
  onMessage(m: ArchiveMessage): void;
  onError(message: string): void;
  loadKeyring(): Promise<Decryptor>;
  /** Resume at this byte offset (a saved `onOffset`) instead of the current end. */
  startOffset?: number;
  /** The offset after the last whole line read, whenever it moves (for the next start). */
  onOffset?(offset: number): void;
  /** The first time a look finds nothing more to read: the catch-up is done. */
  onCaughtUp?(): void;
}

export class ArchiveWatcher {
  private offset = -1;
  private carry: Buffer = Buffer.alloc(0);
  private skipToNewline = false;
  private keyring: Decryptor | null = null;
  private keyringTriedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private reported = new Set<string>();
  private caughtUp = false;

  constructor(
    private readonly droplet: Droplet,
    private readonly opts: ArchiveWatchOptions,
  ) {}

  get path(): string {
    return homeFile(this.droplet.paths, CONTRACT_FILES.archive);
  }

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.poll();
      } catch (err) {
        this.once('poll', `Reading the conversation archive failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!this.stopped) this.timer = setTimeout(() => background(tick(), 'archive-watch', 'polling the conversation archive'), this.opts.intervalMs ?? 1000);
    };
    background(tick(), 'archive-watch', 'polling the conversation archive');
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** One look at the file; public so tests and a "check now" can drive it. */
  async poll(): Promise<void> {
    const st = await this.droplet.stat(this.path);
    const size = st?.size ?? 0;
    if (this.offset < 0 && this.opts.startOffset !== undefined && this.opts.startOffset <= size) {
      // Where the app last read to (or where the archive ended at connect): what came in since is read now. Saved
      // at once, so a run that ends before anything new arrives still resumes here next time.
      this.offset = this.opts.startOffset;
      this.opts.onOffset?.(this.offset);
    }
    if (this.offset < 0 || size < this.offset) {
      // First look, or the file was replaced by a shorter one: start at its end.
      this.offset = size;
      this.carry = Buffer.alloc(0);
      this.skipToNewline = false;
      this.opts.onOffset?.(size);
      this.markCaughtUp();
      return;
    }
    if (size === this.offset) return this.markCaughtUp();
    const chunk = await this.droplet.readRange(this.path, this.offset, Math.min(size, this.offset + 8 * MAX_LINE));
    this.offset += chunk.length;
    let data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(10)) >= 0) {
      const line = data.subarray(0, nl);
      data = data.subarray(nl + 1);
      if (this.skipToNewline) {
        this.skipToNewline = false;
        continue;
      }
      if (line.length > 0) await this.deliver(line);
    }
    // Bounded memory: a line longer than MAX_LINE is not a reply we can judge; skip past it.
    if (data.length > MAX_LINE) {
      this.carry = Buffer.alloc(0);
      this.skipToNewline = true;
    } else this.carry = Buffer.from(data);
    // A partial last line is read again next time; a skipped over-long one is not.
    this.opts.onOffset?.(this.offset - this.carry.length);
    if (this.offset >= size) this.markCaughtUp();
  }

  private markCaughtUp(): void {
    if (this.caughtUp) return;
    this.caughtUp = true;
    this.opts.onCaughtUp?.();
  }

  private async deliver(line: Buffer): Promise<void> {
    const keyring = await this.keyringOrNull();
    if (!keyring) return;
    let m = parseArchiveLine(line, keyring);
    if (m && m.role === 'assistant' && m.content === null && Date.now() - this.keyringTriedAt > KEYRING_RETRY_MS) {
      // Perhaps the vault was rotated since the keyring was read: read it again once.
      this.keyring = null;
      const fresh = await this.keyringOrNull();
      if (fresh) m = parseArchiveLine(line, fresh);
    }
    if (m) this.opts.onMessage(m);
  }

  private async keyringOrNull(): Promise<Decryptor | null> {
    if (this.keyring) return this.keyring;
    if (Date.now() - this.keyringTriedAt < KEYRING_RETRY_MS && this.keyringTriedAt > 0) return null;
    this.keyringTriedAt = Date.now();
    try {
      this.keyring = await this.opts.loadKeyring();
      this.reported.delete('keyring');
      return this.keyring;
    } catch (err) {
      this.once('keyring', `Replies cannot be checked for fabrication: the vault keyring could not be read (${err instanceof Error ? err.message : String(err)}).`);
      return null;
    }
  }

  private once(key: string, message: string): void {
    // The person is told once; the log keeps the repeats too (throttled), so a trouble that lasted all night shows as such.
    logEvery(`archive-watch:${key}`, 10 * 60_000, 'warn', 'antifab', message);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.opts.onError(message);
  }
}

/** The reply text around a claim, for the warnings view: at most ~600 characters, plain text. */
export function excerptAround(content: string, phrase: string, radius = 300): string {
  const at = content.toLowerCase().indexOf(phrase.toLowerCase());
  if (at < 0) return content.slice(0, radius * 2);
  const from = Math.max(0, at - radius);
  const to = Math.min(content.length, at + phrase.length + radius);
  return `${from > 0 ? '…' : ''}${content.slice(from, to)}${to < content.length ? '…' : ''}`;
}
