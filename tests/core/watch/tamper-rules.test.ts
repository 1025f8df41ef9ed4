import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { controlEntry, controlPlane } from '../../../src-main/core/droplet/control-plane.js';
import { describeChange, diffObserved, explain, type Observed, type ReceiptLite } from '../../../src-main/core/watch/tamper-rules.js';

const plane = controlPlane({ ...DEFAULT_PATHS, jarvisHome: '/home/j/.jarvis', jarvisRoot: '/opt/jarvis' }, '/home/j');
const ENV = controlEntry(plane, 'env');
const env = (values: Record<string, string>, doubt: { line: number; key: string | null; reason: string } | null = null, hash = JSON.stringify(values)): Observed => ({
  kind: 'env',
  values: new Map(Object.entries(values)),
  doubt,
  hash,
});
const r = (seq: number, tool: string, args: Record<string, unknown> = {}, ok = true): ReceiptLite => ({ seq, tool, ok, args });
const ctx = { breakerTripped: false, rotated: false };

test('the control plane is one list: every contract v2 path, expanded against the home', () => {
  const paths = Object.fromEntries(plane.entries.map((e) => [e.id, e.path]));
  assert.equal(paths.env, '/opt/jarvis/.env');
  assert.equal(paths.breaker, '/home/j/.jarvis/breaker.json');
  assert.equal(paths['activity.5'], '/home/j/.jarvis/activity.jsonl.5');
  assert.equal(paths.receipts, '/home/j/.jarvis/operator_actions.jsonl');
  assert.equal(paths.history, '/opt/jarvis/.jarvis_self_history');
  assert.equal(paths.authorized_keys, '/home/j/.ssh/authorized_keys');
  assert.equal(paths.sshd_config, '/etc/ssh/sshd_config');
  assert.deepEqual(plane.volumes, ['jarvis_backups']);
  assert.deepEqual(plane.containers, ['jarvis']);
  // Without a known home the ~ form is kept, for the blocklist's own matching.
  assert.equal(controlEntry(controlPlane(DEFAULT_PATHS, null), 'breaker').path, '~/.jarvis/breaker.json');
});

test('a flag flipped to 1 is explained only by a resume receipt appended since', () => {
  const [c] = diffObserved(ENV, env({ JARVIS_SELF_MODIFY_ALLOWED: '0' }), env({ JARVIS_SELF_MODIFY_ALLOWED: '1' }));
  assert.deepEqual({ ...c }, { file: 'env', path: '/opt/jarvis/.env', what: 'flag', key: 'JARVIS_SELF_MODIFY_ALLOWED', from: '0', to: '1' });
  assert.equal(explain(c!, [], ctx), null);
  assert.equal(explain(c!, [r(1, 'pause')], ctx), null, 'a pause explains nothing about a flip to 1');
  assert.equal(explain(c!, [r(1, 'resume', {}, false)], ctx), null, 'a failed resume explains nothing');
  assert.equal((explain(c!, [r(1, 'pause'), r(2, 'resume')], ctx) as ReceiptLite).seq, 2);
});

test('trust: each added or removed id is its own change, matched to its own receipt', () => {
  const cs = diffObserved(ENV, env({ TELEGRAM_TRUSTED_USER_IDS: '1,2' }), env({ TELEGRAM_TRUSTED_USER_IDS: '2,3' }));
  assert.deepEqual(
    cs.map((c) => [c.what, c.from, c.to]),
    [
      ['trust', null, '3'],
      ['trust', '1', null],
    ],
  );
  const add = r(5, 'trust_add', { channel: 'telegram', id: '3' });
  assert.equal(explain(cs[0]!, [add], ctx), add);
  assert.equal(explain(cs[0]!, [r(5, 'trust_add', { channel: 'telegram', id: '4' })], ctx), null);
  assert.equal(explain(cs[0]!, [r(5, 'trust_add', { channel: 'discord', id: '3' })], ctx), null);
  assert.equal(explain(cs[1]!, [add], ctx), null, 'an add never explains a removal');
  // The spelling changed but not the set: still a change nobody receipted.
  const spelled = diffObserved(ENV, env({ SMS_TRUSTED_NUMBERS: '+14155550100' }), env({ SMS_TRUSTED_NUMBERS: ' +14155550100 ' }));
  assert.deepEqual(
    spelled.map((c) => c.what),
    ['value'],
  );
});

test('keys outside the contract are reported by name only, never by value', () => {
  const cs = diffObserved(ENV, env({ OPENAI_API_KEY: 'sk-old-secret' }), env({ OPENAI_API_KEY: 'sk-new-secret' }));
  assert.deepEqual(
    cs.map((c) => [c.what, c.key, c.from, c.to]),
    [['value', 'OPENAI_API_KEY', null, null]],
  );
  assert.doesNotMatch(describeChange(cs[0]!), /secret/);
  assert.equal(explain(cs[0]!, [r(1, 'pause'), r(2, 'resume')], ctx), null);
  // Same values, other bytes (a comment rewritten): still reported.
  assert.deepEqual(
    diffObserved(ENV, env({ A: '1' }, null, 'h1'), env({ A: '1' }, null, 'h2')).map((c) => c.what),
    ['bytes'],
  );
});

