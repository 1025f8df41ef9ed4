// Issue 13, reproduction 9, as a user meets it: `--container` names a container that does
// not exist while the real agent restarts. `breaker check` used to answer "0 restart(s)...
// Breaker armed." with exit 0; check and watch must refuse with exit 3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';

// A watch that is not refused runs until killed: the short timeout reports that as a hang.
const cli = (args: string[]) => runCli(args, { entry: 'transpiled', timeoutMs: 30_000 });
const WRONG = 'jarvis-typo';

test('breaker check and breaker watch refuse a container that does not exist (exit 3, naming it and the fix)', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  const wrong = [...ref.cliArgs(), '--container', WRONG];

  const check = await cli([...wrong, 'breaker', 'check']);
  assert.equal(check.code, 3, `${check.stdout}${check.stderr}`);
  assert.equal(check.stdout, '', 'no "Breaker armed." answer');
  assert.match(check.stderr, /no container "jarvis-typo"/);
  assert.match(check.stderr, /--container NAME/);
  assert.match(check.stderr, /docker ps -a/);

  const json = await cli([...wrong, '--json', 'breaker', 'check']);
  assert.equal(json.code, 3);
  const err = (JSON.parse(json.stdout.trim()) as { error: { kind: string; container: string } }).error;
  assert.equal(err.kind, 'refused');
  assert.equal(err.container, WRONG);

  const watch = await cli([...wrong, 'breaker', 'watch']);
  assert.equal(watch.code, 3, `${watch.stdout}${watch.stderr}`);
  assert.match(watch.stderr, /no container "jarvis-typo"/);
  assert.doesNotMatch(watch.stdout, /"kind":"watching"/);

  assert.doesNotMatch(ref.readEnv(), /^JARVIS_ETERNAL_LOOP=0$/m, 'nothing tripped');

  // The right name sees the four restarts and trips: the wrong one was hiding them.
  const right = await cli([...ref.cliArgs(), '--json', 'breaker', 'check']);
  assert.equal(right.code, 3, right.stderr);
  assert.equal((JSON.parse(right.stdout) as { trippedNow: boolean }).trippedNow, true);
});
