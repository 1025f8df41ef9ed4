/**
 * Splits the follower's stdout (see follower-script.ts) into frames without
 * copying payloads: data frames hand out subarrays of the chunks as they come.
 * Only a header split across chunks is buffered (headers are < 100 bytes).
 */
export type Frame =
  | {
      type: 'data';
      stream: string;
      inode: number;
      offset: number;
      bytes: Buffer;
      /** The whole frame's payload length (a frame arrives in pieces). */
      length: number;
      /** false until the frame's last byte. */
      complete: boolean;
    }
  | { type: 'truncated'; stream: string; inode: number }
  | { type: 'lost'; stream: string; inode: number }
  /** File `index` of the stream (0 the live file, 1..5 rotated) is not a regular file and was not read. */
  | { type: 'not-regular'; stream: string; index: number; fileType: string }
  | { type: 'caught-up' };

const MAX_HEADER = 256;

export class FrameDecoder {
  private header: Buffer | null = null;
  private remaining = 0;
  private cur: { stream: string; inode: number; offset: number; length: number } | null = null;

  constructor(private readonly onFrame: (f: Frame) => void) {}

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining > 0 && this.cur) {
        const n = Math.min(this.remaining, chunk.length - pos);
        const bytes = chunk.subarray(pos, pos + n);
        this.remaining -= n;
        pos += n;
        const { stream, inode, offset, length } = this.cur;
        this.cur.offset += n;
        this.onFrame({ type: 'data', stream, inode, offset, bytes, length, complete: this.remaining === 0 });
        continue;
      }
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.header = this.header ? Buffer.concat([this.header, chunk.subarray(pos)]) : Buffer.from(chunk.subarray(pos));
        if (this.header.length > MAX_HEADER) throw new Error('The droplet follower sent an unreadable frame header.');
        return;
      }
      let line = chunk.subarray(pos, nl);
      if (this.header) {
        line = Buffer.concat([this.header, line]);
        this.header = null;
      }
      pos = nl + 1;
      this.onHeader(line.toString('latin1'));
    }
  }

  private onHeader(h: string): void {
    const p = h.split(' ');
    switch (p[0]) {
      case 'D': {
        const len = Number(p[4]);
        this.cur = { stream: p[1] ?? '', inode: Number(p[2]), offset: Number(p[3]), length: len };
        this.remaining = len;
        if (len === 0) this.onFrame({ type: 'data', ...this.cur, bytes: Buffer.alloc(0), complete: true });
        return;
      }
      case 'T':
        this.onFrame({ type: 'truncated', stream: p[1] ?? '', inode: Number(p[2]) });
        return;
      case 'L':
        this.onFrame({ type: 'lost', stream: p[1] ?? '', inode: Number(p[2]) });
        return;
      case 'N':
        this.onFrame({ type: 'not-regular', stream: p[1] ?? '', index: Number(p[2]), fileType: p[3] ?? 'other' });
        return;
      case 'H':
        return;
      case 'Z':
        this.onFrame({ type: 'caught-up' });
        return;
      default:
        throw new Error(`The droplet follower sent an unknown frame (${JSON.stringify(h.slice(0, 40))}).`);
    }
  }
}
