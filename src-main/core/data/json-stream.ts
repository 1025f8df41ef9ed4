/**
 * Writes one JSON document to a local file piece by piece, waiting on the
 * stream's backpressure, so an export of a large archive never holds more
 * than a chunk in memory. The file is created 0600 under a temp name and
 * renamed into place only when complete: nothing half-written is left at the
 * operator's path.
 */
import { randomBytes } from 'node:crypto';
import type { WriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export class JsonFileWriter {
  readonly tmp: string;
  private stream: WriteStream;
  private first: boolean[] = [];
  bytes = 0;

  private constructor(readonly path: string, tmp: string, stream: WriteStream) {
    this.tmp = tmp;
    this.stream = stream;
  }

  static async create(path: string): Promise<JsonFileWriter> {
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
    const fh = await fsp.open(tmp, 'wx', 0o600);
    await fh.chmod(0o600); // the umask can only narrow it, but be explicit
    const stream = fh.createWriteStream({ autoClose: false, highWaterMark: 256 * 1024 });
    const w = new JsonFileWriter(path, tmp, stream);
    w.handle = fh;
    return w;
  }

  private handle: fsp.FileHandle | undefined;

  async raw(text: string): Promise<void> {
    this.bytes += Buffer.byteLength(text);
    if (!this.stream.write(text)) await new Promise<void>((resolve, reject) => {
      const onErr = (e: Error) => reject(e);
      this.stream.once('error', onErr);
      this.stream.once('drain', () => {
        this.stream.off('error', onErr);
        resolve();
      });
    });
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
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await this.handle!.sync();
    await this.handle!.close();
    this.handle = undefined;
    await fsp.rename(this.tmp, this.path);
  }

  async abort(): Promise<void> {
    this.stream.destroy();
    await this.handle?.close().catch(() => undefined);
    await fsp.unlink(this.tmp).catch(() => undefined);
  }
}
