/**
 * The console never claims a switch state it did not read (issue 13,
 * reproduction 8 and "Never claim a state that was not read"), in real
 * Chromium through the browser harness against the reference droplet.
 *
 * The session's timed re-read is pushed out to an hour, so whatever the page
 * shows after a change on the droplet came from the control-plane watch (or
 * from the person's own action), never from the 30 s timer. Every wait is for
 * a condition with a deadline; no duration is asserted.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { DEFAULT_PATHS } from '../../src-main/core/config/profile.js';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { activityLine, appendActivity, lastSeq } from './droplet-data.js';

/** How long the control-plane watch gets to bring a change on the droplet to the screen. */
const WATCH_DEADLINE = 10_000;
const SELF = 'JARVIS_SELF_MODIFY_ALLOWED';
const envFlag = (ref: ReferenceDroplet, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(ref.readEnv())?.[1];

/** Flip the flag in the droplet's .env in place, as `sed -i` run by the agent would: no receipt. */
function tamper(ref: ReferenceDroplet, value: '0' | '1'): void {
  writeFileSync(ref.envPath, ref.readEnv().replace(new RegExp(`^${SELF}=.*$`, 'm'), `${SELF}=${value}`));
}

describe('console: the switch as read', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let harness: Harness;
  let b: Browser;
  let stateDir: string;
  let page: Page;
  const card = (name: string): Locator => page.getByRole('article', { name: `Droplet ${name}` });
  const header = (): Locator => page.getByRole('banner');
  const go = async (view: RegExp) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
  const select = async (name: string) => header().getByRole('combobox', { name: 'Droplet' }).selectOption(name);
  const holdSwitch = () => page.getByRole('switch', { name: 'Hold the pause on reference' });
  const holdSaved = () => (JSON.parse(readFileSync(join(stateDir, 'profiles.json'), 'utf8')) as { profiles: Record<string, { holdPause?: boolean }> }).profiles.reference?.holdPause;
  /** Pause from the header and wait for the answer to this click (an earlier toast is closed first so it cannot stand in). */
  const pauseFromHeader = async () => {
    // In one step in the page: the old toast may time out between a check and a click from here.
    await page.locator('.toast button[aria-label="Dismiss message"]').evaluateAll((els: unknown[]) => els.forEach((el) => (el as { click(): void }).click()));
    await header().getByRole('button', { name: 'Pause destructive tools on reference' }).click();
    await page
      .locator('.toast')
      .filter({ hasText: /paused/i })
      .waitFor({ timeout: 20_000 });
    await header().getByRole('button', { name: 'Pause destructive tools on reference' }).filter({ hasNotText: 'Pausing' }).waitFor();
  };
  /** Dismiss every alert in the banner (they stay under Warnings). */
  const dismissAll = async () => {
    const dismiss = page.getByRole('button', { name: /^Dismiss alert:/ });
    for (let left = 50; left > 0 && (await dismiss.count()) > 0; left--) await dismiss.first().click();
    assert.equal(await dismiss.count(), 0);
  };
  /** Flip hold-pause from the Controls view and wait for the core's pushed state to say so. */
  const setHold = async (on: boolean) => {
    if ((await holdSwitch().isChecked()) !== on) await holdSwitch().click();
    await page
      .getByTestId('controls-hold-state')
      .filter({ hasText: on ? /^(on|holding)/ : /^off$/ })
      .waitFor({ timeout: 10_000 });
  };

  before(async () => {
    ref = await startReferenceDroplet();
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-switch-'));
    // Two more droplets on the same sshd, each with its own home: one whose root folder does not exist
    // (`--jarvis-root` wrong), one whose root exists but holds no .env.
    const missingRoot = join(ref.root, 'no-such-root');
    const emptyRoot = join(ref.root, 'empty-root');
    mkdirSync(emptyRoot);
    const homeOf = (n: string) => {
      const h = join(ref.root, `home-${n}`);
      mkdirSync(h, { mode: 0o700 });
      writeFileSync(join(h, 'activity.jsonl'), '');
      return h;
    };
    const base = ref.profile();
    harness = await startHarness({
      rendererDir: rendererDir(),
      stateDir,
      profiles: [
        base,
        { ...base, name: 'misrooted', paths: { ...DEFAULT_PATHS, jarvisHome: homeOf('misrooted'), jarvisRoot: missingRoot, agentContainer: ref.container } },
        { ...base, name: 'no-env', paths: { ...DEFAULT_PATHS, jarvisHome: homeOf('no-env'), jarvisRoot: emptyRoot, agentContainer: ref.container } },
      ],
      session: { refreshMs: 3_600_000, backoff: { baseMs: 200, maxMs: 1000, maxAttempts: Infinity } },
    });
    b = await openBrowser(harness.url);
    page = b.page;
    await card('reference')
      .getByText(/^Connected/)
      .waitFor({ timeout: 30_000 });
  });

  // Each test starts on the reference droplet, whatever the one before left selected.
  beforeEach(async () => {
    await select('reference');
  });

  after(async () => {
    await b?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('shows a droplet whose .env cannot be found as unknown, with the reason and the fix, never paused', async () => {
    await header().getByTestId('flag-state').filter({ hasText: 'destructive tools allowed' }).waitFor({ timeout: 30_000 });
    for (const name of ['misrooted', 'no-env']) {
      const c = card(name);
      await select(name);
      await header().getByTestId('flag-state').filter({ hasText: 'switch unknown' }).waitFor({ timeout: 30_000 });
      await c.getByTestId('switch-state').filter({ hasText: 'switch unknown' }).waitFor();
      const problem = c.getByRole('list', { name: `Problems on ${name}` }).getByText(/^The switch is unknown:/);
      await problem.waitFor();
      assert.match((await problem.textContent()) ?? '', /Fix: /);
      assert.notEqual(await header().getByTestId('flag-state').textContent(), 'paused');
      assert.notEqual(await c.getByTestId('switch-state').textContent(), 'paused');
    }
    // The missing folder is named as such (the folder, not just the file).
    assert.match((await card('misrooted').getByRole('list', { name: 'Problems on misrooted' }).textContent()) ?? '', /no-such-root/);
    await shot(page, 'switch-01-dashboard-unknown');

    // Controls: the reason and its fix; Pause offered, Resume not.
    await select('misrooted');
    await go(/^Controls/);
    const reason = page.getByTestId('switch-unknown');
    await reason.waitFor();
    assert.match((await reason.textContent()) ?? '', /Why unknown \(no-(folder|file)\):.*Fix:/s);
    assert.equal(await page.getByRole('button', { name: /^Resume destructive tools/ }).isDisabled(), true);
    assert.equal(await page.getByRole('main').getByRole('button', { name: 'Pause destructive tools on misrooted' }).isEnabled(), true);
    await shot(page, 'switch-02-controls-unknown');
    await select('reference');
    await go(/^Dashboard/);
  });

  it('turns hold-pause off and on through the core, which saves it with the profile', async () => {
    await go(/^Controls/);
    const toggle = holdSwitch();
    await toggle.waitFor();
    assert.equal(await toggle.isChecked(), true, 'on by default');
    await setHold(false);
    assert.equal(await toggle.isChecked(), false);
    assert.equal(holdSaved(), false);
    await shot(page, 'switch-03-controls-hold-off');
    await setHold(true);
    assert.equal(await toggle.isChecked(), true);
    assert.equal(holdSaved(), true);
  });

  it('shows a flag changed on the droplet at once, from the watch, and the header agrees', async () => {
    // Hold-pause off (set on the core directly: the toggle has its own test): this is about showing what the droplet holds.
    await harness.session.setHoldPause('reference', false);
    await go(/^Dashboard/);
    const c = card('reference');
    tamper(ref, '0');
    await header()
      .getByTestId('flag-state')
      .filter({ hasText: /^paused$/ })
      .waitFor({ timeout: WATCH_DEADLINE });
    await c
      .getByTestId('switch-state')
      .filter({ hasText: /^paused$/ })
      .waitFor({ timeout: 2_000 });
    tamper(ref, '1');
    await header().getByTestId('flag-state').filter({ hasText: 'destructive tools allowed' }).waitFor({ timeout: WATCH_DEADLINE });
    assert.equal(await c.getByTestId('switch-state').textContent(), 'destructive tools allowed');
    assert.match((await c.getByTestId('switch-read').textContent()) ?? '', /^read /);
    await harness.session.setHoldPause('reference', true);
  });

  it('alerts on a tamper after a pause, and hold-pause brings the dashboard back to paused', async () => {
    await go(/^Controls/);
    await pauseFromHeader();
    await header()
      .getByTestId('flag-state')
      .filter({ hasText: /^paused$/ })
      .waitFor({ timeout: 20_000 });
    await page.getByTestId('controls-hold-state').filter({ hasText: 'holding the pause' }).waitFor({ timeout: 10_000 });
    assert.equal(envFlag(ref, SELF), '0');

    // Only this tamper's alerts from here on (the earlier flips raised their own).
    await dismissAll();
    tamper(ref, '1');
    const alerts = page.getByRole('region', { name: 'Control-plane alerts' });
    const alert = alerts.getByRole('listitem', { name: 'Control plane changed without a receipt on reference' }).first();
    await alert.waitFor({ timeout: WATCH_DEADLINE });
    assert.match((await alert.textContent()) ?? '', new RegExp(SELF));
    await alert
      .getByTestId('alert-follow-up')
      .filter({ hasText: /Hold-pause put/ })
      .waitFor({ timeout: WATCH_DEADLINE });
    await go(/^Dashboard/);
    await card('reference')
      .getByTestId('switch-state')
      .filter({ hasText: /^paused$/ })
      .waitFor({ timeout: WATCH_DEADLINE });
    assert.equal(await header().getByTestId('flag-state').textContent(), 'paused');
    assert.equal(envFlag(ref, SELF), '0');
    await shot(page, 'switch-04-tamper-alert');

    // The feed shows the watch's markers as rows of their own.
    await go(/^Audit feed/);
    await page.locator('.feed-row[data-kind="control"]').filter({ hasText: 'tampered' }).first().waitFor({ timeout: 10_000 });
    await page.locator('.feed-row[data-kind="control"]').filter({ hasText: 'reverted' }).first().waitFor({ timeout: 10_000 });
    await shot(page, 'switch-05-feed-control-rows');

    // A destructive call the agent logs while paused is its own critical alert.
    appendActivity(ref, activityLine(lastSeq(ref) + 1, { tool: 'host_exec', args: { cmd: 'docker ps' }, ok: true, blocked: null }));
    await alerts.getByRole('listitem', { name: 'Destructive tool ran while paused on reference' }).first().waitFor({ timeout: WATCH_DEADLINE });

    // Dismissed alerts leave the banner, and stay under Warnings with what changed.
    await dismissAll();
    await go(/^Warnings/);
    const w = page.getByRole('listitem', { name: /control-tampered warning on reference/ }).first();
    await w.waitFor();
    assert.match((await w.textContent()) ?? '', /0 → 1/);
    await shot(page, 'switch-07-warnings');
  });

  it('never leaves a "Paused" toast beside a header that says otherwise', async () => {
    await go(/^Controls/);
    // Hold-pause off, so the agent's flip stays and the console must show it.
    await harness.session.setHoldPause('reference', false);
    await pauseFromHeader();
    tamper(ref, '1');
    await header().getByTestId('flag-state').filter({ hasText: 'destructive tools allowed' }).waitFor({ timeout: WATCH_DEADLINE });
    assert.equal(
      await page
        .locator('.toast')
        .filter({ hasText: /paused/i })
        .count(),
      0,
    );
    assert.equal(await page.getByTestId('controls-switch').textContent(), 'destructive tools allowed');
    assert.equal(await page.getByRole('button', { name: /^Resume destructive tools/ }).isDisabled(), true);
    await harness.session.setHoldPause('reference', true);
  });

  it('greys every value under a "link down" mark while the link is down, and reads again when it is back', async () => {
    await go(/^Dashboard/);
    const c = card('reference');
    const known = /^(paused|destructive tools allowed)$/;
    // A known, settled state first: the last test turned hold-pause back on while the agent's flip to 1 stood, and
    // hold-pause putting the pause back could land after `before` was read (CI saw "last read: paused" once).
    // That revert can also be writing .env at the moment of this pause: the core then refuses ("changed on the
    // droplet while this edit was being made; nothing was written", fail closed), and pressing again is right.
    for (let attempt = 1; ; attempt++) {
      try {
        await harness.session.pause('reference');
        break;
      } catch (err) {
        if (attempt >= 5 || !/changed on the droplet while this edit was being made/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await c
      .getByTestId('switch-state')
      .filter({ hasText: /^paused$/ })
      .waitFor({ timeout: WATCH_DEADLINE });
    const before = (await c.getByTestId('switch-state').filter({ hasText: known }).textContent({ timeout: WATCH_DEADLINE })) ?? '';
    await ref.killSshd();
    const mark = c.getByTestId('stale-mark');
    await mark.filter({ hasText: /^Link down since .*; last read .*These values are not current\.$/ }).waitFor({ timeout: 20_000 });
    assert.equal(await c.getByTestId('switch-state').textContent(), `last read: ${before === 'paused' ? 'paused' : 'allowed'}`);
    assert.match((await c.locator('.values').getAttribute('class')) ?? '', /\bstale\b/);
    assert.equal(await header().getByTestId('flag-state').textContent(), 'unknown: link down');
    await shot(page, 'switch-06-link-down');
    await go(/^Controls/);
    assert.equal(await page.getByRole('button', { name: /^Resume destructive tools/ }).isDisabled(), true);
    await page.getByTestId('stale-mark').first().waitFor();
    await go(/^Dashboard/);

    await ref.startSshd();
    await c.getByTestId('switch-state').filter({ hasText: known }).waitFor({ timeout: 60_000 });
    await mark.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await header().getByTestId('flag-state').textContent(), await c.getByTestId('switch-state').textContent());
    assert.deepEqual(b.pageErrors, []);
  });
});
