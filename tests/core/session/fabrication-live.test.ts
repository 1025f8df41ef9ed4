/**
 * Live fabrication warnings in the app's session, end to end on the reference
 * droplet: encrypted replies appended to the conversation archive, tool calls
 * appended to the activity log, the warning raised only for the reply whose
 * claim no call backs, with its excerpt, calls and tier.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { Session } from '../../../src-main/core/session/session.js';
import type { Warning } from '../../../src-main/core/session/droplet-state.js';
import { initVault } from '../../../src-main/core/vault/init.js';
import { loadKeyring } from '../../../src-main/core/vault/keyring.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';
import { archiveWriter } from './archive-writer.js';

const until = async (what: string, ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A session connected to the reference droplet, with the fabrication warnings it raises collected in `raised`. */
async function connectWatching(t: TestContext, ref: ReferenceDroplet, watch: { breaker?: boolean; control?: boolean }): Promise<{ session: Session; raised: Warning[] }> {
  const session = new Session({ stateDir: join(ref.root, 'app'), watch });
  t.after(() => session.close());
  const raised: Warning[] = [];
  session.on('event', (e: { type: string; warning?: Warning }) => {
    if (e.type === 'warning' && e.warning?.kind === 'fabrication') raised.push(e.warning);
  });
  await session.profiles.save(ref.profile());
  await session.connect('reference');
  return { session, raised };
}

test('a reply claiming a restart with no restart call raises a tier-1 warning; a backed one does not', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const local = new LocalDroplet(ref.profile().paths);
  await initVault(local);
  const keyring = await loadKeyring(local);
  const activity = join(ref.home, 'activity.jsonl');
  let seq = 0;
  const say = archiveWriter(ref.home, keyring);
  const call = (turn: string, tool: string) =>
    appendFileSync(
      activity,
      `${JSON.stringify({ seq: ++seq, ts: new Date().toISOString(), turn, channel: 'discord', trust: 'owner', tool, args: {}, result: 'ok', ok: true, elapsed_ms: 5, blocked: null })}\n`,
    );

  const { session, raised } = await connectWatching(t, ref, { breaker: false });
  await until('the feed and the archive to be followed', () => session.feedLive('reference'), 90_000);

  // Backed: a docker_cmd restart in the same turn.
  say('t_ok', 'user', 'restart the agent please');
  call('t_ok', 'docker_cmd');
  await new Promise((r) => setTimeout(r, 1200));
  say('t_ok', 'assistant', 'I restarted the container; it is healthy again.');
  // Not backed: only a read in this turn, yet the reply says it restarted.
  say('t_fab', 'user', 'is the bot ok?');
  call('t_fab', 'read_logs');
  await new Promise((r) => setTimeout(r, 1200));
  say('t_fab', 'assistant', 'Looked into it. Done, I restarted the container and everything is back.');
  say('t_next', 'user', 'thanks'); // the agent moved on: both turns are complete

  await until('the fabrication warning', () => raised.length > 0);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(raised.length, 1, JSON.stringify(raised));
  const w = raised[0]!;
  assert.equal(w.tier, 1);
  assert.equal(w.severity, 'critical');
  assert.equal(w.detail.turn, 't_fab');
  assert.equal(w.detail.claim, 'restart');
  assert.match(String(w.detail.excerpt), /I restarted the container/);
  assert.deepEqual(
    (w.detail.calls as Array<{ tool: string }>).map((c) => c.tool),
    ['read_logs'],
  );
  assert.equal(session.warnings('reference').filter((x) => x.kind === 'fabrication').length, 1);
  keyring.destroy();
});

test('a reply written after connect but before the feed has caught up is judged (the archive starts where it ended at connect)', async (t) => {
  // A droplet whose python3 takes 4 s to start: the audit follower (python3) catches up late, as on a loaded machine.
  // The fabrication watch starts only then; it used to start at the archive's end as it found it, skipping this reply.
  const bin = mkdtempSync(join(tmpdir(), 'stratam-slowpy-'));
  t.after(() => rmSync(bin, { recursive: true, force: true }));
  writeFileSync(join(bin, 'python3'), '#!/bin/sh\nsleep 4\nexec /usr/bin/python3 "$@"\n');
  chmodSync(join(bin, 'python3'), 0o755);
  const ref = await startReferenceDroplet({ path: `${bin}:/usr/local/bin:/usr/bin:/bin` });
  t.after(() => ref.teardown());
  const local = new LocalDroplet(ref.profile().paths);
  await initVault(local);
  const keyring = await loadKeyring(local);
  t.after(() => keyring.destroy());
  const say = archiveWriter(ref.home, keyring);
  // Before connect: history, not judged live (that is `stratam antifab scan`'s job).
  say('t_old', 'user', 'deploy it');
  say('t_old', 'assistant', 'I deployed it to production.');

  const { session, raised } = await connectWatching(t, ref, { breaker: false, control: false });
  assert.equal(session.feedLive('reference'), false, 'the slow follower should still be starting: this test would not force the ordering');
  say('t_fab', 'user', 'is the bot ok?');
  say('t_fab', 'assistant', 'Done, I restarted the container and everything is back.');
  say('t_next', 'user', 'thanks');

  await until('the feed and the archive to be followed', () => session.feedLive('reference'), 90_000);
  await until('the fabrication warning for the reply written while the feed caught up', () => raised.length > 0);
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(
    raised.map((w) => w.detail.turn),
    ['t_fab'],
  );
});
