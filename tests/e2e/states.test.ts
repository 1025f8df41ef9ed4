/**
 * The console in every state (issue 17), in real Chromium through the browser
 * harness against the reference droplet: a refused connect keeps its reason
 * and fix on the card; no view waits forever once the link is down; a Pause
 * pressed while sshd is down says it will be applied on reconnect, is applied
 * (file, receipt) when sshd is back, and the console says so.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';

const WRONG = `SHA256:${'A'.repeat(43)}`;
const selfModify = (ref: ReferenceDroplet) => /^JARVIS_SELF_MODIFY_ALLOWED=(.*)$/m.exec(ref.readEnv())?.[1];

describe('console: every state', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let harness: Harness;
  let b: Browser;
  let stateDir: string;
  let page: Page;
  const card = (name: string): Locator => page.getByRole('article', { name: `Droplet ${name}` });
  const header = (): Locator => page.getByRole('banner');
  const go = async (view: RegExp) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
  const select = async (name: string) => header().getByRole('combobox', { name: 'Droplet' }).selectOption(name);
  /** The text a view shows in place of its content (its loading text, or why it cannot load). */
  const waitingText = (text: RegExp) => page.getByRole('main').getByText(text).first();

  before(async () => {
    ref = await startReferenceDroplet();
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-states-'));
    const base = ref.profile();
    harness = await startHarness({
      rendererDir: rendererDir(),
      stateDir,
      // The same droplet, pinned to a key it does not have: the connect is refused before authentication.
      profiles: [base, { ...base, name: 'wrongkey', fingerprint: WRONG }],
      session: { refreshMs: 3_600_000, backoff: { baseMs: 200, maxMs: 1000, maxAttempts: Infinity } },
    });
    b = await openBrowser(harness.url);
    page = b.page;
    await card('reference')
      .getByText(/^Connected/)
      .waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await b?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('keeps a refused connect on the card with the reason and the fix, after the toast is gone', async () => {
    const problems = card('wrongkey').getByRole('list', { name: 'Problems on wrongkey' });
    await problems.getByText(/has CHANGED/).waitFor({ timeout: 20_000 });
    // The error toast lasts 9 s: what is on the card after that is what the person still sees.
    await page.waitForTimeout(10_000);
    const text = (await problems.textContent()) ?? '';
    assert.match(text, new RegExp(`offers \\S+ ${ref.hostFingerprint.replace(/[+/]/g, '\\$&')}`), 'the offered key');
    assert.ok(text.includes(WRONG), 'the pinned key');
    assert.match(text, /Fix: .*add it again/, 'the fix');
    assert.equal(await card('wrongkey').getByTestId('link-state').textContent(), 'Not connected');
    await shot(page, 'states-01-connect-refused');
    // Its views say why too, instead of "Reading the droplet…".
    await select('wrongkey');
    await go(/^Controls/);
    await waitingText(/^Not connected: .*has CHANGED/).waitFor({ timeout: 5_000 });
    await select('reference');
    await go(/^Dashboard/);
  });

  it('turns loading texts into "not connected" with the reason while sshd is down', async () => {
    await ref.killSshd();
    await card('reference')
      .getByTestId('link-state')
      .filter({ hasText: /^Reconnecting/ })
      .waitFor({ timeout: 20_000 });
    // A page opened during the outage has nothing read yet: every view would wait.
    await page.reload();
    await card('reference').waitFor({ timeout: 20_000 });
    await select('reference');
    const down = /^Not connected: the link to reference is down \(.+\)/;
    await go(/^Controls/);
    await waitingText(down).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByText('Reading the droplet…').count(), 0);
    await shot(page, 'states-02-controls-link-down');
    await go(/^Audit feed/);
    await waitingText(down).waitFor({ timeout: 10_000 });
    assert.equal(await page.getByText('Connecting to the feed…').count(), 0);
    await shot(page, 'states-03-feed-link-down');
    await go(/^Vault/);
    await waitingText(down).waitFor({ timeout: 10_000 });
    await go(/^Dashboard/);
  });

  it('says a Pause pressed while sshd is down will be applied on reconnect, applies it, and says so', async () => {
    assert.equal(selfModify(ref), '1');
    const pauseButton = header().getByRole('button', { name: 'Pause destructive tools on reference' });
    await pauseButton.click();
    const note = card('reference').getByTestId('pause-queue');
    await note.filter({ hasText: /will be applied on reconnect/ }).waitFor({ timeout: 5_000 });
    // The button answers too: it does not sit on "Pausing…" for the whole outage.
    await pauseButton.filter({ hasNotText: 'Pausing' }).waitFor({ timeout: 2_000 });
    assert.equal(selfModify(ref), '1', 'nothing written while the link is down');
    await shot(page, 'states-04-pause-queued');

    await ref.startSshd(ref.port);
    await note.filter({ hasText: /^Pause applied on reconnect/ }).waitFor({ timeout: 60_000 });
    assert.equal(selfModify(ref), '0');
    const receipts = ref.readJsonl('operator_actions.jsonl').filter((r) => r.tool === 'pause');
    assert.equal(receipts.length, 1);
    assert.equal(typeof (receipts[0]!.args as { queuedAt?: unknown }).queuedAt, 'string', 'the receipt says it was queued');
    assert.equal(receipts[0]!.ok, true);
    await header()
      .getByTestId('flag-state')
      .filter({ hasText: /^paused$/ })
      .waitFor({ timeout: 20_000 });
    // The control watch, restarting as the link came back, takes the queued pause for what it is: receipted.
    await page.waitForTimeout(2_000);
    assert.equal(await page.getByRole('region', { name: 'Control-plane alerts' }).getByRole('listitem', { name: 'Control plane changed without a receipt on reference' }).count(), 0);
    await shot(page, 'states-05-pause-applied');
    assert.deepEqual(b.pageErrors, []);
  });
});
