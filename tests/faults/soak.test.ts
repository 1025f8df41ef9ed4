/**
 * The soak (issue 15): the session connected to two reference droplets for
 * ten minutes (STRATAM_SOAK_MINUTES to change it) under a steady record
 * rate, with every sshd killed every 60 s and dockerd restarted once. At the
 * end, counted on the droplets' side: one SSH connection, one audit follower
 * and one control watcher each; every record delivered once, in order; no
 * unhandled rejection; heap and handle counts reported at start and end and
 * flat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FOLLOWER_MARK } from '../../src-main/core/audit/follower-script.js';
import type { FeedItem } from '../../src-main/core/audit/diagnostics.js';
import { Session } from '../../src-main/core/session/session.js';
import { WATCHER_MARK } from '../../src-main/core/watch/watcher-script.js';
import { record } from '../core/audit/audit-helpers.js';
import { helpersWith } from '../helpers/processes.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { establishedTo } from '../helpers/tcp-count.js';
import { ensureDockerd, restartDockerd } from './dockerd.js';

const MINUTES = Number(process.env.STRATAM_SOAK_MINUTES ?? 10);
const KILL_EVERY_MS = 60_000;
const RECORDS_PER_SECOND = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function measure(): { heapMB: number; handles: number } {
  gc();
  gc();
  return { heapMB: Math.round((process.memoryUsage().heapUsed / 1048576) * 10) / 10, handles: process.getActiveResourcesInfo().length };
}

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

test(`soak: two droplets for ${MINUTES} min, sshd killed every 60 s, dockerd restarted once`, { timeout: (MINUTES + 5) * 60_000 }, async (t) => {
  t.after(() => ensureDockerd());
  const refs: ReferenceDroplet[] = [];
  for (let i = 0; i < 2; i++) {
    const ref = await startReferenceDroplet({ agent: true });
    t.after(() => ref.teardown());
    refs.push(ref);
  }
  const names = ['soak-a', 'soak-b'];
  const session = new Session({ stateDir: join(refs[0]!.root, 'app'), backoff: { baseMs: 200, maxMs: 2000, maxAttempts: Infinity }, refreshMs: 5000 });
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);
  process.on('unhandledRejection', onRejection);
  t.after(() => process.off('unhandledRejection', onRejection));
  // A listener left behind per reconnect shows as MaxListenersExceededWarning long before memory does
  // (the control watch's restart pause once left one on the session's signal at every sshd kill).
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const got = new Map<string, number[]>(names.map((n) => [n, []]));
  session.on('event', (e: { type: string; name?: string; item?: FeedItem }) => {
    if (e.type === 'audit' && e.item?.type === 'record' && e.item.record.stream === 'activity') got.get(e.name!)!.push(e.item.record.seq);
  });
  for (const [i, ref] of refs.entries()) {
    await session.profiles.save({ ...ref.profile(), name: names[i]! });
    await session.connect(names[i]!);
    await session.followAudit(names[i]!);
  }
  await until('both feeds live', () => names.every((n) => session.feedLive(n)));
  const start = measure();

  // The steady writer: RECORDS_PER_SECOND a second to each droplet, whatever the link is doing.
  const written = [0, 0];
  let writing = true;
  const writer = (async () => {
    while (writing) {
      for (const [i, ref] of refs.entries()) appendFileSync(join(ref.home, 'activity.jsonl'), `${record(++written[i]!)}\n`);
      await sleep(1000 / RECORDS_PER_SECOND);
    }
  })();

  const endAt = Date.now() + MINUTES * 60_000;
  let kills = 0;
  let dockerdRestarted = false;
  while (Date.now() < endAt - KILL_EVERY_MS / 2) {
    await sleep(Math.min(KILL_EVERY_MS, Math.max(0, endAt - Date.now())));
    for (const ref of refs) {
      await ref.killSshd();
      await sleep(1000);
      await ref.startSshd(ref.port);
    }
    kills++;
    if (!dockerdRestarted && Date.now() > endAt - (MINUTES * 60_000) / 2) {
      await restartDockerd();
      dockerdRestarted = true;
    }
  }
  if (!dockerdRestarted) {
    await restartDockerd();
    dockerdRestarted = true;
  }
  writing = false;
  await writer;
  await until('both links back', () => names.every((n) => session.stateOf(n)?.link.state === 'connected'));
  for (const [i, n] of names.entries()) await until(`${n}: every record`, () => got.get(n)!.length >= written[i]!, 120_000);
  await sleep(1000);
  // Counted on the droplets' side.
  for (const [i, ref] of refs.entries()) {
    assert.deepEqual(
      got.get(names[i]!),
      Array.from({ length: written[i]! }, (_, k) => k + 1),
      `${names[i]}: every record once, in order`,
    );
    assert.equal(establishedTo(ref.port), 1, `${names[i]}: one SSH connection`);
    assert.equal(helpersWith(FOLLOWER_MARK, ref.home).length, 1, `${names[i]}: one audit follower`);
    assert.equal(helpersWith(WATCHER_MARK, ref.root).length, 1, `${names[i]}: one control watcher`);
  }
  // Calls after all that answer.
  for (const n of names) assert.equal((await session.pause(n)).selfModifyAllowed, false);
  const end = measure();
  t.diagnostic(`soak ${MINUTES} min, ${kills} sshd kills per droplet, dockerd restarted once, ${written[0]! + written[1]!} records`);
  t.diagnostic(`heap after GC: start ${start.heapMB} MB, end ${end.heapMB} MB; active handles: start ${start.handles}, end ${end.handles}`);
  process.stdout.write(`# soak: heap ${start.heapMB} -> ${end.heapMB} MB, handles ${start.handles} -> ${end.handles}\n`);
  await session.close();
  await until('every follower and watcher to exit', () => refs.every((r) => helpersWith(FOLLOWER_MARK, r.home).length === 0 && helpersWith(WATCHER_MARK, r.root).length === 0), 30_000);
  for (const ref of refs) assert.equal(establishedTo(ref.port), 0, 'no connection left after close');
  assert.deepEqual(rejections, [], 'no unhandled rejection');
  assert.deepEqual(
    warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')),
    [],
    'no listener piles up across reconnects',
  );
  assert.ok(end.heapMB - start.heapMB < 20, `heap flat (${start.heapMB} -> ${end.heapMB} MB)`);
  assert.ok(end.handles - start.handles <= 4, `handles flat (${start.handles} -> ${end.handles})`);
});
