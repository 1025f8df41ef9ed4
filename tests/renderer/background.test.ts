/**
 * Work the console starts without waiting for it (issue 15, "Lint as a
 * gate"): a refresh after a connect, a feed start, a button's action. When
 * the host's transport itself rejects a call (Electron's invoke does, on a
 * handler that throws or a value it cannot clone), the failure must end up
 * where the person sees it: beside the card it was for, or in a toast, and
 * in the console's log. Never an unhandled rejection that nobody sees.
 *
 * The host here is a stand-in StratamApi whose calls reject, as Electron's
 * invoke does; the e2e suite drives the real harness.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { DropletStateView } from '../../src-main/ipc/api.js';
import { loadRendererModule } from './renderer-module.js';

interface AppStoreLike {
  start(): Promise<void>;
  getState(): {
    toast: { text: string; tone: string } | null;
    details: Record<string, { statusError: string | null; vaultError: string | null; sandboxError: string | null; backupsError: string | null } | undefined>;
  };
  toast(text: string): void;
}
type AppMod = { AppStore: new (platform: unknown) => AppStoreLike };
type BackgroundMod = typeof import('../../src-renderer/src/state/background.js');

const connected: DropletStateView = {
  name: 'd1',
  link: { state: 'connected', since: '2026-12-01T10:00:00.000Z', hostKey: 'SHA256:x' },
  downSince: null,
  selfModifyAllowed: true,
  switch: null,
  readSeq: 0,
  breaker: 'armed',
  hold: { enabled: true, active: false },
  fabrications: 0,
  checkedAt: null,
};

/** A host that answers the start-up calls and rejects every other one, as a failing ipcRenderer.invoke does. */
function rejectingHost() {
  const answers: Record<string, unknown> = {
    profilesList: { profiles: [{ name: 'd1' }] },
    connections: { droplets: [connected] },
    warningsList: { warnings: [] },
    trayState: { icon: 'armed', tooltip: '', droplets: [connected], mutedUntil: null },
  };
  const calls: string[] = [];
  const api = new Proxy(
    {},
    {
      get: (_t, channel: string) => {
        if (channel === 'on') return () => () => undefined;
        return () => {
          calls.push(channel);
          return channel in answers ? Promise.resolve({ result: answers[channel] }) : Promise.reject(new Error(`Error invoking remote method 'stratam:${channel}': An object could not be cloned.`));
        };
      },
    },
  );
  return { platform: { kind: 'electron', api, has: () => true }, calls };
}

/** Collect what would otherwise vanish: unhandled rejections and console.error lines, for the length of `fn`. */
async function watching<T>(fn: () => Promise<T>): Promise<{ value: T; unhandled: unknown[]; logged: string[] }> {
  const unhandled: unknown[] = [];
  const logged: string[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  const error = console.error;
  process.on('unhandledRejection', onUnhandled);
  console.error = (...args: unknown[]) => logged.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
  try {
    const value = await fn();
    // Let the background work settle (and any rejection be noticed as unhandled).
    await new Promise((r) => setTimeout(r, 200));
    return { value, unhandled, logged };
  } finally {
    console.error = error;
    process.off('unhandledRejection', onUnhandled);
  }
}

describe('renderer background work', () => {
  let appMod: AppMod;
  let bg: BackgroundMod;
  before(async () => {
    [appMod, bg] = await Promise.all([loadRendererModule<AppMod>('state/app-store.ts'), loadRendererModule<BackgroundMod>('state/background.ts')]);
  });

  it('keeps a call the host rejected beside its card, and toasts and logs a feed start that failed', async () => {
    const host = rejectingHost();
    const app = new appMod.AppStore(host.platform);
    const { unhandled, logged } = await watching(() => app.start());
    assert.deepEqual(unhandled, [], 'no rejection may go unhandled');
    assert.ok(host.calls.includes('status'), 'the connected droplet was refreshed');
    const d = app.getState().details.d1;
    assert.ok(d, 'the refresh finished and recorded its outcome');
    for (const e of [d.statusError, d.vaultError, d.sandboxError, d.backupsError]) assert.match(e ?? '', /host did not answer .*could not be cloned/);
    // The feed's first history read rejected: the feed start failed, and the person is told which and why.
    const toast = app.getState().toast;
    assert.equal(toast?.tone, 'error');
    assert.match(toast?.text ?? '', /^Starting the audit feed of d1 failed unexpectedly: .*stratam:auditQuery.*could not be cloned/);
    assert.ok(
      logged.some((l) => l.includes('Starting the audit feed of d1 failed unexpectedly')),
      `logged: ${JSON.stringify(logged)}`,
    );
    app.toast('done'); // replaces the error toast's long timer with a short one
  });

  it('background() reports a rejection once, and a report that throws is logged, not lost', async () => {
    const reported: string[] = [];
    const first = await watching(async () => bg.background(Promise.reject(new Error('boom')), 'Pausing d1', (t) => reported.push(t)));
    assert.deepEqual(reported, ['Pausing d1 failed unexpectedly: boom']);
    assert.deepEqual(first.unhandled, []);
    assert.ok(first.logged.some((l) => l.includes('Pausing d1 failed unexpectedly: boom')));

    const second = await watching(async () =>
      bg.background(Promise.reject(new Error('boom')), 'Pausing d1', () => {
        throw new Error('toast broke');
      }),
    );
    assert.deepEqual(second.unhandled, []);
    assert.ok(
      second.logged.some((l) => l.includes('could not be shown') && l.includes('toast broke')),
      `logged: ${JSON.stringify(second.logged)}`,
    );
  });
});
