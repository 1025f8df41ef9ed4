/**
 * Docker daemon restarted during `breaker watch`: it re-subscribes, and no
 * restart goes uncounted.
 *
 * What a daemon restart does to the agent: dockerd stops its containers (the
 * agent's `die` is streamed while the API is still up, in 20.10), ends the
 * event stream, and the new daemon remembers no events from before it
 * started. With `--restart unless-stopped` the new daemon starts the agent
 * again: the agent stopped and started, which the contract counts as a
 * restart. When the SSH link is down at the same time (a droplet reboot), the
 * `die` is never seen at all: the new daemon's history holds only the
 * `start`, which must still count. Over the run below the agent restarts
 * exactly four times, and four in 60 minutes must trip the breaker:
 *   1. `docker restart` while the watcher follows;
 *   2. the daemon restart itself;
 *   3. `docker restart` as soon as the new daemon answers, which may fall
 *      before the watcher has re-subscribed (the `since` replay must bring it);
 *   4. a "reboot": sshd killed, the daemon restarted, sshd back: the trip.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { ensureDockerd, restartDockerd } from './dockerd.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The CLI of the same build as this test (the launcher's bundle is the same code after `npm run build`). */
const CLI = fileURLToPath(new URL('../../src-main/cli/main.js', import.meta.url));

test('dockerd restarted during `breaker watch`: it re-subscribes and counts every restart, the daemon restart included; the 4th trips', async (t) => {
  await ensureDockerd();
  t.after(() => ensureDockerd());
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  ref.startAgent(['--restart', 'unless-stopped']);
  const restart = () => execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  const running = () => execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', ref.container], { encoding: 'utf8' }).trim() === 'true';

  const watch = spawn(process.execPath, [CLI, ...ref.cliArgs(), 'breaker', 'watch'], {
    env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    watch.kill('SIGKILL');
  });
  const events: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buf = '';
  watch.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buf.slice(0, nl)) as Record<string, unknown>);
      buf = buf.slice(nl + 1);
    }
  });
  watch.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const of = (kind: string) => events.filter((e) => e.kind === kind);
  const waitFor = async (what: string, cond: () => boolean, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; events so far ${JSON.stringify(events)}; stderr ${stderr}`);
      await sleep(50);
    }
  };

  await waitFor('watching', () => of('watching').length === 1);
  restart();
  await waitFor('restart 1', () => of('restart').length === 1);

  const { downMs } = await restartDockerd();
  assert.ok(running(), 'unless-stopped: the new daemon started the agent again');
  restart(); // at once: the watcher may not have re-subscribed yet
  await waitFor('re-subscribed after the daemon restart', () => of('subscribed').some((e) => e.resumed === true));
  await waitFor('restarts 2 and 3', () => of('restart').length === 3);
  assert.equal(of('tripped').length, 0, 'three restarts do not trip');

  // The reboot: the link is down while the daemon restarts, so the die is lost with the old daemon.
  await ref.killSshd();
  await restartDockerd();
  await ref.startSshd(ref.port);
  await waitFor('tripped', () => of('tripped').length === 1);
  await sleep(500); // room for a stray late count
  const counts = of('restart').map((e) => e.count);
  assert.deepEqual(counts, [1, 2, 3, 4], 'every restart counted once, in order');
  const tripped = of('tripped')[0]!;
  assert.equal(tripped.by, 'tray');
  assert.equal((tripped.restarts as string[]).length, 4);
  const b = JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { state: string; restarts: string[] };
  assert.equal(b.state, 'tripped');
  assert.equal(b.restarts.length, 4);
  assert.match(ref.readEnv(), /^JARVIS_ETERNAL_LOOP=0$/m);
  const gaps = of('gap').length;
  assert.ok(gaps >= 2, 'both broken streams were noticed');
  assert.equal(of('error').length, 0, JSON.stringify(of('error')));
  t.diagnostic(
    `daemon down and back in ${downMs.toFixed(0)} ms; stream gaps ${gaps}; re-subscriptions ${of('subscribed').filter((e) => e.resumed === true).length}; restarts counted ${counts.length} of 4; tripped by ${String(tripped.by)}`,
  );
  watch.kill('SIGINT');
});
