import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { checkSandboxes } from '../../../src-main/core/sandbox/sandbox-policy.js';
import { sandboxRun } from '../../../src-main/core/sandbox/sandbox-run.js';
import { ensureAgentImage, AGENT_IMAGE } from '../../helpers/agent-image.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';

const SANDBOX_IMAGE = 'stratam-test/sandbox:1';

function containerExists(id: string): boolean {
  return execFileSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `id=${id}`], { encoding: 'utf8' }).trim() !== '';
}

async function setup(t: import('node:test').TestContext) {
  ensureAgentImage();
  execFileSync('docker', ['tag', AGENT_IMAGE, SANDBOX_IMAGE]);
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile());
  t.after(async () => {
    releaseDocker(d);
    await d.close();
  });
  return { ref, d };
}

test('sandbox run: contract limits proven from inside, streams, exit code, receipt, removed', async (t) => {
  const { ref, d } = await setup(t);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const script = [
    'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes',
    'echo "net: $(ls /sys/class/net)"',
    'if touch /rootfile 2>/dev/null; then echo root-writable; else echo root-readonly; fi',
    'touch /tmp/scratch && echo tmp-writable',
    'echo to-stderr >&2',
    'exit 7',
  ].join('\n');
  const r = await sandboxRun(d, { image: SANDBOX_IMAGE, cmd: ['/bin/sh', '-c', script], timeoutSec: 30, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
  const lines = Buffer.concat(out).toString().trim().split('\n');
  assert.deepEqual(lines, ['134217728', 'net: lo', 'root-readonly', 'tmp-writable']);
  assert.equal(Buffer.concat(err).toString(), 'to-stderr\n');
  assert.equal(r.exitCode, 7);
  assert.equal(r.timedOut, false);
  assert.equal(containerExists(r.containerId), false, 'no sandbox container left behind');
  const rec = ref.readJsonl('operator_actions.jsonl').find((x) => x.tool === 'sandbox_run');
  assert.ok(rec);
  assert.equal(rec.ok, true);
  assert.equal((rec.result as { exit_code: number }).exit_code, 7);
});

test('sandbox run: the timeout kills the container; Ctrl-C (abort) removes it too', async (t) => {
  const { d } = await setup(t);
  const t0 = Date.now();
  const r = await sandboxRun(d, { image: SANDBOX_IMAGE, cmd: ['/bin/sh', '-c', 'echo started; sleep 60'], timeoutSec: 1 });
  assert.equal(r.timedOut, true);
  assert.equal(r.exitCode, 124);
  assert.ok(Date.now() - t0 < 15_000, 'killed well before the command would have finished');
  assert.equal(containerExists(r.containerId), false);

  const ac = new AbortController();
  let started = false;
  const p = sandboxRun(d, {
    image: SANDBOX_IMAGE,
    cmd: ['/bin/sh', '-c', 'echo started; sleep 60'],
    signal: ac.signal,
    onStdout: () => {
      started = true;
      ac.abort();
    },
  });
  const r2 = await p;
  assert.ok(started);
  assert.equal(r2.aborted, true);
  assert.equal(r2.exitCode, 130);
  assert.equal(containerExists(r2.containerId), false);

  await assert.rejects(sandboxRun(d, { image: 'stratam-test/no-such-image:0', cmd: ['true'] }), /not on the droplet/);
});

test('sandbox check reports a non-compliant sandbox container with id, name and setting', async (t) => {
  const { d } = await setup(t);
  const bad = `sandbox-bad-${randomBytes(4).toString('hex')}`;
  const good = `sandbox-good-${randomBytes(4).toString('hex')}`;
  t.after(() => {
    execFileSync('docker', ['rm', '-f', bad, good], { stdio: 'ignore' });
  });
  execFileSync('docker', ['create', '--name', bad, '--label', 'us.stratam.role=sandbox', '--memory', '256m', SANDBOX_IMAGE, '/bin/sh', '-c', 'exit 0'], { stdio: 'ignore' });
  execFileSync('docker', ['create', '--name', good, '--label', 'us.stratam.role=sandbox', '--network', 'none', '--read-only', '--memory', '128m', SANDBOX_IMAGE, '/bin/sh', '-c', 'exit 0'], {
    stdio: 'ignore',
  });
  execFileSync('docker', ['start', good], { stdio: 'ignore' }); // exited containers are checked too

  const r = await checkSandboxes(d);
  const mine = r.violations.filter((v) => v.name === bad || v.name === good);
  assert.deepEqual(mine.map((v) => [v.name, v.setting, v.actual]).sort(), [
    [bad, 'Memory', 268435456],
    [bad, 'NetworkMode', 'default'],
    [bad, 'ReadonlyRootfs', false],
  ]);
  assert.ok(mine.every((v) => /^[0-9a-f]{64}$/.test(v.id)));
  assert.ok(r.containers.some((c) => c.name === good));
});
