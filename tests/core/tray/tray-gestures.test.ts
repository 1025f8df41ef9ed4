import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOUBLE_CLICK_MS, GestureDispatcher, trayGestures, type GestureAction, type GestureTimer, type TrayEvent } from '../../../src-main/core/tray/tray-gestures.js';

/** A timer the test fires by hand: no clock, no waiting. */
class HandTimer implements GestureTimer {
  fn: (() => void) | null = null;
  ms: number | null = null;
  start(fn: () => void, ms: number): void {
    this.fn = fn;
    this.ms = ms;
  }
  cancel(): void {
    this.fn = null;
  }
  fire(): void {
    const f = this.fn;
    this.fn = null;
    f?.();
  }
}

function dispatcher(platform: NodeJS.Platform) {
  const acts: GestureAction[] = [];
  const timer = new HandTimer();
  const d = new GestureDispatcher(trayGestures(platform), (a) => acts.push(a), timer);
  const send = (...events: TrayEvent[]) => events.forEach((e) => d.handle(e));
  return { d, acts, timer, send };
}

test('Windows: a fixed right-click menu; double-click pauses all; a single click does nothing', () => {
  const map = trayGestures('win32');
  assert.equal(map.contextMenu, true);
  assert.equal(map.pauseAllFirst, false);
  const { d, acts, timer, send } = dispatcher('win32');
  assert.deepEqual(d.events, ['double-click']);
  send('click');
  assert.deepEqual(acts, []);
  assert.equal(timer.fn, null, 'no delayed action on Windows');
  // Windows sends click then double-click for one double-click.
  send('click', 'double-click');
  assert.deepEqual(acts, ['pauseAll']);
});

test('macOS: no fixed context menu (it would swallow the double-click)', () => {
  const map = trayGestures('darwin');
  assert.equal(map.contextMenu, false);
  assert.equal(map.pauseAllFirst, false);
  assert.deepEqual(dispatcher('darwin').d.events.sort(), ['click', 'double-click', 'right-click']);
});

test('macOS: a click pops the menu only after the double-click interval', () => {
  const { acts, timer, send } = dispatcher('darwin');
  send('click');
  assert.deepEqual(acts, [], 'not at once: a second click may follow');
  assert.equal(timer.ms, DOUBLE_CLICK_MS);
  timer.fire();
  assert.deepEqual(acts, ['popUpMenu']);
});

test('macOS: a double-click pauses all and the menu never opens under it', () => {
  const { acts, timer, send } = dispatcher('darwin');
  // Electron on macOS: click (clickCount 1), then double-click (clickCount 2).
  send('click', 'double-click');
  assert.deepEqual(acts, ['pauseAll']);
  assert.equal(timer.fn, null, 'the pending menu was cancelled');
  timer.fire();
  assert.deepEqual(acts, ['pauseAll']);
  // And the next single click is a fresh one.
  send('click');
  timer.fire();
  assert.deepEqual(acts, ['pauseAll', 'popUpMenu']);
});

test('macOS: right-click opens the menu at once; two quick single clicks open nothing', () => {
  const { acts, timer, send } = dispatcher('darwin');
  send('right-click');
  assert.deepEqual(acts, ['popUpMenu']);
  send('click', 'click');
  timer.fire();
  assert.deepEqual(acts, ['popUpMenu']);
});

test('Linux: activation (click) pauses all at once; the menu is fixed and leads with "Pause all droplets"', () => {
  const map = trayGestures('linux');
  assert.equal(map.contextMenu, true);
  assert.equal(map.pauseAllFirst, true);
  const { d, acts, timer, send } = dispatcher('linux');
  assert.deepEqual(d.events, ['click']);
  send('click');
  assert.deepEqual(acts, ['pauseAll']);
  assert.equal(timer.fn, null);
  // Electron never sends double-click there; if it did, it would do nothing more.
  send('double-click');
  assert.deepEqual(acts, ['pauseAll']);
});

test('no platform maps any gesture to anything but pausing or the menu (a click never resumes)', () => {
  for (const p of ['darwin', 'win32', 'linux', 'freebsd'] as NodeJS.Platform[]) {
    const m = trayGestures(p);
    for (const a of [...Object.values(m.events), m.delayedClick]) assert.ok(a === null || a === 'pauseAll' || a === 'popUpMenu', `${p}: ${String(a)}`);
  }
});

test('dispose cancels a pending menu', () => {
  const { d, acts, timer, send } = dispatcher('darwin');
  send('click');
  d.dispose();
  assert.equal(timer.fn, null);
  assert.deepEqual(acts, []);
});
