import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LiveScanner } from '../../../src-main/core/antifab/live.js';
import type { ArchiveMessage, FabricationWarning } from '../../../src-main/core/antifab/scan.js';

const msg = (turn: string, role: string, content: string, channel = 'discord'): ArchiveMessage => ({
  ts: '2026-11-28T01:00:00Z',
  turn,
  role,
  channel,
  author: role === 'assistant' ? 'stratam' : 'owner',
  content,
});

function scanner(quietMs = 60_000) {
  const got: FabricationWarning[] = [];
  const s = new LiveScanner({ quietMs, onWarning: (w) => got.push(w) });
  return { s, got };
}

test('a reply waits for its turn: calls logged after the reply still back it', () => {
  const { s, got } = scanner();
  s.message(msg('t1', 'user', 'restart it'));
  s.message(msg('t1', 'assistant', "I've restarted it."));
  s.call({ turn: 't1', tool: 'docker_cmd', ok: true, blocked: null });
  s.message(msg('t2', 'user', 'thanks')); // the next inbound message closes t1
  assert.deepEqual(got, []);
  s.stop();
});

test('the next inbound message on the channel closes the turn and emits at once', () => {
  const { s, got } = scanner();
  s.call({ turn: 't1', tool: 'read_logs', ok: true, blocked: null });
  s.message(msg('t1', 'assistant', 'I deployed the fix.'));
  s.message(msg('t9', 'user', 'hello', 'telegram')); // another channel: t1 stays open
  assert.equal(got.length, 0);
  s.message(msg('t2', 'user', 'and now?'));
  assert.deepEqual(
    got.map((w) => [w.turn, w.tier, w.claim]),
    [['t1', 1, 'deploy']],
  );
  // Late records of a closed turn change nothing.
  s.call({ turn: 't1', tool: 'self_modify_code', ok: true, blocked: null });
  s.flush();
  assert.equal(got.length, 1);
  s.stop();
});

test('a quiet period closes a turn; flush closes the rest; loop calls are ignored', async () => {
  const { s, got } = scanner(40);
  s.message(msg('q', 'assistant', 'Restarting the container now.'));
  s.call({ turn: null, tool: 'self_restart', ok: true, blocked: null });
  await sleep(150);
  assert.deepEqual(
    got.map((w) => [w.turn, w.tier]),
    [['q', 2]],
  );
  s.message(msg('f', 'assistant', 'Email sent.'));
  s.flush();
  assert.deepEqual(
    got.map((w) => [w.turn, w.tier, w.claim]),
    [
      ['q', 2, 'restart'],
      ['f', 1, 'email'],
    ],
  );
  s.stop();
});

test('open turns are bounded: the oldest is judged when the limit is reached', () => {
  const got: FabricationWarning[] = [];
  const s = new LiveScanner({ quietMs: 60_000, maxOpenTurns: 2, onWarning: (w) => got.push(w) });
  s.message(msg('a', 'assistant', 'I pushed it.', 'c1'));
  s.message(msg('b', 'assistant', 'I pushed it.', 'c2'));
  s.message(msg('c', 'assistant', 'I pushed it.', 'c3'));
  assert.deepEqual(
    got.map((w) => w.turn),
    ['a'],
  );
  s.stop();
});
