// The commands as a user runs them: the CLI entry (main) in a child process,
// against the reference droplet over SSH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ensureAgentImage, AGENT_IMAGE } from '../helpers/agent-image.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'transpiled' });

test('stratam breaker / sandbox / doctor over SSH', async (t) => {
  ensureAgentImage();
  execFileSync('docker', ['tag', AGENT_IMAGE, 'stratam-test/sandbox:1']);
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const g = ref.cliArgs();

  const st = await cli([...g, '--json', 'breaker', 'status']);
  assert.equal(st.code, 0, st.stderr);
  assert.equal(JSON.parse(st.stdout).state, 'armed');

  for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  const ck = await cli([...g, '--json', 'breaker', 'check']);
  assert.equal(ck.code, 3, ck.stderr);
  assert.equal(JSON.parse(ck.stdout).trippedNow, true);

  const no = await cli([...g, 'breaker', 'rearm']);
  assert.equal(no.code, 3);
  assert.match(no.stderr + no.stdout, /--yes/);
  const yes = await cli([...g, 'breaker', 'rearm', '--yes']);
  assert.equal(yes.code, 0, yes.stderr);
  assert.match(ref.readEnv(), /^JARVIS_ETERNAL_LOOP=1$/m);

  const run = await cli([...g, 'sandbox', 'run', '--image', 'stratam-test/sandbox:1', '--timeout', '20', '--', '/bin/sh', '-c', 'echo hi; echo oops >&2; exit 5']);
  assert.equal(run.code, 5);
  assert.equal(run.stdout, 'hi\n');
  assert.match(run.stderr, /oops/);
  const bad = await cli([...g, 'sandbox', 'run', '--timeout', 'soon', '--', 'x']);
  assert.equal(bad.code, 2);

  const sc = await cli([...g, '--json', 'sandbox', 'check']);
  assert.ok(sc.code === 0 || sc.code === 3, sc.stderr);

  const doc = await cli([...g, '--json', 'doctor']);
  const r = JSON.parse(doc.stdout);
  assert.equal(typeof r.sshHandshakeMs, 'number');
  assert.equal(typeof r.dockerRttMs.p50, 'number');
  assert.equal(typeof r.dockerRttMs.p99, 'number');
  const human = await cli([...g, 'doctor']);
  assert.match(human.stdout, /ok +docker +Docker round trip p50/);
});
