/**
 * Issue 15, defect 10: after sshd went down and came back twice, status-like
 * calls hung for minutes and the process warned about leaked `drop`
 * listeners. Against the reference droplet: two outages with calls made
 * before, during and after each one; then every kind of request (Docker ping
 * and list, SFTP read, exec) must complete, and the link's listener count
 * must stay bounded however many calls run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { dockerFor, releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import type { SshLink } from '../../../src-main/core/ssh/link.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';

/**
 * A promise that rejects (instead of hanging the whole test run) when `p` has
 * not settled in `ms`. A hang is forever, so the bound is generous: on a busy
 * machine an exec waits on the login shell's start-up for seconds.
 */
function settlesWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hung: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

async function connected(link: SshLink): Promise<void> {
  if (link.state.state === 'connected') return;
  await new Promise<void>((resolve) => {
    const on = (s: { state: string }) => {
      if (s.state !== 'connected') return;
      link.off('state', on);
      resolve();
    };
    link.on('state', on);
  });
}

test('after two sshd outages every call completes, dead channels are never reused and drop listeners stay bounded', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));

  const d = await SshDroplet.connect(ref.profile(), { reconnect: true, backoff: { baseMs: 100, maxMs: 300, maxAttempts: Infinity } });
  t.after(() => d.close());
  // Short deadlines, so a call the outage catches fails in seconds rather than half a minute.
  d.requestDeadlineMs = 3_000;
  const baseline = d.link.listenerCount('drop');
  const { docker } = dockerFor(d, { requestDeadlineMs: 3_000 });
  t.after(() => releaseDocker(d));

  const round = async (label: string) => {
    assert.equal(String(await settlesWithin(docker.ping(), 90_000, `${label}: docker ping`)), 'OK');
    const list = await settlesWithin(docker.listContainers({ all: true }), 90_000, `${label}: docker list`);
    assert.ok(
      list.some((c) => c.Names.includes(`/${ref.container}`)),
      `${label}: the agent container is listed`,
    );
    assert.equal((await settlesWithin(d.readFile(d.paths.envFile), 90_000, `${label}: SFTP read`)).toString(), ref.readEnv());
    const r = await settlesWithin(d.exec(['printf', 'alive']), 90_000, `${label}: exec`);
    assert.equal(r.stdout.toString(), 'alive');
  };

  await round('before');
  // Several Docker channels in the pool, all of which the outage kills.
  await Promise.all(Array.from({ length: 4 }, () => docker.ping()));
  for (let outage = 1; outage <= 2; outage++) {
    await ref.killSshd();
    // Calls made while sshd is down end (an error, not a hang), each within its deadline.
    const during = await Promise.allSettled([
      settlesWithin(docker.ping(), 90_000, `outage ${outage}: docker ping`),
      settlesWithin(d.readFile(d.paths.envFile), 90_000, `outage ${outage}: SFTP read`),
      settlesWithin(d.exec(['true']), 90_000, `outage ${outage}: exec`),
    ]);
    for (const s of during) if (s.status === 'rejected') assert.doesNotMatch(String(s.reason), /hung/);
    await ref.startSshd(ref.port);
    await settlesWithin(connected(d.link), 60_000, `outage ${outage}: reconnect`);
    await round(`after outage ${outage}`);
    await Promise.all(Array.from({ length: 4 }, () => docker.ping()));
  }

  // Many calls at once: one drop listener per droplet, not one per call.
  await Promise.all([...Array.from({ length: 40 }, () => d.stat(d.paths.envFile)), ...Array.from({ length: 20 }, () => docker.ping()), ...Array.from({ length: 10 }, () => d.exec(['true']))]);
  const peak = { n: 0 };
  const reads = Array.from({ length: 40 }, () => d.readFile(d.paths.envFile));
  peak.n = d.link.listenerCount('drop');
  await Promise.all(reads);
  assert.ok(peak.n <= baseline + 2, `drop listeners while 40 reads are in flight: ${peak.n} (baseline ${baseline})`);
  assert.equal(d.link.listenerCount('drop'), baseline + 1, "after the calls: the droplet's and the Docker pool's listeners only");
  assert.deepEqual(
    warnings.map((w) => `${w.name}: ${w.message}`),
    [],
  );
});
