/**
 * Imitates the follower and the feed for the mirror's tests: droplet files
 * (an inode and its bytes) sent as frames in random pieces, with each complete
 * record handed to `record()` after its bytes, as the feed's line reader does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { DropletIdentity } from '../../../src-main/core/droplet/droplet.js';
import type { MirrorStore } from '../../../src-main/core/audit/mirror/mirror-store.js';
import { record } from './audit-helpers.js';

export const MIRROR_ID: DropletIdentity = { host: 'm', port: 22, user: 'u', hostKey: 'SHA256:mirror-tests' };

export function stateDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-mirror-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Lines of records `from..to` (with `extra` fields), newline-terminated. */
export function lines(from: number, to: number, extra?: (seq: number) => Record<string, unknown>): Buffer {
  const parts: string[] = [];
  for (let i = from; i <= to; i++) parts.push(extra ? record(i, extra(i)) : plain(i));
  parts.push('');
  return Buffer.from(parts.join('\n'));
}

/** record(seq) without JSON.stringify (the 200,000-record tests build many). */
const plain = (seq: number) =>
  `{"seq":${seq},"ts":"${new Date(1_700_000_000_000 + seq * 1000).toISOString()}","turn":"t_1","channel":"discord","trust":"owner","tool":"read_file","args":{"path":"/tmp/${seq}"},"result":"ok","ok":true,"elapsed_ms":3,"blocked":null}`;

/** A deterministic pseudo-random source, so a failing split can be replayed. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/**
 * Send bytes [from, to) of a droplet file as frames of random sizes (lines torn
 * across them), and each complete line that starts at or after `from` as a
 * record once its newline has been sent. `from` is a line start (a resume point) or 0.
 */
export function send(store: MirrorStore, inode: string, file: Buffer, from: number, to: number, rand: () => number, maxPiece = 700): void {
  let lineStart = from;
  for (let at = from; at < to;) {
    const n = Math.min(to - at, 1 + Math.floor(rand() * maxPiece));
    store.bytes(inode, at, Buffer.from(file.subarray(at, at + n))); // a transport buffer: the store must copy
    at += n;
    for (let nl = file.indexOf(10, lineStart); nl >= 0 && nl < at; nl = file.indexOf(10, lineStart)) {
      const line = file.subarray(lineStart, nl);
      const seq = seqOfLine(line);
      if (seq !== null) store.record(seq, inode, lineStart, line);
      lineStart = nl + 1;
    }
  }
}

const PLAIN_HEAD =
  /^\{"seq":(\d+),"ts":"[^"]*","turn":"t_1","channel":"discord","trust":"owner","tool":"read_file","args":\{"path":"\/tmp\/\d+"\},"result":"ok","ok":true,"elapsed_ms":3,"blocked":null\}$/;

function seqOfLine(line: Buffer): number | null {
  const m = PLAIN_HEAD.exec(line.toString('latin1'));
  if (m) return Number(m[1]); // a plain record (exactly what plain() writes): no need to parse it
  try {
    const v = JSON.parse(line.toString('utf8')) as { seq?: unknown };
    return Number.isSafeInteger(v.seq) ? (v.seq as number) : null;
  } catch {
    return null; // a malformed line: the feed reports it, the mirror keeps its bytes
  }
}

/** The mirror file contents, oldest first. */
export function mirrored(store: MirrorStore): Buffer[] {
  return store.info().files.map((f) => readFileSync(f.path));
}

export function assertSameBytes(actual: Buffer[], expected: Buffer[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} mirror files, expected ${expected.length}`);
  actual.forEach((a, i) => assert.ok(a.equals(expected[i] as Buffer), `${what}: mirror file ${i + 1} (${a.length} bytes) differs from its droplet file (${(expected[i] as Buffer).length} bytes)`));
}
