/**
 * Opening a control-plane file on this machine (`--local`) without following
 * a link: here the kernel does it. O_NOFOLLOW refuses a final symlink (ELOOP),
 * O_NONBLOCK keeps a FIFO from blocking the open (and a FIFO opened for
 * writing with no reader fails with ENXIO), and fstat of the descriptor says
 * what was really opened, so no race is left on the last path component.
 */
import { constants as fsc, type Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { notRegularError } from './control-file.js';
import type { FileStat, RegularFile } from './droplet.js';

export async function openRegularLocally(path: string, how: 'read' | 'append', mode: number, describe: (s: Stats) => FileStat): Promise<RegularFile | null> {
  const lstat = async () =>
    fsp.lstat(path).then(describe, (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
  // Checked first too, so a device is not even opened (opening some has side effects).
  const before = await lstat();
  if (before && before.type !== 'file') throw notRegularError(path, before);
  if (!before && how === 'read') return null;
  const flags = fsc.O_NOFOLLOW | fsc.O_NONBLOCK | (how === 'read' ? fsc.O_RDONLY : fsc.O_RDWR | fsc.O_APPEND | fsc.O_CREAT);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, flags, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && how === 'read') return null;
    // ELOOP: a link swapped in after the lstat; ENXIO: a FIFO with no reader.
    const now = code === 'ELOOP' || code === 'ENXIO' ? await lstat() : null;
    if (now && now.type !== 'file') throw notRegularError(path, now);
    throw err;
  }
  try {
    const st = describe(await fh.stat());
    if (st.type !== 'file') throw notRegularError(path, st);
    return new LocalRegularFile(fh, path, st, describe);
  } catch (err) {
    await fh.close();
    throw err;
  }
}

class LocalRegularFile implements RegularFile {
  private closed = false;

  constructor(
    private readonly fh: fsp.FileHandle,
    readonly path: string,
    readonly stat: FileStat,
    private readonly describe: (s: Stats) => FileStat,
  ) {}

  async read(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  }

  async fstat(): Promise<FileStat> {
    return this.describe(await this.fh.stat());
  }

  async append(data: Buffer): Promise<void> {
    let off = 0;
    while (off < data.length) off += (await this.fh.write(data, off, data.length - off)).bytesWritten;
  }

  sync(): Promise<void> {
    return this.fh.sync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}
