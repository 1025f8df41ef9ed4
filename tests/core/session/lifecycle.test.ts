/**
 * One lifecycle per droplet connection (issue 15): a connect in flight is
 * shared, a disconnect cancels a dial, a reconnect resumes the feed, and an
 * sshd killed twice leaves one connection that still answers. Counted on the
 * droplet's side: sshd's established connections and the feed's followers.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FeedItem } from '../../../src-main/core/audit/diagnostics.js';
import type { LinkState } from '../../../src-main/core/ssh/link-state.js';
import { Session } from '../../../src-main/core/session/session.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';
import { establishedTo, holdingRelay } from '../../helpers/tcp-count.js';
import { appendRecords, followersFor, until } from '../audit/audit-helpers.js';

const FAST = { baseMs: 100, maxMs: 400, maxAttempts: 1000, jitter: 0 };

/** A session on `ref` that records every audit item and link state, and fails the test on an unhandled rejection. */
function observed(t: TestContext, ref: ReferenceDroplet) {
  const session = new Session({ stateDir: join(ref.root, 'app'), watch: { breaker: false, control: false, fabrication: false }, backoff: FAST, refreshMs: 60_000 });
  const records: number[] = [];
  const links: LinkState['state'][] = [];
  session.on('event', (e: { type: string; item?: FeedItem; link?: LinkState }) => {
    if (e.type === 'audit' && e.item?.type === 'record' && e.item.record.stream === 'activity') records.push(e.item.record.seq);
    if (e.type === 'link' && e.link) links.push(e.link.state);
  });
  const rejections: unknown[] = [];
  const onRejection = (err: unknown) => rejections.push(err);
  process.on('unhandledRejection', onRejection);
  t.after(async () => {
    await session.close();
    process.off('unhandledRejection', onRejection);
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });
  return { session, records, links };
}

test('two connects at once share one dial: one SSH connection, one feed, none left after close', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const { session } = observed(t, ref);
  await session.profiles.save(ref.profile());
  const [a, b, c] = await Promise.all([session.connect('reference'), session.connect('reference'), session.connect('reference')]);
  assert.equal(a.status, 'connected');
  assert.deepEqual(b, a);
  assert.deepEqual(c, a);
  await until('the feed follower to start', () => followersFor(ref.home).length >= 1);
  // The host-key probes end during key exchange; what is left is the one connection.
  await until('the probes to close', () => establishedTo(ref.port) <= 1);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(establishedTo(ref.port), 1, 'one SSH connection for three callers');
  assert.equal(followersFor(ref.home).length, 1, 'one audit follower');
  assert.equal(session.states().length, 1);
  await session.close();
  await until('every connection to close', () => establishedTo(ref.port) === 0);
  await until('the follower to exit', () => followersFor(ref.home).length === 0);
});

test('disconnect during the dial cancels it: the late handshake never becomes a connection', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  // The probe passes; the real dial is held mid-handshake until released.
  const relay = await holdingRelay(ref.port, 1);
  t.after(() => relay.close());
  const { session, links } = observed(t, ref);
  await session.profiles.save({ ...ref.profile(), port: relay.port });
  const connecting = session.connect('reference');
  const outcome = connecting.then(
    () => 'connected',
    (err: Error) => err.message,
  );
  await until('the dial to be held', () => relay.accepted >= 2 && session.stateOf('reference')?.link.state === 'connecting');
  assert.equal(await session.disconnect('reference'), true);
  assert.equal(session.stateOf('reference'), null, 'gone from the session at once');
  relay.release();
  assert.match(await outcome, /closed while it was being made/);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(establishedTo(ref.port), 0, 'no SSH connection that nobody owns');
  assert.equal(followersFor(ref.home).length, 0);
  assert.equal(links.lastIndexOf('connected'), -1, 'never reported connected');
  assert.equal(session.states().length, 0);
});

test('disconnect then connect: the feed follows again and a record appended afterwards arrives once', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  appendRecords(ref.home, 1, 3);
  const { session, records } = observed(t, ref);
  await session.profiles.save(ref.profile());
  await session.connect('reference');
  await session.followAudit('reference');
  await until('the feed to be live', () => session.feedLive('reference'));
  appendRecords(ref.home, 4, 4);
  await until('record 4', () => records.includes(4));
  await session.disconnect('reference');
  await until('the follower to exit', () => followersFor(ref.home).length === 0);
  await session.connect('reference');
  await session.followAudit('reference');
  await until('the new feed to be live', () => session.feedLive('reference'));
  appendRecords(ref.home, 5, 5);
  await until('record 5 after the reconnect', () => records.includes(5));
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(records, [4, 5], 'each live record once, nothing replayed');
});

test('sshd killed and restarted twice: one connection, the feed resumes without loss or repeat, every call answers', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const { session, records } = observed(t, ref);
  await session.profiles.save(ref.profile());
  await session.connect('reference');
  await session.followAudit('reference');
  await until('the feed to be live', () => session.feedLive('reference'));
  let next = 1;
  for (let outage = 1; outage <= 2; outage++) {
    appendRecords(ref.home, next, next);
    const seq = next++;
    await until(`record ${seq}`, () => records.includes(seq));
    await ref.killSshd();
    await until('the link to notice', () => session.stateOf('reference')?.link.state !== 'connected');
    // Written while the link is down: must arrive after the reconnect.
    appendRecords(ref.home, next, next);
    next++;
    await ref.startSshd(ref.port);
    await until(`reconnect ${outage}`, () => session.stateOf('reference')?.link.state === 'connected', 30_000);
  }
  appendRecords(ref.home, next, next);
  await until('every record', () => records.length >= next, 30_000);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(
    records,
    Array.from({ length: next }, (_, i) => i + 1),
    'every record once, in order',
  );
  // Calls made after the second outage answer (they hung in the harness before).
  const state = await session.refresh('reference');
  assert.equal(state.switch?.selfModify, 'allowed');
  const paused = await session.pause('reference');
  assert.equal(paused.selfModifyAllowed, false);
  assert.equal(establishedTo(ref.port), 1, 'one SSH connection after two outages');
  assert.equal(followersFor(ref.home).length, 1, 'one follower after two outages');
});
