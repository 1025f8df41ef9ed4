import { runCli } from '../helpers/run-cli.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { appendRecords, record } from '../core/audit/audit-helpers.js';



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
