// Issue 13, reproduction 9: the breaker must not watch a container that does not exist.
// Real Docker: the stand-in agent runs and restarts, while the breaker is pointed at a wrong name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { BreakerWatcher } from '../../../src-main/core/breaker/breaker-watcher.js';
import { checkBreaker } from '../../../src-main/core/breaker/breaker-check.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { startBreakerWatch, type WatchSink } from '../../../src-main/core/session/watchers.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';

const WRONG = 'no-such-agent-container';

async function setup(t: import('node:test').TestContext) {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  // The real agent restarts four times: a check of the right container would trip.
  for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  const profile = ref.profile();
  const d = await SshDroplet.connect({ ...profile, paths: { ...profile.paths, agentContainer: WRONG } });
  t.after(async () => {
    releaseDocker(d);
    await d.close();
  });
  return { ref, d };
}

const refusedNaming = (err: unknown) => {
  assert.ok(err instanceof StratamError, String(err));
  assert.equal(err.kind, 'refused');
  assert.equal(err.exitCode, 3);
  assert.match(err.message, new RegExp(`"${WRONG}"`));
  assert.match(err.message, /--container NAME/);
  assert.match(err.hint ?? '', /docker ps -a/);
  assert.deepEqual(err.detail, { container: WRONG });
  return true;
};

test('check and the watcher refuse a container that does not exist, and write nothing', async (t) => {
  const { ref, d } = await setup(t);
  const envBefore = ref.readEnv();

  await assert.rejects(checkBreaker(d), refusedNaming);

  const w = new BreakerWatcher(d, { pollMs: 100 });
  t.after(() => w.stop());
  const events: string[] = [];
  for (const e of ['restart', 'tripped', 'rearmed', 'docker']) w.on(e, () => events.push(e));
  await assert.rejects(w.start(), refusedNaming);
  assert.deepEqual(events, [], 'nothing was followed');

  assert.equal(ref.readEnv(), envBefore, '.env untouched');
  assert.equal(existsSync(join(ref.home, 'breaker.json')), false, 'no breaker.json written');
  assert.equal(ref.readJsonl('operator_actions.jsonl').filter((r) => r.tool === 'breaker_trip').length, 0);
});

test("the app's breaker watch reports the missing container as a failure that names it and the fix", async (t) => {
  const { d } = await setup(t);
  const failures: Array<[string, string]> = [];
  let done: () => void = () => undefined;
  const failed = new Promise<void>((r) => (done = r));
  const sink: WatchSink = {
    onAudit: () => undefined,
    onTripped: () => assert.fail('tripped on a container that does not exist'),
    onRearmed: () => undefined,
    onFailure: (what, message) => {
      failures.push([what, message]);
      done();
    },
    onFabrication: () => undefined,
  };
  const watch = startBreakerWatch(d, sink, 'test');
  t.after(() => watch.stop());
  // Bounded: a watcher that starts silently never reports, and that is the failure this test is about.
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the breaker watch started on a missing container without reporting it')), 60_000);
  });
  try {
    await Promise.race([failed, silent]);
  } finally {
    clearTimeout(timer);
  }
  assert.equal(failures.length, 1);
  const [what, message] = failures[0]!;
  assert.equal(what, 'breaker');
  assert.match(message, new RegExp(`no container "${WRONG}"`));
  assert.match(message, /--container NAME/);
});
