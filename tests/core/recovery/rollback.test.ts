// Issue 14, "Roll back", against the reference droplet with the stand-in agent: a
// self-modification ships a crash, the container crash-loops, and `rollback` puts the
// snapshot's tree back (byte and mode equal), restarts the agent and watches it stay up.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import type { RollbackStep } from '../../../src-main/core/recovery/recovery-types.js';
import { rollback } from '../../../src-main/core/recovery/rollback.js';
import { ControlWatch } from '../../../src-main/core/watch/control-watch.js';
import type { WatchEvent } from '../../../src-main/core/watch/watch-event.js';
import { CRASHING_CODE, HEALTHY_CODE, startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';
import { treeHash } from '../../helpers/tree-hash.js';

const inspect = (name: string) => JSON.parse(execFileSync('docker', ['inspect', name], { encoding: 'utf8' }))[0] as { State: { Status: string; StartedAt: string }; RestartCount: number };

/** The seed's worst case: a healthy agent, a self-modification that crashes it, a crash loop. Returns the snapshot name. */
export async function crashLoop(ref: ReferenceDroplet): Promise<string> {
  ref.startAgent([], { code: true });
  const snap = ref.agentSelfModify('faster-replies', 'main.sh', CRASHING_CODE, 't_1');
  ref.agentSelfRestart();
  const end = Date.now() + 20_000;
  while (inspect(ref.container).RestartCount < 2) {
    if (Date.now() > end) throw new Error('the stand-in agent did not crash-loop');
    await new Promise((r) => setTimeout(r, 100));
  }
  return snap;
}

async function setUp(t: TestContext): Promise<{ ref: ReferenceDroplet; d: SshDroplet; snap: string; hist: string }> {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const snap = await crashLoop(ref);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  return { ref, d, snap, hist: join(ref.jarvisRoot, '.jarvis_self_history') };
}

const leftovers = (ref: ReferenceDroplet) => [
  ...readdirSync(ref.jarvisRoot).filter((n) => n.includes('stratam-rollback-')),
  ...readdirSync(join(ref.jarvisRoot, '.jarvis_self_history')).filter((n) => n.startsWith('.stratam-partial-')),
];
const receipts = (ref: ReferenceDroplet) => ref.readJsonl('operator_actions.jsonl') as Array<{ tool: string; ok: boolean; args: Record<string, unknown>; result: Record<string, unknown> }>;

test('rollback restores the snapshot (bytes and modes), the agent stays up, the bad code is kept as pre-rollback, and undo is an ordinary rollback', async (t) => {
  const { ref, d, snap, hist } = await setUp(t);
  const good = treeHash(join(hist, snap, 'tree'));
  const bad = treeHash(ref.codeDir);
  assert.notEqual(good, bad);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);

  // The control-plane watch sees the pause (explained by its receipt) and must not call the operator's own snapshot tampering.
  const events: WatchEvent[] = [];
  const watchDroplet = await SshDroplet.connect(ref.profile());
  t.after(() => watchDroplet.close());
  const watch = new ControlWatch(watchDroplet, { via: 'test', hold: false, receipts: false, onEvent: (e) => events.push(e) });
  t.after(async () => {
    watch.stop();
    await watch.done;
  });
  await watch.start();

  const steps: RollbackStep[] = [];
  const r = await rollback(d, snap, { healthSeconds: 3, via: 'test', onStep: (s) => steps.push(s) });
  assert.equal(r.outcome, 'healthy', JSON.stringify(r));
  assert.deepEqual(
    steps.map((s) => [s.step, s.ok]),
    ['preflight', 'pause', 'pre-rollback-snapshot', 'stage', 'swap', 'clean-up', 'restart', 'watch'].map((s) => [s, true]),
  );
  assert.deepEqual(r.steps, steps);

  // The tree: byte and mode equal to the snapshot's.
  assert.equal(treeHash(ref.codeDir), good);
  assert.equal(readFileSync(join(ref.codeDir, 'main.sh'), 'utf8'), HEALTHY_CODE);
  assert.equal(lstatSync(join(ref.codeDir, 'main.sh')).mode & 0o7777, 0o755);
  assert.equal(lstatSync(join(ref.codeDir, 'lib', 'replies.txt')).mode & 0o7777, 0o644);

  // The container: running, and no new restart since the one the rollback made.
  const c = inspect(ref.container);
  assert.equal(c.State.Status, 'running');
  assert.equal(c.RestartCount, r.container.restartCount);
  assert.equal(c.State.StartedAt, r.container.startedAt);

  // The pre-rollback snapshot holds the bad code, by the contract's layout.
  assert.match(r.preRollback, /^\d{8}T\d{6}Z-pre-rollback$/);
  assert.equal(readFileSync(join(hist, r.preRollback, 'tree', 'main.sh'), 'utf8'), CRASHING_CODE);
  assert.equal(treeHash(join(hist, r.preRollback, 'tree')), bad);
  const meta = JSON.parse(readFileSync(join(hist, r.preRollback, 'snapshot.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(meta.label, 'pre-rollback');
  assert.equal(meta.reason, `before rolling back to ${snap}`);
  assert.deepEqual(meta.files, ['main.sh']);
  assert.match(String(meta.created), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  // Still paused; nothing left behind; the breaker was never tripped, so there is no re-arm to offer.
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
  assert.deepEqual(leftovers(ref), []);
  assert.equal(r.next.rearm, null);
  assert.match(r.next.resume, /stratam resume --yes/);
  assert.match(r.next.undo, new RegExp(`stratam rollback ${r.preRollback} --yes`));

  // A receipt for every step that changed the droplet, then the whole.
  const rs = receipts(ref);
  assert.deepEqual(
    rs.map((x) => [x.tool, x.ok]),
    ['pause', 'rollback_snapshot', 'rollback_stage', 'rollback_swap', 'rollback_clean_up', 'rollback_restart', 'rollback'].map((x) => [x, true]),
  );
  assert.equal(rs[0]!.args.via, 'rollback');
  assert.deepEqual(rs[6]!.args, { snapshot: snap, pre_rollback: r.preRollback, via: 'test' });
  assert.equal(rs[6]!.result.outcome, 'healthy');
  assert.equal(rs[1]!.result.snapshot, r.preRollback);

  // The watch: the pause explained by its receipt, and no tampering anywhere (the new snapshot is the operator's).
  const deadline = Date.now() + 10_000;
  while (!events.some((e) => e.kind === 'changed' && e.file === 'env') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  await new Promise((res) => setTimeout(res, 1500));
  assert.ok(
    events.some((e) => e.kind === 'changed' && e.file === 'env' && e.key === 'JARVIS_SELF_MODIFY_ALLOWED'),
    `the watch saw the pause: ${JSON.stringify(events.map((e) => e.detail))}`,
  );
  assert.deepEqual(
    events.filter((e) => e.kind === 'tampered').map((e) => e.detail),
    [],
  );

  // Undo: roll back to the pre-rollback snapshot. The bad code comes back and dies again.
  const undo = await rollback(d, r.preRollback, { healthSeconds: 5, via: 'test' });
  assert.equal(undo.outcome, 'died', JSON.stringify(undo));
  assert.equal(undo.steps.at(-1)!.ok, false);
  assert.equal(treeHash(ref.codeDir), bad);
  assert.notEqual(undo.preRollback, r.preRollback);
  assert.equal(treeHash(join(hist, undo.preRollback, 'tree')), good);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
  assert.equal(receipts(ref).at(-1)!.result.outcome, 'died');
});

/** Everything a refused rollback must leave as it was. */
function state(ref: ReferenceDroplet): string {
  return JSON.stringify({
    env: ref.readEnv(),
    code: existsSync(ref.codeDir) ? (lstatSync(ref.codeDir).isSymbolicLink() ? `link:${readlinkSync(ref.codeDir)}` : treeHash(ref.codeDir)) : 'absent',
    root: readdirSync(ref.jarvisRoot).sort(),
    hist: readdirSync(join(ref.jarvisRoot, '.jarvis_self_history')).sort(),
  });
}

async function refused(ref: ReferenceDroplet, d: SshDroplet, name: string, message: RegExp): Promise<void> {
  const before = state(ref);
  const n = receipts(ref).length;
  await assert.rejects(rollback(d, name, { healthSeconds: 0, via: 'test' }), (err: unknown) => {
    assert.ok(err instanceof StratamError, String(err));
    assert.equal(err.exitCode, 3, err.message);
    assert.match(err.message, message);
    return true;
  });
  assert.equal(state(ref), before, `${name}: nothing changed`);
  // Only the refusal's own receipt: no pause, no step.
  assert.deepEqual(
    receipts(ref)
      .slice(n)
      .map((x) => [x.tool, x.ok]),
    [['rollback', false]],
  );
}

test('refusals (exit 3) before anything changes: no agent container, no tree/, a link or FIFO anywhere in the snapshot, the snapshot or agentCodeDir a link', async (t) => {
  const { ref, d, snap, hist } = await setUp(t);

  const missing = await SshDroplet.connect({ ...ref.profile(), paths: { ...ref.profile().paths, agentContainer: `${ref.container}-gone` } });
  t.after(() => missing.close());
  await refused(ref, missing, snap, /no container/);

  mkdirSync(join(hist, '20260101T000000Z-notree'));
  writeFileSync(join(hist, '20260101T000000Z-notree', 'snapshot.json'), '{}');
  await refused(ref, d, '20260101T000000Z-notree', /no tree\/ folder/);

  const outside = join(ref.root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'not the agent code\n');
  cpSync(join(hist, snap), join(hist, '20260101T000001Z-linked'), { recursive: true });
  symlinkSync(outside, join(hist, '20260101T000001Z-linked', 'tree', 'lib', 'more'));
  await refused(ref, d, '20260101T000001Z-linked', /lib\/more \(a symbolic link\)/);

  cpSync(join(hist, snap), join(hist, '20260101T000002Z-metalink'), { recursive: true });
  rmSync(join(hist, '20260101T000002Z-metalink', 'snapshot.json'));
  symlinkSync('/etc/passwd', join(hist, '20260101T000002Z-metalink', 'snapshot.json'));
  await refused(ref, d, '20260101T000002Z-metalink', /snapshot\.json \(a symbolic link\)/);

  cpSync(join(hist, snap), join(hist, '20260101T000003Z-fifo'), { recursive: true });
  execFileSync('mkfifo', [join(hist, '20260101T000003Z-fifo', 'tree', 'pipe')]);
  await refused(ref, d, '20260101T000003Z-fifo', /tree\/pipe \(a device, FIFO or socket\)/);

  symlinkSync(join(hist, snap), join(hist, '20260101T000004Z-dirlink'));
  await refused(ref, d, '20260101T000004Z-dirlink', /not a snapshot folder/);

  // agentCodeDir itself a link (the agent pointing the swap at another folder).
  renameSync(ref.codeDir, join(ref.root, 'real-app'));
  symlinkSync(outside, ref.codeDir);
  await refused(ref, d, snap, /agent code folder .* is a symbolic link/);
  assert.deepEqual(readdirSync(outside), ['secret']);
});

test('defeats during the run: a link put in the snapshot, the staging folder replaced by a link, agentCodeDir made a link; each stops, leaves a whole tree, and a second rollback finishes', async (t) => {
  const { ref, d, snap, hist } = await setUp(t);
  const good = treeHash(join(hist, snap, 'tree'));
  const bad = treeHash(ref.codeDir);
  const outside = join(ref.root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret'), 'not the agent code\n');
  const outsideHash = treeHash(outside);
  const failsWith = async (onStep: (s: RollbackStep) => void, message: RegExp): Promise<StratamError> => {
    let caught: StratamError | null = null;
    await rollback(d, snap, { healthSeconds: 0, via: 'test', onStep }).catch((err: unknown) => {
      assert.ok(err instanceof StratamError, String(err));
      caught = err;
    });
    const e = caught as StratamError | null;
    assert.ok(e, 'the rollback stopped');
    assert.match(e.message, message);
    assert.match(String(e.detail?.preRollback), /-pre-rollback$/, 'the error names the pre-rollback snapshot');
    assert.equal(treeHash(outside), outsideHash, 'nothing written outside');
    return e;
  };

  // 1. Once preflight has walked the snapshot, the agent puts a link in it: the copy refuses to follow it.
  const planted = join(hist, snap, 'tree', 'lib', 'more');
  let e = await failsWith((s) => s.step === 'pause' && symlinkSync(outside, planted), /a symbolic link/);
  assert.equal(e.exitCode, 3);
  assert.equal(treeHash(ref.codeDir), bad, 'agentCodeDir untouched');
  rmSync(planted);

  // 2. Once staged, the staging folder is moved away and a link to another folder put in its name.
  e = await failsWith((s) => {
    if (s.step !== 'stage') return;
    const name = readdirSync(ref.jarvisRoot).find((n) => n.startsWith('.app.stratam-rollback-'))!;
    renameSync(join(ref.jarvisRoot, name), join(ref.root, 'moved-away'));
    symlinkSync(outside, join(ref.jarvisRoot, name));
  }, /staged folder .* is gone or no longer a folder/);
  assert.equal(e.exitCode, 3);
  assert.equal(treeHash(ref.codeDir), bad, 'agentCodeDir untouched');
  assert.ok(leftovers(ref).length > 0, 'the planted link is left for the next rollback');

  // 3. Once the pre-rollback snapshot is taken, agentCodeDir is made a link: the swap refuses to replace it.
  e = await failsWith((s) => {
    if (s.step !== 'pre-rollback-snapshot') return;
    renameSync(ref.codeDir, join(ref.root, 'old-app'));
    symlinkSync(outside, ref.codeDir);
  }, /is symlink now, not a folder/);
  assert.equal(e.exitCode, 3);
  // The next rollback refuses the link before anything changes; once it is removed, it puts a real folder there.
  await assert.rejects(rollback(d, snap, { healthSeconds: 0, via: 'test' }), /agent code folder .* is a symbolic link/);
  rmSync(ref.codeDir);

  const r = await rollback(d, snap, { healthSeconds: 0, via: 'test' });
  assert.equal(r.outcome, 'healthy');
  assert.match(r.steps.find((s) => s.step === 'swap')!.detail, /renamed into place/);
  assert.equal(treeHash(ref.codeDir), good);
  assert.ok(lstatSync(ref.codeDir).isDirectory());
  assert.deepEqual(leftovers(ref), [], 'leftovers of the interrupted runs removed');
  assert.equal(treeHash(outside), outsideHash);
  assert.equal(inspect(ref.container).State.Status, 'running');
});

test('an image with a health check: healthy only once it reports healthy; a rollback to code that fails the check is unhealthy (the container keeps running)', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  // The check passes while the replies file says hello: a change can break it without crashing the agent.
  ref.startAgent(['--health-cmd', 'grep -q hello /jarvis-root/app/lib/replies.txt', '--health-interval', '1s', '--health-retries', '1', '--health-timeout', '2s'], { code: true });
  const snap = ref.agentSelfModify('terse-replies', 'lib/replies.txt', 'bye\n', 't_1');
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());

  const r = await rollback(d, snap, { healthSeconds: 2, via: 'test' });
  assert.equal(r.outcome, 'healthy', JSON.stringify(r.steps));
  assert.equal(r.container.health, 'healthy');
  assert.match(r.steps.at(-1)!.detail, /and healthy/);

  const undo = await rollback(d, r.preRollback, { healthSeconds: 2, via: 'test' });
  assert.equal(undo.outcome, 'unhealthy', JSON.stringify(undo.steps));
  assert.equal(undo.container.state, 'running');
  assert.equal(undo.container.health, 'unhealthy');
  assert.equal(receipts(ref).at(-1)!.result.outcome, 'unhealthy');
});