test('a line python-dotenv may read differently is a change of its own', () => {
  const cs = diffObserved(ENV, env({ JARVIS_SELF_MODIFY_ALLOWED: '0' }), env({ JARVIS_SELF_MODIFY_ALLOWED: '0' }, { line: 3, key: null, reason: 'an unclosed quote' }, 'x'));
  assert.deepEqual(
    cs.map((c) => c.what),
    ['grammar'],
  );
  assert.equal(explain(cs[0]!, [r(1, 'pause')], ctx), null);
});

test("the breaker: armed needs a re-arm receipt; a trip is the droplet's right", () => {
  const B = controlEntry(plane, 'breaker');
  const rec = (state: 'armed' | 'tripped', by: 'tray' | 'droplet' | null = null): Observed => ({
    kind: 'breaker',
    record: { state, tripped_at: null, reason: null, restarts: [], rearmed_at: null, by },
    hash: `${state}${by}`,
  });
  const [armed] = diffObserved(B, rec('tripped', 'droplet'), rec('armed'));
  assert.equal(armed!.key, 'state');
  assert.equal(explain(armed!, [], ctx), null);
  assert.equal(explain(armed!, [r(3, 'breaker_trip')], ctx), null);
  assert.equal((explain(armed!, [r(3, 'breaker_rearm')], ctx) as ReceiptLite).tool, 'breaker_rearm');
  const [tripped] = diffObserved(B, rec('armed'), rec('tripped', 'droplet'));
  assert.equal(explain(tripped!, [], ctx), 'allowed');
  // The loop flag going to 0 with the breaker tripped is the droplet's own trip.
  const [loop] = diffObserved(ENV, env({ JARVIS_ETERNAL_LOOP: '1' }), env({ JARVIS_ETERNAL_LOOP: '0' }));
  assert.equal(explain(loop!, [], { breakerTripped: true, rotated: false }), 'allowed');
  assert.equal(explain(loop!, [], { breakerTripped: false, rotated: false }), null);
  const [loopOn] = diffObserved(ENV, env({ JARVIS_ETERNAL_LOOP: '0' }), env({ JARVIS_ETERNAL_LOOP: '1' }));
  assert.equal(explain(loopOn!, [], { breakerTripped: true, rotated: false }), null, 'only a re-arm turns the loop back on');
});

test('links, removals and truncation', () => {
  const E = ENV;
  const [link] = diffObserved(E, env({}), { kind: 'not-regular', type: 'symlink' });
  assert.deepEqual([link!.what, link!.from, link!.to], ['replaced', 'file', 'symlink']);
  assert.equal(explain(link!, [r(1, 'pause'), r(2, 'resume')], ctx), null, 'no receipt explains a link');
  assert.deepEqual(
    diffObserved(E, env({}), { kind: 'absent' }).map((c) => c.what),
    ['removed'],
  );
  const A = controlEntry(plane, 'activity');
  assert.deepEqual(
    diffObserved(A, { kind: 'append', ino: 7, size: 900 }, { kind: 'append', ino: 7, size: 100 }).map((c) => c.what),
    ['truncated'],
  );
  assert.deepEqual(diffObserved(A, { kind: 'append', ino: 7, size: 900 }, { kind: 'append', ino: 8, size: 0 }), [], 'a new inode is rotation');
  assert.deepEqual(diffObserved(A, { kind: 'append', ino: 7, size: 900 }, { kind: 'append', ino: 7, size: 950 }), [], "appends are the agent's right");
  const H = controlEntry(plane, 'history');
  assert.deepEqual(
    diffObserved(H, { kind: 'present', type: 'dir', listing: null }, { kind: 'not-regular', type: 'symlink' }).map((c) => c.what),
    ['replaced'],
  );
  const K = controlEntry(plane, 'authorized_keys');
  const [keys] = diffObserved(K, { kind: 'content', hash: 'a', lines: 1 }, { kind: 'content', hash: 'b', lines: 2 });
  assert.deepEqual([keys!.what, keys!.from, keys!.to], ['access', '1 line(s)', '2 line(s)']);
  assert.equal(explain(keys!, [r(1, 'vault_rotate')], ctx), null);
});

test('a new .env reports its flags as well as its creation', () => {
  const cs = diffObserved(ENV, { kind: 'absent' }, env({ JARVIS_SELF_MODIFY_ALLOWED: '1' }));
  assert.deepEqual(
    cs.map((c) => c.what),
    ['created', 'flag'],
  );
  assert.equal(explain(cs[1]!, [r(1, 'pause')], ctx), null);
});
