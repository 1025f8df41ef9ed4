import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { dockerFor, releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { agentStatus } from '../../../src-main/core/docker/agent-status.js';
import { EventFollower, type DockerEvent } from '../../../src-main/core/docker/events.js';
import type { Droplet } from '../../../src-main/core/droplet/droplet.js';
import { AGENT_IMAGE } from '../../helpers/agent-image.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';

test('dockerode over the SSH link: pooled channels, agent status, missing container', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());

  // Count the channels the agent opens on the real droplet.
  let opened = 0;
  const counting: Droplet = Object.create(d, {
    openUnixSocket: {
      value: (p: string) => {
        opened++;
        return d.openUnixSocket(p);
      },
    },
  });
  t.after(() => releaseDocker(counting));
  const { docker } = dockerFor(counting);
  for (let i = 0; i < 20; i++) assert.equal(String(await docker.ping()), 'OK');
  assert.equal(opened, 1, 'sequential requests reuse one keep-alive channel');
  await Promise.all(Array.from({ length: 8 }, () => docker.ping()));
  assert.ok(opened <= 4, `the pool stays small (opened ${opened})`);

  execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  const s = await agentStatus(counting);
  assert.equal(s.name, ref.container);
  assert.equal(s.state, 'running');
  assert.equal(s.image, AGENT_IMAGE);
  assert.equal(s.health, null);
  assert.ok(s.startedAt && Date.parse(s.startedAt) > Date.now() - 60_000);
  assert.equal(s.restartsLastHour, 1, 'docker restart emits die, start and restart: one restart');
  assert.equal(typeof s.restartCount, 'number');

  const missing = await agentStatus(Object.create(d, { paths: { value: { ...d.paths, agentContainer: 'no-such-container-stratam' } } }));
  assert.deepEqual(missing, { name: 'no-such-container-stratam', state: 'missing', health: null, image: null, startedAt: null, restartCount: 0, restartsLastHour: 0 });
});

test('--local: the same client on the local socket', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const d = new LocalDroplet(ref.profile().paths);
  t.after(() => releaseDocker(d));
  const s = await agentStatus(d);
  assert.equal(s.state, 'running');
  assert.equal(s.restartsLastHour, 0);
});

test('the events follower re-subscribes after the link drops and misses nothing', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile(), { reconnect: true, backoff: { baseMs: 100, maxMs: 300, maxAttempts: Infinity } });
  t.after(() => d.close());
  const f = new EventFollower(d, { filters: { type: ['container'], container: [ref.container] } });
  t.after(() => f.stop());
  const seen: DockerEvent[] = [];
  const subs: Array<{ resumed: boolean }> = [];
  f.on('event', (e: DockerEvent) => seen.push(e));
  f.on('subscribed', (s: { resumed: boolean }) => subs.push(s));
  await f.start();

  execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  await waitFor(() => seen.some((e) => e.Action === 'restart'));
  const before = seen.length;

  await ref.killSshd();
  // While the link is down, the agent restarts again.
  execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  await ref.startSshd(ref.port);
  await waitFor(() => seen.filter((e) => e.Action === 'restart').length >= 2, 20_000);
  assert.ok(
    subs.some((s) => s.resumed),
    'a re-subscription happened',
  );
  const after = seen.slice(before).map((e) => e.Action);
  assert.ok(after.includes('die') && after.includes('start') && after.includes('restart'), `events from the gap arrived: ${after.join(',')}`);
  const keys = seen.map((e) => `${e.timeNano}:${e.Action}`);
  assert.equal(new Set(keys).size, keys.length, 'no event delivered twice');
});

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
