/**
 * `stratam audit search` on the reference droplet over real sshd: it syncs the
 * desktop's mirror, then searches the whole trail newest first; it still
 * finds what the agent wiped from the droplet; with the mirror off it reads
 * the droplet and says so; bad input names the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { record } from '../core/audit/audit-helpers.js';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await runCli(args, { entry: 'transpiled' });
  return { code: r.code, stdout: r.stdoutBytes.toString(), stderr: r.stderr };
}

test('audit search: the whole trail from the mirror, newest first, after the droplet wiped its log, and with the mirror off', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const file = join(ref.home, 'activity.jsonl');
  // 400 records: every 50th mentions a Quokka (mixed case), every 7th is a failed host_exec, one was blocked.
  const line = (seq: number) =>
    record(seq, {
      ...(seq % 50 === 0 ? { args: { note: `saw a QuOkKa near ${seq}` } } : {}),
      ...(seq % 7 === 0 ? { tool: 'host_exec', ok: false, result: 'exit 1' } : {}),
      ...(seq === 333 ? { blocked: 'flag', ok: false } : {}),
    });
  appendFileSync(file, `${Array.from({ length: 400 }, (_, i) => line(i + 1)).join('\n')}\n`);
  const g = ref.cliArgs();

  const text = await cli([...g, 'audit', 'search', 'quokka']);
  assert.equal(text.code, 0, text.stderr);
  assert.deepEqual(
    [...text.stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])),
    [400, 350, 300, 250, 200, 150, 100, 50],
    text.stdout,
  );
  assert.match(text.stderr, /Mirror synced: 400 new records/);
  assert.match(text.stderr, /8 matches \(newest first\) in the mirror \(seq 1-400/);

  const failed = await cli([...g, '--json', 'audit', 'search', '--tool', 'host_exec', '--outcome', 'failed', '--limit', '3']);
  assert.equal(failed.code, 0, failed.stderr);
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(failed.stdout, `${[399, 392, 385].map((s) => lines[s - 1]).join('\n')}\n`, 'the lines exactly as written, newest first');
  assert.match(failed.stderr, /Mirror synced: 0 new records/, 'the second sync reads only what is new');
  assert.match(failed.stderr, /Older matches: add --until /);

  const blocked = await cli([...g, '--json', 'audit', 'search', '--outcome', 'blocked']);
  assert.deepEqual(blocked.stdout.trim().split('\n'), [lines[332]]);

  // The agent wipes its log: the mirror still has it, synced or not.
  truncateSync(file, 0);
  appendFileSync(file, `${record(401, { args: { note: 'another quokka' } })}\n`);
  const afterWipe = await cli([...g, 'audit', 'search', 'quokka', '--limit', '2']);
  assert.equal(afterWipe.code, 0, afterWipe.stderr);
  assert.deepEqual(
    [...afterWipe.stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])),
    [401, 400],
  );
  const offline = await cli([...g, 'audit', 'search', 'quokka', '--no-sync', '--since', '2023-11-14T22:14:00Z', '--until', '2023-11-14T22:15:30Z']);
  assert.equal(offline.code, 0, offline.stderr);
  assert.deepEqual(
    [...offline.stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])),
    [100, 50],
    'a time range, from the mirror alone',
  );

  // verify names the loss, and that the mirror still holds every lost record.
  const verify = await cli([...g, 'audit', 'verify']);
  assert.equal(verify.code, 3, verify.stderr);
  const report = JSON.parse(verify.stdout) as { streams: { activity: { deleted: number[]; truncated: number[] } }; mirror: { activity: { holds_lost: number; start_seq: number; end_seq: number } } };
  assert.equal(report.streams.activity.deleted.length + report.streams.activity.truncated.length, 400);
  const { holds_lost, start_seq, end_seq } = report.mirror.activity;
  assert.deepEqual({ holds_lost, start_seq, end_seq }, { holds_lost: 400, start_seq: 1, end_seq: 401 });
  assert.match(verify.stderr, /The local mirror of activity still holds 400 of the 400 records the droplet lost/);

  // No mirror: the droplet's logs are read instead, and the person is told.
  const off = await cli([...g, '--mirror-cap-mb', '0', 'audit', 'search', 'QUOKKA']);
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(
    [...off.stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])),
    [401],
  );
  assert.match(off.stderr, /mirror is off/);

  for (const [args, want] of [
    [['--outcome', 'nope'], /--outcome must be ok, failed or blocked/],
    [['--since', 'yesterday'], /--since must be a time such as/],
    [['a', 'b'], /Quote a text with spaces/],
    [['--since', '1h', '--until', '2h'], /--since is after --until/],
  ] as const) {
    const r = await cli([...g, 'audit', 'search', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
  }
  const cap = await cli([...g, '--mirror-cap-mb', 'lots', 'audit', 'search', 'x']);
  assert.equal(cap.code, 2, cap.stderr);
  assert.match(cap.stderr, /--mirror-cap-mb must be a whole number of MB/);

  // The droplet is gone: with its host key pinned, the mirror is still found and searched.
  await ref.killSshd();
  const gone = await cli([...g, 'audit', 'search', 'quokka', '--no-sync', '--limit', '3']);
  assert.equal(gone.code, 0, gone.stderr);
  assert.deepEqual(
    [...gone.stdout.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1])),
    [401, 400, 350],
  );
  const needsIt = await cli([...g, 'audit', 'search', 'quokka']);
  assert.equal(needsIt.code, 4, `a sync needs the droplet: ${needsIt.stderr}`);
});
