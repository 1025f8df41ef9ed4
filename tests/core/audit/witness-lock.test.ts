import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { isStale, withProcessLock } from '../../../src-main/core/fs/process-lock.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { setLogSink } from '../../../src-main/core/log/logger.js';
import { WitnessStore } from '../../../src-main/core/audit/witness-store.js';
import { createHash } from 'node:crypto';

const LOCK_MODULE = new URL('../../../src-main/core/fs/process-lock.js', import.meta.url).href;

test('the process lock: a live holder is waited for and then named; a killed one is taken over', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'x.lock');

  // Another process takes the lock and never lets go (stuck mid-write, as far as anyone can tell).
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    const { withProcessLock } = await import(${JSON.stringify(LOCK_MODULE)});
    withProcessLock(${JSON.stringify(path)}, () => { process.stdout.write('held\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });
  `,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => holder.kill('SIGKILL'));
  await new Promise<void>((r) => holder.stdout.once('data', () => r()));
  assert.equal(isStale(readFileSync(path, 'utf8')), false);

  let ran = false;
  assert.throws(
    () => withProcessLock(path, () => (ran = true), { waitMs: 300 }),
    (err: unknown) => err instanceof StratamError && err.message.includes(`process ${holder.pid}`) && /remove .*x\.lock/.test(err.hint ?? ''),
  );
  assert.equal(ran, false, 'never run beside a live holder');

  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('close', r));
  assert.equal(isStale(readFileSync(path, 'utf8')), true, 'its holder is gone');
  assert.equal(
    withProcessLock(path, () => 'mine', { waitMs: 300 }),
    'mine',
  );
  assert.equal(existsSync(path), false, 'released');
});

test('the process lock: a reused pid (other start time) is stale; an unreadable lock is not broken; re-entry in one process', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'y.lock');

  // Our parent is alive, but a lock that names it with another start time was left by an earlier process with that pid.
  if (process.platform === 'linux') {
    writeFileSync(path, `${process.ppid} 1 0 0123456789abcdef\n`);
    assert.equal(isStale(readFileSync(path, 'utf8')), true);
    assert.equal(
      withProcessLock(path, () => 1, { waitMs: 300 }),
      1,
    );
  }
  // Not a lock this code wrote: never judged stale, reported after the wait.
  writeFileSync(path, 'garbage\n');
  assert.throws(() => withProcessLock(path, () => 1, { waitMs: 100 }), /Could not lock/);
  rmSync(path);

  assert.equal(
    withProcessLock(path, () => withProcessLock(path, () => withProcessLock(path, () => 'nested'))),
    'nested',
  );
  assert.equal(existsSync(path), false);
  assert.throws(
    () =>
      withProcessLock(path, () => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(existsSync(path), false, 'released when the section throws');
});

test('a witness whose lock is held by a frozen process keeps its batch in memory, says so in the log, and commits once it is free', async (t) => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-lock-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const id = { host: 'h', port: 22, user: 'u', hostKey: 'SHA256:frozen' };
  const lines: string[] = [];
  setLogSink({ write: (l) => lines.push(l) });
  t.after(() => setLogSink(null));
  const w = WitnessStore.open(state, id, 'activity');
  t.after(() => w.close());

  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
    const { withProcessLock } = await import(${JSON.stringify(LOCK_MODULE)});
    withProcessLock(${JSON.stringify(w.lockPath)}, () => { process.stdout.write('held\\n'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); });
  `,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  t.after(() => holder.kill('SIGKILL'));
  await new Promise<void>((r) => holder.stdout.once('data', () => r()));

  const h = (n: number) => createHash('sha256').update(String(n)).digest('hex');
  for (let s = 1; s <= 10; s++) assert.equal(w.observe(s, h(s)), 'appended');
  w.flush(); // does not throw: the batch waits
  assert.equal(w.size, 10);
  assert.equal(w.lookup(7)?.sha256, h(7));
  assert.equal(lines.length, 1);
  assert.match(lines[0] as string, /WARN witness: failed: Could not lock .*activity\.lock: process \d+ has held it .* 10 activity entries wait in memory/);

  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('close', r));
  w.flush();
  assert.equal(w.checkChain(), -1);
  assert.deepEqual(
    [...w.entries()].map((e) => e.seq),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  );
});
