/**
 * Worker thread for the fuzz campaign (fuzz.test.ts). It runs one target over
 * `count` inputs made from a seeded PRNG, so a failure is reproduced from
 * (target, seed, index) alone. Before each input it writes the index into a
 * shared counter: if the target never returns (an infinite loop), the parent
 * terminates this worker and names the input that hung.
 *
 * Besides "no crash", each target checks a property that a wrong parser would
 * break, so the loop cannot pass by doing nothing.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import { checkedEdit, readDotenv } from '../../src-main/core/flags/dotenv.js';
import { StratamError } from '../../src-main/core/errors.js';
import { parseKnownHosts, verifyHostKey } from '../../src-main/core/ssh/known-hosts.js';
import { LineReader, type LineSink } from '../../src-main/core/audit/line-reader.js';
import { FrameDecoder } from '../../src-main/core/audit/frame-decoder.js';
import { checkCommand } from '../../src-main/core/guard/blocklist.js';
import { mulberry32 } from '../helpers/prng.js';
import { makeInput } from './fuzz-inputs.js';

export type Target = 'dotenv' | 'known-hosts' | 'jsonl' | 'frames' | 'blocklist';

interface Job {
  target: Target;
  seed: number;
  count: number;
  progress: SharedArrayBuffer;
}

const job = workerData as Job;
const progress = new Int32Array(job.progress);

function fail(index: number, input: Buffer, what: string): never {
  throw new Error(`${job.target}: ${what} (seed ${job.seed}, input #${index}, ${input.length} bytes, first bytes ${JSON.stringify(input.subarray(0, 80).toString('latin1'))})`);
}

function dotenv(input: Buffer, index: number): void {
  for (const bytes of [input, Buffer.from(input.toString('latin1'), 'utf8')]) {
    const r = readDotenv(bytes);
    // The editor's promise: every character is accounted for by some statement.
    if (r.statements.map((s) => r.text.slice(s.span.start, s.span.end)).join('') !== r.text) fail(index, input, 'the statements do not give the text back');
    for (const [key, value] of [
      ['JARVIS_SELF_MODIFY_ALLOWED', '0'],
      ['DISCORD_TRUSTED_USER_IDS', '12345678901234567,23456789012345678'],
      ['EMAIL_TRUSTED_SENDERS', ''],
    ] as const) {
      let after;
      try {
        after = checkedEdit(r, [{ key, value }]);
      } catch (err) {
        // A refusal is the editor's designed answer to a file it doubts; nothing else may throw.
        if (!(err instanceof StratamError) || err.kind !== 'refused') fail(index, input, `checkedEdit(${key}) threw ${String(err)}`);
        continue;
      }
      if (after.values.get(key) !== value) fail(index, input, `checkedEdit(${key}, ${JSON.stringify(value)}) does not read back`);
      // Every byte outside the edited value is kept: the change sits inside the key's last binding, or is one appended line.
      const s = r.statements.findLast((x) => x.key === key);
      const at = s ? (s.valueSpan ?? { start: s.keySpan!.end, end: s.keySpan!.end }) : { start: r.text.length, end: r.text.length };
      const out = after.text;
      if (!out.startsWith(r.text.slice(0, at.start)) || !out.endsWith(r.text.slice(at.end))) fail(index, input, `checkedEdit(${key}) changed bytes outside its value`);
    }
  }
}

const OFFERED = randomBytes(51);
function knownHosts(input: Buffer, index: number): void {
  const entries = parseKnownHosts(input.toString('utf8'));
  for (const e of entries) {
    if (!Buffer.isBuffer(e.key) || e.key.length === 0 || e.patterns.length === 0 || e.line < 1) fail(index, input, 'an entry without key, patterns or line');
  }
  const hosts = ['127.0.0.1', 'droplet.example.com', input.subarray(0, 40).toString('latin1')];
  for (const h of hosts) {
    for (const port of [22, 2222]) {
      const v = verifyHostKey(entries, h, port, OFFERED);
      if (!['match', 'revoked', 'changed', 'unknown'].includes(v.status)) fail(index, input, `verdict ${JSON.stringify(v)}`);
      // A random key is never a match: only the exact listed key is.
      if (v.status === 'match' && !entries.some((e) => e.key.equals(OFFERED))) fail(index, input, 'a key that is not listed matched');
    }
  }
}

interface Seen {
  kind: string;
  at: number;
  info: string;
}
function readAll(input: Buffer, cuts: number[]): Seen[] {
  const seen: Seen[] = [];
  const sink: LineSink = {
    record: (r) => seen.push({ kind: 'record', at: r.offset, info: `${r.seq}:${r.sha256.slice(0, 16)}` }),
    malformed: (d) => seen.push({ kind: 'malformed', at: d.offset, info: `${d.reason}:${d.length}` }),
    truncated: (d) => seen.push({ kind: 'truncated', at: d.offset, info: `${d.length}:${d.sha256.slice(0, 16)}:${d.record_seq}` }),
  };
  const r = new LineReader('activity', sink, { maxLine: 96 });
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    r.push('7', from, input.subarray(from, cut));
    from = cut;
  }
  return seen;
}

function jsonl(input: Buffer, index: number, rand: () => number): void {
  const whole = readAll(input, []);
  const cuts = Array.from({ length: Math.floor(rand() * 8) }, () => Math.floor(rand() * (input.length + 1))).sort((a, b) => a - b);
  const split = readAll(input, cuts);
  // How the bytes arrive must not change what is read.
  if (JSON.stringify(whole) !== JSON.stringify(split)) fail(index, input, `chunking at ${cuts.join(',')} changed the result`);
  const lines = input.toString('latin1').split('\n');
  const complete = lines.slice(0, -1).filter((l) => l.length > 0).length;
  if (whole.length !== complete) fail(index, input, `${complete} complete non-empty lines but ${whole.length} items`);
}

function frames(input: Buffer, index: number): void {
  try {
    const d = new FrameDecoder(() => undefined);
    d.push(input);
  } catch (err) {
    // A protocol error is the decoder's designed answer to bytes that are not frames.
    if (!(err instanceof Error) || !err.message.startsWith('The droplet follower sent')) fail(index, input, `threw ${String(err)}`);
  }
}

async function blocklist(input: Buffer, index: number): Promise<void> {
  const v = await checkCommand(input.toString('utf8'));
  if (typeof v.allowed !== 'boolean' || !Array.isArray(v.commands)) fail(index, input, `verdict ${JSON.stringify(v)}`);
  if (!v.allowed && !v.reason) fail(index, input, 'refused without a reason');
}

const rand = mulberry32(job.seed);
let maxMs = 0;
let refused = 0;
for (let i = 0; i < job.count; i++) {
  const input = makeInput(job.target, rand);
  Atomics.store(progress, 0, i);
  const t0 = performance.now();
  switch (job.target) {
    case 'dotenv':
      dotenv(input, i);
      break;
    case 'known-hosts':
      knownHosts(input, i);
      break;
    case 'jsonl':
      jsonl(input, i, rand);
      break;
    case 'frames':
      frames(input, i);
      break;
    case 'blocklist': {
      await blocklist(input, i);
      break;
    }
  }
  maxMs = Math.max(maxMs, performance.now() - t0);
}
if (job.target === 'blocklist') {
  // A known-dangerous line must still be refused after thousands of random ones (no poisoned state).
  const v = await checkCommand('rm -rf /');
  if (v.allowed) throw new Error('blocklist: `rm -rf /` allowed after the fuzz run');
  refused++;
}
parentPort!.postMessage({ done: job.count, maxMs, refused });
