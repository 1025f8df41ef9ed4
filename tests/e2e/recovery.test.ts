/**
 * The seed's worst case, in the console (issue 14), in real Chromium through
 * the browser harness against the reference droplet: a healthy stand-in
 * agent ships a crashing self-modification and restarts itself; Docker
 * restarts it in a loop and the session's breaker watcher trips the breaker.
 * The console shows the trip, opens the incident (the change, its snapshot,
 * the agent's reply, the exit codes and last log lines), shows the diff with
 * the bad lines, rolls back behind the typed confirmation, shows the result
 * (healthy, still paused, breaker still tripped, the pre-rollback snapshot),
 * then Resume and Re-arm as separate steps. The incident also opens from the
 * Controls view and from the trip notification's address. Every wait is for
 * a condition with a deadline; screenshots go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { SessionEvent } from '../../src-main/core/session/session-events.js';
import type { Notification } from '../../src-main/core/tray/notify-policy.js';
import { deepLinkHash, notificationTarget } from '../../src-main/ipc/deep-link.js';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { CRASHING_CODE, HEALTHY_CODE, startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { writeVault } from './droplet-data.js';

const REPLY = 'Done: replies now go through reply_fast, which should make them about twice as quick.';
const envFlag = (ref: ReferenceDroplet, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(ref.readEnv())?.[1];

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('console: from a tripped breaker back to a healthy agent', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let harness: Harness;
  let b: Browser;
  let page: Page;
  let stateDir: string;
  let snapshot: string;
  const notes: Notification[] = [];
  const card = (): Locator => page.getByRole('article', { name: 'Droplet reference' });
  const go = async (view: RegExp) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
  const incidentHeading = () => page.getByRole('heading', { name: 'Incident · reference' });

  before(async () => {
    ref = await startReferenceDroplet();
    ref.startAgent([], { code: true });
    await until('the agent container to run', () => execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', ref.container], { encoding: 'utf8' }).trim() === 'true', 30_000);
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-recovery-'));
    harness = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [ref.profile()] });
    harness.session.on('event', (e: SessionEvent) => {
      if (e.type === 'notify') notes.push(e.notification);
    });
    b = await openBrowser(harness.url);
    page = b.page;
    await card()
      .getByText(/^Connected/)
      .waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await b?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('shows the trip after a crashing self-modification, and opens the incident from the breaker card', async () => {
    const say = writeVault(ref);
    say({ turn: 't_1', role: 'user', content: 'Can you make your replies faster?' });
    say({ turn: 't_1', role: 'assistant', content: REPLY });
    snapshot = ref.agentSelfModify('faster-replies', 'main.sh', CRASHING_CODE, 't_1', 'replies are slow');
    assert.match(snapshot, /^\d{8}T\d{6}Z-faster-replies$/);
    ref.agentSelfRestart('t_1');

    // The session's own watcher trips it; the card says so and offers the incident.
    await card()
      .getByText(/^Breaker tripped/)
      .waitFor({ timeout: 90_000 });
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '0');
    await card().getByRole('button', { name: 'Why? Open the incident (reference)' }).click();
    await incidentHeading().waitFor();

    const suggestion = page.getByTestId('incident-suggestion');
    await suggestion.waitFor({ timeout: 60_000 });
    assert.match((await suggestion.textContent()) ?? '', new RegExp(`Roll back to ${snapshot}`));
    const change = page.getByRole('listitem', { name: /^Change \d+$/ }).first();
    const changeText = (await change.textContent()) ?? '';
    assert.match(changeText, new RegExp(snapshot));
    assert.match(changeText, /turn t_1/);
    assert.match(changeText, /faster-replies/);
    assert.match(changeText, /main\.sh/);
    assert.match(changeText, /reply_fast, which should make them about twice as quick/, 'the agent’s reply in that turn');
    const restarts = page.getByLabel('Restarts', { exact: true });
    assert.match((await restarts.textContent()) ?? '', /exit code 3/);
    assert.match((await restarts.textContent()) ?? '', /NameError: name 'reply_fast' is not defined/);
    await shot(page, 'recovery-01-incident');
  });

  it('opens the diff from the incident, showing the bad lines as added and the good ones as removed', async () => {
    await page.getByRole('button', { name: 'See what that change did' }).click();
    const file = page.getByLabel('Changes to main.sh');
    await file.waitFor({ timeout: 30_000 });
    const added = await file.locator('.diff-add').allTextContents();
    const removed = await file.locator('.diff-del').allTextContents();
    assert.ok(
      added.some((l) => l.includes("NameError: name 'reply_fast' is not defined")),
      `added: ${added.join('|')}`,
    );
    assert.ok(
      added.some((l) => l.startsWith('+exit 3')),
      `added: ${added.join('|')}`,
    );
    assert.ok(
      removed.some((l) => l.includes('while true; do sleep 1; done')),
      `removed: ${removed.join('|')}`,
    );
    // lib/replies.txt did not change: counted, not listed.
    assert.equal(await page.getByLabel('Changes to lib/replies.txt').count(), 0);
    await shot(page, 'recovery-02-diff');
    await page.getByRole('button', { name: 'Back' }).click();
    await incidentHeading().waitFor();
  });

  it('rolls back behind the typed name and shows healthy, still paused, breaker still tripped, and the undo', async () => {
    await page.getByRole('button', { name: `Roll back to ${snapshot}…` }).click();
    const dialog = page.getByRole('dialog', { name: `Roll reference back to ${snapshot}?` });
    await dialog.waitFor();
    const go = dialog.getByRole('button', { name: 'Roll back', exact: true });
    const typed = dialog.getByLabel('Type reference to confirm');
    // Runs in the page (the test's own lib has no DOM types).
    const focused = await typed.evaluate((el: unknown) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement);
    assert.equal(focused, true, 'focus starts in the name field');
    await typed.fill('referenc');
    assert.equal(await go.isDisabled(), true, 'a wrong name cannot confirm');
    await dialog.getByLabel('Watch the agent for (seconds, 0-600)').fill('5');
    await typed.fill('reference');
    await go.click();

    const result = page.getByTestId('rollback-result');
    await result.waitFor({ timeout: 120_000 });
    assert.equal(await page.getByTestId('rollback-outcome').textContent(), 'healthy');
    const steps = await page.getByRole('list', { name: 'Rollback steps' }).locator('li').allTextContents();
    for (const s of ['pause', 'pre-rollback-snapshot', 'swap', 'restart', 'watch'])
      assert.ok(
        steps.some((t) => t.startsWith(`${s}:`)),
        `step ${s} shown: ${steps.join(' | ')}`,
      );
    await page.getByTestId('rollback-switch').filter({ hasText: 'still paused' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('rollback-breaker').filter({ hasText: 'still tripped' }).waitFor({ timeout: 20_000 });
    const pre = (await page.getByTestId('pre-rollback').textContent()) ?? '';
    assert.match(pre, /^\d{8}T\d{6}Z-pre-rollback$/);
    await shot(page, 'recovery-03-rollback-result');

    // On the droplet: the good code is back, the bad code is kept for the undo, and nothing was resumed or re-armed.
    assert.equal(readFileSync(join(ref.codeDir, 'main.sh'), 'utf8'), HEALTHY_CODE);
    assert.equal(readFileSync(join(ref.jarvisRoot, '.jarvis_self_history', pre, 'tree', 'main.sh'), 'utf8'), CRASHING_CODE);
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '0');
    assert.equal((JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { state: string }).state, 'tripped');
    assert.equal(execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', ref.container], { encoding: 'utf8' }).trim(), 'true');
  });

  it('then resumes and re-arms, each as its own confirmed step', async () => {
    const result = page.getByTestId('rollback-result');
    await result.getByRole('button', { name: 'Resume destructive tools…' }).click();
    await page.getByRole('dialog', { name: 'Resume destructive tools on reference?' }).getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByTestId('flag-state').filter({ hasText: 'destructive tools allowed' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1');
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '0', 'resuming did not re-arm');

    await result.getByRole('button', { name: 'Re-arm breaker…' }).click();
    await page.getByRole('dialog', { name: 'Re-arm the breaker on reference?' }).getByRole('button', { name: 'Re-arm', exact: true }).click();
    await page.getByTestId('rollback-breaker').filter({ hasText: 'armed' }).filter({ hasNotText: 'tripped' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '1');
    assert.equal((JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { state: string }).state, 'armed');

    // Every step left a receipt, in order: the rollback (with its own steps), then resume, then re-arm.
    const tools = ref.readJsonl('operator_actions.jsonl').map((r) => String(r.tool));
    const at = (t: string) => tools.lastIndexOf(t);
    assert.ok(at('rollback') >= 0 && at('resume') > at('rollback') && at('breaker_rearm') > at('resume'), tools.join(', '));
    assert.ok(tools.includes('rollback_swap'), tools.join(', '));
  });

  it('opens the incident from the Controls view and from the trip notification', async () => {
    await go(/^Controls/);
    await page.getByRole('button', { name: 'Why did it trip? Open the incident' }).click();
    await incidentHeading().waitFor();

    await go(/^Dashboard/);
    const trip = notes.find((n) => n.title === 'reference: breaker tripped');
    assert.ok(trip, `a trip notification was raised: ${notes.map((n) => n.title).join(', ')}`);
    const target = notificationTarget(trip);
    assert.deepEqual(target, { name: 'reference', view: 'incident' });
    // What the Electron host loads on a click, applied to this page's address.
    await page.evaluate((hash) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
    }, deepLinkHash(target));
    await incidentHeading().waitFor({ timeout: 10_000 });
  });

  it('diffs a snapshot from the Data view: the pre-rollback one holds the bad code', async () => {
    await go(/^Data/);
    const pre = ref.readJsonl('operator_actions.jsonl').find((r) => r.tool === 'rollback')?.result as { pre_rollback?: string } | undefined;
    assert.ok(pre?.pre_rollback, 'the rollback receipt names the pre-rollback snapshot');
    await page.getByRole('button', { name: `Diff of snapshot ${pre.pre_rollback} against the code now` }).click();
    const file = page.getByLabel('Changes to main.sh');
    await file.waitFor({ timeout: 30_000 });
    // Left is the bad code kept by the rollback, right the good code now: the bad line is removed.
    assert.ok((await file.locator('.diff-del').allTextContents()).some((l) => l.startsWith('-exit 3')));
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Data · reference' }).waitFor();
  });

  it('signs the agent out and deletes the data from the Data view, with the same checks as the CLI', async () => {
    mkdirSync(join(ref.home, 'playwright_profile', 'Default'), { recursive: true });
    writeFileSync(join(ref.home, 'playwright_profile', 'Default', 'Cookies'), 'session=abc');
    await page.getByRole('button', { name: 'Sign the agent out everywhere…' }).click();
    const signout = page.getByRole('dialog', { name: 'Sign the agent on reference out everywhere?' });
    assert.match((await signout.textContent()) ?? '', /logged in to will ask it to log in again/);
    await signout.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByText(/^Signed out: /).waitFor({ timeout: 30_000 });
    assert.deepEqual(readdirSync(join(ref.home, 'playwright_profile')), []);
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0', 'sign-out pauses first');

    // No export from this app yet: the typed name alone is refused, and nothing goes.
    const deleteOnce = async () => {
      await page.getByRole('button', { name: 'Delete my data…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete your data on reference?' });
      await dialog.getByLabel('Type reference to confirm').fill('reference');
      await dialog.getByRole('button', { name: 'Delete my data' }).click();
    };
    await deleteOnce();
    await page
      .getByRole('alert')
      .filter({ hasText: /No export of this droplet was written by this app in the last 24 hours/ })
      .waitFor({ timeout: 30_000 });
    assert.ok(existsSync(join(ref.home, 'conversation_archive.jsonl')));

    // An export from the console counts: then the same flow deletes, keeping the audit log and receipts.
    await page.getByLabel('Export to file (absolute path on this machine)').fill(join(ref.root, 'export.json'));
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByText(/^Exported /).waitFor({ timeout: 60_000 });
    await deleteOnce();
    const done = page.getByRole('status').filter({ hasText: /^Deleted / });
    await done.waitFor({ timeout: 60_000 });
    assert.match((await done.textContent()) ?? '', /kept .*audit/i);
    assert.equal(readdirSync(join(ref.jarvisRoot, '.jarvis_self_history')).length, 0, 'the snapshots are gone');
    assert.ok(existsSync(join(ref.home, 'activity.jsonl')) && existsSync(join(ref.home, 'operator_actions.jsonl')));
    assert.deepEqual(b.pageErrors, []);
    assert.deepEqual(b.dialogs, []);
  });
});
