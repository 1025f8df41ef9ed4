import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, confirmationFor, type MenuSpec } from '../../../src-main/core/tray/tray-menu.js';
import { NOW, state } from './fixtures.js';

type Item = Extract<MenuSpec, { type: 'item' }>;
const items = (m: MenuSpec[]): Item[] => m.flatMap((x) => (x.type === 'item' ? [x] : x.type === 'submenu' ? items(x.items) : []));
const find = (m: MenuSpec[], label: string, name?: string) => items(m).find((i) => i.label === label && (name === undefined || (i.action && 'name' in i.action && i.action.name === name)));

test('per droplet: state, Pause, Resume… and Re-arm breaker… (confirmed), Open; then dashboard, mute, quit', () => {
  const m = buildTrayMenu([state('alpha', { selfModifyAllowed: false, breaker: 'tripped' })], { now: NOW, mutedUntil: null });
  const labels = m.map((x) => (x.type === 'separator' ? '-' : x.label));
  assert.deepEqual(labels, ['alpha: breaker tripped', 'Pause', 'Resume…', 'Re-arm breaker…', 'Open', '-', 'Open dashboard', 'Mute notifications', '-', 'Reveal log', 'Quit']);
  assert.equal(find(m, 'alpha: breaker tripped')!.enabled, false, 'the state line is a label');
  assert.deepEqual(find(m, 'Resume…')!.action, { kind: 'resume', name: 'alpha' });
  assert.equal(find(m, 'Resume…')!.confirm, true);
  assert.equal(find(m, 'Re-arm breaker…')!.confirm, true);
  assert.equal(find(m, 'Re-arm breaker…')!.enabled, true);
  assert.equal(find(m, 'Pause')!.confirm, false, 'pausing never asks');
  const mute = m.find((x) => x.type === 'submenu') as Extract<MenuSpec, { type: 'submenu' }>;
  assert.deepEqual(
    items(mute.items).map((i) => i.action),
    [
      { kind: 'mute', hours: 1 },
      { kind: 'mute', hours: 8 },
      { kind: 'mute', hours: 24 },
    ],
  );
});

test('actions that cannot apply are disabled: resume when armed, re-arm when not tripped, all but Open when disconnected', () => {
  const m = buildTrayMenu(
    [state('up'), state('down', { link: { state: 'reconnecting', attempt: 3, delayMs: 4000, at: new Date(NOW).toISOString(), reason: 'lost' }, selfModifyAllowed: false, breaker: 'tripped' })],
    { now: NOW, mutedUntil: null },
  );
  assert.equal(find(m, 'Resume…', 'up')!.enabled, false);
  assert.equal(find(m, 'Re-arm breaker…', 'up')!.enabled, false);
  assert.equal(find(m, 'Pause', 'up')!.enabled, true);
  assert.equal(find(m, 'Pause', 'down')!.enabled, false);
  assert.equal(find(m, 'Resume…', 'down')!.enabled, false);
  assert.equal(find(m, 'Re-arm breaker…', 'down')!.enabled, false);
  assert.equal(find(m, 'Open', 'down')!.enabled, true);
  assert.equal(find(m, 'down: reconnecting')!.enabled, false);
  // With several droplets the menu also offers what the double-click does.
  assert.deepEqual(find(m, 'Pause all droplets')!.action, { kind: 'pauseAll' });
});

test('Linux leads with "Pause all droplets" even for one droplet; elsewhere only with several', () => {
  const linux = buildTrayMenu([state('solo')], { now: NOW, mutedUntil: null, pauseAllFirst: true });
  const first = linux[0]!;
  assert.ok(first.type === 'item' && first.label === 'Pause all droplets' && first.enabled);
  assert.deepEqual(first.action, { kind: 'pauseAll' });
  assert.equal(linux[1]!.type, 'separator');
  assert.equal(find(buildTrayMenu([state('solo')], { now: NOW, mutedUntil: null }), 'Pause all droplets'), undefined);
  const none = buildTrayMenu([], { now: NOW, mutedUntil: null, pauseAllFirst: true })[0]!;
  assert.ok(none.type === 'item' && none.label === 'Pause all droplets' && !none.enabled, 'nothing to pause: shown, disabled');
});

test('"Reveal log" sits just above Quit and asks nothing', () => {
  const m = items(buildTrayMenu([state('a')], { now: NOW, mutedUntil: null }));
  assert.deepEqual(
    m.slice(-2).map((i) => i.action),
    [{ kind: 'revealLog' }, { kind: 'quit' }],
  );
  assert.equal(confirmationFor({ kind: 'revealLog' }), null);
});

test('while muted the submenu says until when and offers Unmute', () => {
  const m = buildTrayMenu([state('a')], { now: NOW, mutedUntil: NOW + 3_600_000 });
  const sub = m.find((x) => x.type === 'submenu') as Extract<MenuSpec, { type: 'submenu' }>;
  assert.match(sub.label, /^Notifications muted until /);
  assert.deepEqual(items(sub.items).at(-1)!.action, { kind: 'unmute' });
  const expired = buildTrayMenu([state('a')], { now: NOW, mutedUntil: NOW - 1 });
  assert.equal((expired.find((x) => x.type === 'submenu') as { label: string }).label, 'Mute notifications');
});

test('resume and re-arm ask first; pause, open and quit do not', () => {
  assert.match(confirmationFor({ kind: 'resume', name: 'a' })!.detail, /JARVIS_SELF_MODIFY_ALLOWED=1/);
  assert.match(confirmationFor({ kind: 'rearm', name: 'a' })!.detail, /JARVIS_ETERNAL_LOOP=1/);
  for (const a of [{ kind: 'pause', name: 'a' }, { kind: 'pauseAll' }, { kind: 'open', name: 'a' }, { kind: 'quit' }] as const) assert.equal(confirmationFor(a), null);
});

test('menu: with unacknowledged fabrication warnings, an item acknowledges them; none without', () => {
  const base = state('prod', { selfModifyAllowed: true, breaker: 'armed' });
  const find = (states: ReturnType<typeof state>[]) => buildTrayMenu(states, { now: NOW, mutedUntil: null }).find((m) => m.type === 'item' && m.action?.kind === 'acknowledge');
  assert.equal(find([base]), undefined);
  const ack = find([{ ...base, fabrications: 2 }]);
  assert.ok(ack && ack.type === 'item');
  assert.equal(ack.label, 'Acknowledge warnings (2 fabrications)');
  assert.deepEqual(ack.action, { kind: 'acknowledge', name: 'prod' });
});
