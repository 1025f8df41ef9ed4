/**
 * Writes one JSON document to a local file piece by piece, each batch an
 * awaited write, so an export of a large archive never holds more
 * than a chunk in memory. The file is created 0600 under a temp name and
 * renamed into place only when complete: nothing half-written is left at the
 * operator's path.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { reportError, unlessGone } from '../log/logger.js';

const FLUSH_AT = 256 * 1024;

export class JsonFileWriter {
  private parts: string[] = [];
  private partsLen = 0;
  private first: boolean[] = [];
  bytes = 0;

  private constructor(
    readonly path: string,
    readonly tmp: string,
    private handle: fsp.FileHandle | undefined,
  ) {}

  static async create(path: string): Promise<JsonFileWriter> {
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
    const fh = await fsp.open(tmp, 'wx', 0o600);
    await fh.chmod(0o600); // the umask can only narrow it, but be explicit
    return new JsonFileWriter(path, tmp, fh);
  }

  /** Text is gathered up to FLUSH_AT and then written with an awaited write: that is the backpressure. */
  async raw(text: string): Promise<void> {
    this.parts.push(text);
    this.partsLen += text.length;
    if (this.partsLen >= FLUSH_AT) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.partsLen === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.partsLen = 0;
    this.bytes += buf.length;
    await this.handle!.write(buf);
  }

  /** Start an object member or array element, with the comma when needed. */
  private async sep(): Promise<void> {
    const top = this.first.length - 1;
    if (top < 0) return;
    if (this.first[top]) this.first[top] = false;
    else await this.raw(',');
  }

  async open(kind: '{' | '[', key?: string): Promise<void> {
    await this.sep();
    await this.raw(key === undefined ? `\n${kind}` : `\n${JSON.stringify(key)}: ${kind}`);
    this.first.push(true);
  }

  async close(kind: '}' | ']'): Promise<void> {
    this.first.pop();
    await this.raw(`\n${kind}`);
  }

  async member(key: string, value: unknown): Promise<void> {
    await this.sep();
    await this.raw(`\n${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }

  async element(value: unknown): Promise<void> {
    await this.sep();
    await this.raw(`\n${JSON.stringify(value)}`);
  }

  /** Flush, sync, close and move into place. */
  async commit(): Promise<void> {
    await this.raw('\n');
    await this.flush();
    await this.handle!.sync();
    await this.handle!.close();
    this.handle = undefined;
    await fsp.rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    this.parts = [];
    await this.handle?.close().catch((err: unknown) => reportError('export', err, 'closing an aborted export'));
    this.handle = undefined;
    await fsp.unlink(this.tmp).catch(unlessGone('export', `removing the aborted export's temporary file ${this.tmp}`));
  }
}
