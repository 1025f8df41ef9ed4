/**
 * TrayHost applies the gesture map (core/tray/tray-gestures.ts) per
 * platform: run in-process against the electron double, with a real Session
 * (no droplet for the gesture wiring, the reference droplet for the pause).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src-main/core/session/session.js';
import { DOUBLE_CLICK_MS } from '../../src-main/core/tray/tray-gestures.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { waitFor } from './boot-app.js';
import { double, type Tray } from './electron-double.js';

register('./electron-loader.js', import.meta.url);
const { TrayHost } = await import('../../src-main/electron/tray-host.js');

const stateDir = mkdtempSync(join(tmpdir(), 'stratam-trayhost-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));
const assetsDir = join(stateDir, 'assets');

function host(t: import('node:test').TestContext, session: Session, platform: NodeJS.Platform) {
  const calls: string[] = [];
  const h = new TrayHost(session, assetsDir, { openDashboard: () => calls.push('openDashboard'), revealLog: () => calls.push('revealLog'), quit: () => calls.push('quit') }, { platform });
  t.after(() => h.destroy());
  const tray = double.trays.at(-1) as Tray;
  double.notifications.length = 0;
  return { tray, calls };
}

const titles = () => double.notifications.map((n) => n.title);

test('macOS: no fixed context menu; a click pops the menu after the double-click interval, a double-click pauses instead', (t) => {
  const session = new Session({ stateDir });
  const { tray } = host(t, session, 'darwin');
  assert.equal(tray.contextMenuSets, 0, 'setContextMenu is never called: it would open on every mouse-down and swallow the double-click');
  assert.match(tray.image.path ?? '', /tray-disconnectedTemplate\.png$/, 'a template image: macOS tints it for the menu bar');
  t.mock.timers.enable({ apis: ['setTimeout'] });
  tray.emit('click');
  assert.equal(tray.popUps.length, 0, 'not at once: a second click may follow');
  t.mock.timers.tick(DOUBLE_CLICK_MS);
  assert.equal(tray.popUps.length, 1);
  assert.ok(tray.popUps[0]!.view().includes('Open dashboard'));

  // click (clickCount 1) then double-click (clickCount 2): the pause, and no menu under it.
  tray.emit('click');
  tray.emit('double-click');
  t.mock.timers.tick(DOUBLE_CLICK_MS * 2);
  assert.equal(tray.popUps.length, 1, 'the menu did not open under the double-click');
  tray.emit('right-click');
  assert.equal(tray.popUps.length, 2, 'right-click opens the menu at once');
});

test('Windows: a fixed menu (right-click); a double-click pauses; a single click does nothing', async (t) => {
  const session = new Session({ stateDir });
  const { tray } = host(t, session, 'win32');
  assert.ok(tray.contextMenuSets > 0);
  assert.equal(tray.contextMenu!.view()[0], 'Open dashboard', 'no droplet: no pause-all line on Windows');
  assert.deepEqual(tray.listenerCount('click'), 0);
  tray.emit('click');
  tray.emit('double-click');
  await waitFor('the pause-all answer', () => titles().includes('Nothing to pause'));
  assert.equal(tray.popUps.length, 0);
});

test('Linux: activation (click) pauses all; the menu leads with "Pause all droplets" and offers "Reveal log"', async (t) => {
  const session = new Session({ stateDir });
  const { tray, calls } = host(t, session, 'linux');
  assert.ok(tray.contextMenuSets > 0);
  assert.deepEqual(tray.contextMenu!.view().slice(0, 2), ['[Pause all droplets]', '-'], 'first, and disabled while nothing is connected');
  assert.equal(tray.listenerCount('double-click'), 0, 'Electron never sends it on Linux');
  tray.emit('click');
  await waitFor('the pause-all answer', () => titles().includes('Nothing to pause'));
  tray.contextMenu!.click('Reveal log');
  assert.deepEqual(calls, ['revealLog']);
});

let ref: ReferenceDroplet;
before(async () => {
  ref = await startReferenceDroplet();
});
after(() => ref?.teardown());

const selfModify = () => /^JARVIS_SELF_MODIFY_ALLOWED=(.*)$/m.exec(ref.readEnv())?.[1];

for (const platform of ['darwin', 'win32'] as const) {
  test(`${platform}: the double-click pauses the connected droplet (read back on the droplet) and says so`, async (t) => {
    const session = new Session({ stateDir: mkdtempSync(join(stateDir, 'p-')), watch: { breaker: false, audit: false, fabrication: false, control: false } });
    t.after(() => session.close());
    await session.profiles.save(ref.profile());
    assert.equal((await session.connect('reference')).status, 'connected');
    await session.resume('reference', true);
    assert.equal(selfModify(), '1');
    const { tray } = host(t, session, platform);
    tray.emit('click');
    tray.emit('double-click');
    await waitFor('the pause notification', () => titles().includes('Paused 1 droplet'));
    assert.equal(selfModify(), '0');
    assert.match(double.notifications.find((n) => n.title === 'Paused 1 droplet')!.body, /reference: paused \(verified\)/);
    assert.equal(tray.popUps.length, 0);
  });
}
