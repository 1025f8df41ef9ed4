/**
 * Boots the real Electron bundle (dist/electron/main.cjs, as scripts/build.mjs
 * builds it) under plain Node with the electron double, against the
 * reference droplet. Catches what only the bundle can get wrong: ESM in a
 * CommonJS bundle, files missing beside it, worker paths. Linux here, so the
 * tray's activation is a single `click` (see core/tray/tray-gestures.ts).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { ProfileStore } from '../../src-main/core/config/profile-store.js';
import { FOLLOWER_MARK } from '../../src-main/core/audit/follower-script.js';
import { WATCHER_MARK } from '../../src-main/core/watch/watcher-script.js';
import { CHANNEL_NAMES } from '../../src-main/ipc/channel-names.js';
import { helpersWith } from '../helpers/processes.js';
import { appendRecords, record } from '../core/audit/audit-helpers.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { BootedApp, buildApp, waitFor, type BuiltApp } from './boot-app.js';
import type { Snapshot } from './electron-double.js';

let built: BuiltApp;
before(async () => {
  built = await buildApp();
});
after(() => built?.remove());

const selfModify = (ref: ReferenceDroplet) => /^JARVIS_SELF_MODIFY_ALLOWED=(.*)$/m.exec(ref.readEnv())?.[1];
const loopFlag = (ref: ReferenceDroplet) => /^JARVIS_ETERNAL_LOOP=(.*)$/m.exec(ref.readEnv())?.[1];
const helpers = (ref: ReferenceDroplet) => [...helpersWith(FOLLOWER_MARK, ref.home), ...helpersWith(WATCHER_MARK, ref.home)];
const tray = (s: Snapshot) => s.trays.at(-1)!;
const noted = (s: Snapshot, title: RegExp) => s.notifications.filter((n) => title.test(n.title));

/** A reference droplet saved as a profile (as `stratam profile add` saves it: the same file the app reads), and the app booted on it. */
async function bootOn(t: import('node:test').TestContext, opts: { agent: boolean; backlog?: number }): Promise<{ ref: ReferenceDroplet; app: BootedApp; stateDir: string }> {
  const ref = await startReferenceDroplet({ agent: opts.agent });
  t.after(() => ref.teardown());
  if (opts.backlog) appendRecords(ref.home, 1, opts.backlog);
  const stateDir = mkdtempSync(join(tmpdir(), 'stratam-boot-state-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  await new ProfileStore(stateDir).save(ref.profile());
  const app = await BootedApp.start(built, { STRATAM_STATE_DIR: stateDir });
  t.after(() => app.kill());
  await app.send({ op: 'ready' });
  return { ref, app, stateDir };
}

const BACKLOG = 3000; // about 700 KiB of audit log: past the 256 KiB at which the feed hands frames to the scan worker

test('the bundle boots with a saved droplet: connects, tray icon and menu, click pauses, breaker trip, .env alert, quit closes every follower', async (t) => {
  const { ref, app, stateDir } = await bootOn(t, { agent: true, backlog: BACKLOG });

  // Connected, with the icon file beside the bundle and the Linux menu.
  let s = await app.snapshotUntil('the droplet to connect and read as armed', (x) => x.trays.length === 1 && /reference: armed/.test(tray(x).tooltip));
  assert.equal(tray(s).imageEmpty, false, `the tray icon ${tray(s).image} exists beside the bundle`);
  assert.match(tray(s).image ?? '', /tray-armed\.png$/);
  assert.ok(
    tray(s).images.every((p) => existsSync(p)),
    `every icon shown exists: ${tray(s).images.join(', ')}`,
  );
  assert.ok(tray(s).contextMenu, 'Linux: a fixed context menu');
  assert.equal(tray(s).contextMenu![0], 'Pause all droplets', 'Linux: the menu leads with what activation does');
  assert.ok(tray(s).contextMenu!.includes('Reveal log'));
  assert.ok(tray(s).listening.includes('click'));
  assert.equal(s.windows.length, 0, 'a saved droplet: the app starts in the tray, no window');
  const conn = await app.invoke<{ droplets: Array<{ name: string; link: { state: string } }> }>('connections');
  assert.equal(conn.result?.droplets[0]?.link.state, 'connected');
  await app.until('the droplet-side follower and watcher to start', () => helpersWith(FOLLOWER_MARK, ref.home).length > 0 && helpersWith(WATCHER_MARK, ref.home).length > 0);

  // The backlog is scanned by the worker built beside the bundle, without a fallback.
  const q = await app.invoke<{ items: Array<{ type: string; diagnostic?: { kind: string; detail?: string } }>; delivered: number }>('auditQuery', { name: 'reference', fromSeq: 1, limit: 5000 });
  assert.equal(q.error, undefined, JSON.stringify(q.error));
  assert.equal(q.result!.delivered, BACKLOG);
  assert.deepEqual(
    q.result!.items.filter((i) => i.type === 'diagnostic'),
    [],
    'no scan-worker failure, no gap',
  );
  const workers = app.events.flatMap((e) => (e.event === 'worker' ? [e.url] : []));
  assert.ok(workers.length > 0, 'a scan worker started');
  for (const w of workers) assert.equal(w, pathToFileURL(join(dirname(built.main), 'scan-worker.cjs')).href);

  // A blocklisted command the agent reports as run: the guard (tree-sitter WASM, external to the bundle) judges it live.
  appendFileSync(join(ref.home, 'activity.jsonl'), `${record(BACKLOG + 1, { tool: 'host_exec', args: { cmd: 'docker system prune -af --volumes' } })}\n`);
  s = await app.snapshotUntil('the blocked-command notification', (x) => noted(x, /a blocked command ran/).length === 1);
  assert.equal(noted(s, /a blocked command ran/)[0]!.urgency, 'critical');

  // Export goes where the save dialog says, and only there.
  const out = join(stateDir, 'export.json');
  await app.send({ op: 'answer', kind: 'saveDialog', value: out });
  const chosen = await app.invoke<{ out: string | null }>('exportChooseFile', { name: 'reference' });
  assert.deepEqual(chosen.result, { out });
  s = await app.snapshot();
  assert.equal(s.dialogs.at(-1)?.kind, 'saveDialog');
  const elsewhere = await app.invoke('exportData', { name: 'reference', out: join(stateDir, 'typed-by-the-page.json') });
  assert.equal(elsewhere.error?.kind, 'refused', 'a path the dialog did not return is refused');
  assert.equal(existsSync(join(stateDir, 'typed-by-the-page.json')), false);
  const exported = await app.invoke<{ out: string }>('exportData', { name: 'reference', out });
  assert.equal(exported.error, undefined, JSON.stringify(exported.error));
  assert.ok(existsSync(out));
  const cancelled = await app.invoke<{ out: string | null }>('exportChooseFile', { name: 'reference' });
  assert.deepEqual(cancelled.result, { out: null }, 'cancelling the dialog chooses nothing');

  // Linux activation pauses every droplet, verified on the droplet, and says so.
  assert.equal(selfModify(ref), '1');
  await app.send({ op: 'tray', event: 'click' });
  s = await app.snapshotUntil('the pause notification', (x) => noted(x, /^Paused 1 droplet$/).length === 1);
  assert.equal(selfModify(ref), '0');
  assert.match(noted(s, /^Paused/)[0]!.body, /reference: paused \(verified\)/);

  // Four restarts of the agent trip the breaker: a critical notification.
  for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '0', ref.container], { stdio: 'ignore' });
  s = await app.snapshotUntil('the breaker notification', (x) => noted(x, /breaker tripped/).length === 1, 60_000);
  assert.equal(noted(s, /breaker tripped/)[0]!.urgency, 'critical');
  assert.equal(loopFlag(ref), '0');

  // A .env change nobody receipted raises the control-plane alert (and hold-pause puts the pause back).
  writeFileSync(ref.envPath, ref.readEnv().replace(/^JARVIS_SELF_MODIFY_ALLOWED=0$/m, 'JARVIS_SELF_MODIFY_ALLOWED=1'));
  s = await app.snapshotUntil('the tamper notification', (x) => noted(x, /tampered/).length >= 1);
  assert.equal(noted(s, /tampered/)[0]!.urgency, 'critical');
  await app.until('hold-pause to put the pause back', () => selfModify(ref) === '0');

  // Reveal log shows the log file in the file manager.
  await app.send({ op: 'menu', label: 'Reveal log' });
  s = await app.snapshot();
  assert.deepEqual(s.shell.at(-1), { call: 'showItemInFolder', arg: join(stateDir, 'logs', 'stratam.log') });
  assert.match(readFileSync(join(stateDir, 'logs', 'stratam.log'), 'utf8'), /Stratam Tray .* started/, 'the tray writes the log it reveals');

  // Quit from the tray menu: every follower on the droplet closes, and the process ends on its own.
  assert.ok(helpers(ref).length > 0);
  await app.send({ op: 'menu', label: 'Quit' });
  const code = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
  assert.equal(code, 0, `the process did not end after quit; still open: ${JSON.stringify(app.events.filter((e) => e.event === 'resources'))}`);
  assert.ok(
    app.events.some((e) => e.event === 'quit'),
    'it ended by quitting',
  );
  await waitFor('every droplet-side helper to exit', () => helpers(ref).length === 0);
  assert.deepEqual(app.unhandled(), []);
  const errors = readFileSync(join(stateDir, 'logs', 'stratam.log'), 'utf8')
    .split('\n')
    .filter((l) => / ERROR /.test(l));
  assert.deepEqual(errors, [], 'no error was swallowed on the way');
  assert.ok(readFileSync(join(stateDir, 'profiles.json'), 'utf8').includes('"reference"'));
});

