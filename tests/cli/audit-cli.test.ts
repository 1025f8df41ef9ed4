import { runCli, spawnCli } from '../helpers/run-cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { appendRecords, followersFor, record, until } from '../core/audit/audit-helpers.js';

test('stratam audit tail/verify/fetch against the reference droplet', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  appendRecords(ref.home, 1, 12);
  const big = `{"seq":13,"tool":"read_file","result":"${'z'.repeat(1024 * 1024 + 10)}"}`;
  writeFileSync(join(ref.home, 'activity.jsonl'), `${big}\n`, { flag: 'a' });
  const g = ref.cliArgs();

  const tail = await cli([...g, '--json', 'audit', 'tail', '--from-seq', '1']);
  assert.equal(tail.code, 0, tail.stderr);
  const lines = tail.stdout.toString().trimEnd().split('\n');
  const file = readFileSync(join(ref.home, 'activity.jsonl'), 'utf8').split('\n');
  assert.deepEqual(lines.slice(0, 12), file.slice(0, 12), 'records exactly as the agent wrote them');
  const tr = JSON.parse(lines[12] as string) as { kind: string; record_seq: number; file_id: string; offset: number };
  assert.equal(tr.kind, 'truncated');
  assert.equal(tr.record_seq, 13);

  const last = await cli([...g, 'audit', 'tail', '--lines', '2']);
  assert.equal(last.code, 0, last.stderr);
  assert.match(last.stdout.toString(), /^#12 .* read_file ok /m);

  const full = await cli([...g, 'audit', 'fetch', '--file-id', tr.file_id, '--offset', String(tr.offset)]);
  assert.equal(full.code, 0, full.stderr);
  assert.equal(full.stdout.toString(), `${big}\n`);

  const ok = await cli([...g, 'audit', 'verify']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout.toString()) as { ok: boolean }).ok, true);

  const p = join(ref.home, 'activity.jsonl');
  writeFileSync(p, readFileSync(p, 'utf8').replace(record(7), record(7, { ok: false })));
  const bad = await cli([...g, '--json', 'audit', 'verify']);
  assert.equal(bad.code, 3);
  assert.deepEqual((JSON.parse(bad.stdout.toString()) as { streams: { activity: { rewritten: number[] } } }).streams.activity.rewritten, [7]);

  const usage = await cli([...g, 'audit', 'tail', '--from-seq', 'x']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--from-seq must be a whole number/);
});

async function cli(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const r = await runCli(args, { entry: 'transpiled' });
  return { code: r.code, stdout: r.stdoutBytes, stderr: r.stderr };
}

/** Bytes a process has read so far (pread included), from /proc/<pid>/io. */
function bytesRead(pid: number): number {
  const m = /^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

test('audit tail into a reader that stops reading holds the droplet back: the follower stalls, nothing is lost', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const n = 200_000;
  appendRecords(ref.home, 1, n);
  const size = statSync(join(ref.home, 'activity.jsonl')).size;

  const { child, stderr, exited } = spawnCli([...ref.cliArgs(), '--json', 'audit', 'tail', '--from-seq', '1', '--no-witness']);
  t.after(() => child.kill('SIGKILL'));

  // Nobody reads stdout: the CLI must stop the follower on the droplet, not buffer the log.
  let pid = 0;
  await until('the follower starts', () => (pid = followersFor(ref.home)[0] ?? 0) > 0);
  let last = -1;
  let still = 0;
  await until(
    'the follower stalls',
    () => {
      const now = bytesRead(pid);
      still = now === last ? still + 1 : 0;
      last = now;
      return still >= 8;
    },
    30_000,
  );
  assert.ok(last < size / 2, `the follower stopped after ${(last / 1e6).toFixed(1)} MB of a ${(size / 1e6).toFixed(1)} MB log`);

  // Reading again drains everything, in order, exactly once.
  let lines = 0;
  child.stdout.on('data', (c: Buffer) => {
    for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
  });
  assert.equal(await exited, 0, stderr());
  assert.equal(lines, n);
});

test('audit tail into a reader that goes away (| head) ends at once, leaving no follower behind', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  appendRecords(ref.home, 1, 50_000);
  for (const extra of [
    ['--from-seq', '1'],
    ['--follow', '--lines', '5'],
  ]) {
    const { child, stderr, exited } = spawnCli([...ref.cliArgs(), '--json', 'audit', 'tail', ...extra]);
    t.after(() => child.kill('SIGKILL'));
    // Like `head -1`: take the first line, then close the pipe.
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (c: Buffer) => resolve(c.toString().split('\n')[0] ?? '')));
    child.stdout.destroy();
    assert.match(first, /^\{"seq":(1|49996),/);
    if (extra[0] === '--follow') appendRecords(ref.home, 50_001, 50_010); // a follower notices a closed pipe when it next writes, as `tail -f` does
    assert.equal(await exited, 0, `${extra.join(' ')}: ${stderr()}`);
    await until('no follower left', () => followersFor(ref.home).length === 0);
  }
});
