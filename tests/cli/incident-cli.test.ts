// `stratam incident` as a user meets it: after a trip, the report names the restarts, the change
// before them and the exact commands to see and undo it; --json carries the Incident; with no
// trip it says so (exit 2) and points at `stratam breaker status`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEALTHY_CODE, startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';
import type { Incident } from '../../src-main/core/recovery/recovery-types.js';

const cli = (args: string[]) => runCli(args, { entry: 'transpiled', timeoutMs: 60_000 });

test('incident after a trip: exit 0, the restarts, the change, the diff and rollback commands; --json is the Incident; droplet text cannot drive the terminal', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const snap = ref.agentSelfModify('faster-replies', 'main.sh', HEALTHY_CODE, 't_1');
  // A later, blocked call whose label tries to forge a line and colour the terminal.
  const seq = ref.readJsonl('activity.jsonl').length + 1;
  const evil = {
    seq,
    ts: new Date().toISOString(),
    turn: 't_2',
    channel: 'discord',
    trust: 'owner',
    tool: 'self_modify_code',
    args: { label: 'evil\nFORGED line \u001b[31mred', files: ['x.sh'] },
    result: 'refused',
    ok: false,
    elapsed_ms: 1,
    blocked: 'flag',
  };
  appendFileSync(join(ref.home, 'activity.jsonl'), `${JSON.stringify(evil)}\n`);
  await new Promise((r) => setTimeout(r, 1100)); // the agent stamps whole seconds: keep the restarts after the changes
  for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  const check = await cli([...ref.cliArgs(), 'breaker', 'check']);
  assert.equal(check.code, 3, `${check.stdout}${check.stderr}`);

  const human = await cli([...ref.cliArgs(), 'incident']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^Breaker trip at .* by tray: 4 restarts in 60 min \(still tripped; from breaker\.json\)$/m);
  assert.match(human.stdout, /^Restarts \(4\)$/m);
  // `docker restart -t 0` kills the idle agent (137), unless its TERM trap wins the race (0).
  assert.equal((human.stdout.match(/^ {2}\d\. \S+ {2}exit (137|0) {2}\(died \S+\)$/gm) ?? []).length, 4, human.stdout);
  assert.match(human.stdout, new RegExp(`^ {2}#\\d+ +\\S+ +snapshot ${snap}$`, 'm'));
  assert.ok(human.stdout.includes(`    stratam snapshots diff ${snap}\n`), human.stdout);
  assert.ok(human.stdout.includes(`    stratam rollback ${snap} --yes\n`), human.stdout);
  assert.ok(!human.stdout.includes('\u001b'), 'no raw escape from droplet text');
  assert.doesNotMatch(human.stdout, /^FORGED/m);
  assert.match(human.stdout, /label evil\\nFORGED line \\x1b\[31mred/);

  const json = await cli([...ref.cliArgs(), '--json', 'incident']);
  assert.equal(json.code, 0, json.stderr);
  const inc = JSON.parse(json.stdout) as Incident;
  assert.deepEqual(Object.keys(inc).sort(), ['by', 'changes', 'container', 'reason', 'restarts', 'source', 'stillTripped', 'suggestion', 'trippedAt', 'warnings']);
  assert.equal(inc.source, 'breaker');
  assert.equal(inc.restarts.length, 4);
  assert.ok(inc.restarts.every((r) => (r.exitCode === 137 || r.exitCode === 0) && typeof r.at === 'string' && Array.isArray(r.logs)));
  assert.deepEqual(
    inc.changes.map((c) => [c.snapshot, c.ok, c.label]),
    [
      [snap, true, 'faster-replies'],
      [null, false, evil.args.label],
    ],
  );
  assert.equal(inc.suggestion?.snapshot, snap);
});

test('incident with no trip: exit 2, says there is none and how to see the breaker', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const r = await cli([...ref.cliArgs(), 'incident']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no trip to explain/);
  assert.match(r.stderr, /stratam breaker status/);
  const j = await cli([...ref.cliArgs(), '--json', 'incident']);
  assert.equal(j.code, 2);
  assert.equal((JSON.parse(j.stdout) as { error: { noTrip: boolean } }).error.noTrip, true);
});