test('quitting from the OS (Cmd-Q, log out) also closes every follower before the process ends', async (t) => {
  const { ref, app } = await bootOn(t, { agent: false });
  await app.snapshotUntil('the droplet to connect', (x) => x.trays.length === 1 && /reference: /.test(tray(x).tooltip) && !/connecting/.test(tray(x).tooltip));
  await app.until('the droplet-side follower and watcher to start', () => helpersWith(FOLLOWER_MARK, ref.home).length > 0 && helpersWith(WATCHER_MARK, ref.home).length > 0);
  await app.send({ op: 'quit' });
  const code = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 30_000))]);
  assert.equal(code, 0, `the process did not end after quit; still open: ${JSON.stringify(app.events.filter((e) => e.event === 'resources'))}`);
  await waitFor('every droplet-side helper to exit', () => helpers(ref).length === 0);
  assert.deepEqual(app.unhandled(), []);
});

test('a damaged profiles file: the app still starts in the tray and says which file and what to do', async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'stratam-boot-state-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  writeFileSync(join(stateDir, 'profiles.json'), '{"version": 1, "profiles": {', { mode: 0o600 });
  const app = await BootedApp.start(built, { STRATAM_STATE_DIR: stateDir });
  t.after(() => app.kill());
  await app.send({ op: 'ready' });
  const s = await app.snapshotUntil('the notification about the damaged file', (x) => noted(x, /Saved droplets could not be read/).length === 1);
  const note = noted(s, /Saved droplets could not be read/)[0]!;
  assert.equal(note.urgency, 'critical');
  assert.ok(note.body.includes(join(stateDir, 'profiles.json')), `names the file: ${note.body}`);
  assert.match(note.body, /Fix or remove the file/);
  assert.equal(tray(s).imageEmpty, false, 'the tray is there');
  assert.equal(s.windows.length, 1, 'and the dashboard opens, since no droplet could be connected');
  assert.deepEqual(app.unhandled(), []);
  assert.equal(readFileSync(join(stateDir, 'profiles.json'), 'utf8'), '{"version": 1, "profiles": {', 'the file is never reset');
  await app.send({ op: 'quit' });
  assert.equal(await app.exited, 0);
});

test('the preload bundle runs sandboxed: it requires only what a sandboxed preload may, and exposes one method per channel', async (t) => {
  const app = await BootedApp.start(built, {}, join(dirname(built.main), 'preload.cjs'));
  t.after(() => app.kill());
  const s = await app.snapshot();
  // A sandboxed preload gets electron's renderer modules, events, timers and url; nothing else loads.
  const allowed = new Set(['electron', 'events', 'timers', 'url', 'node:events', 'node:timers', 'node:url']);
  assert.deepEqual(
    s.required.filter((r) => !allowed.has(r)),
    [],
    `the preload requires ${s.required.join(', ')}`,
  );
  assert.ok(s.required.includes('electron'), 'the record of requires works');
  assert.deepEqual(s.exposed.stratam, [...CHANNEL_NAMES, 'on'].sort());
  assert.deepEqual(await app.send({ op: 'preload-call', method: 'exportChooseFile', args: { name: 'reference' } }), { channel: 'stratam:exportChooseFile', args: { name: 'reference' } });
});
