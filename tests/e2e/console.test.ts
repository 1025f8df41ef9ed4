/**
 * The console in real Chromium, through the browser harness, against the
 * reference droplet (real sshd, real Docker stand-in agent). Screenshots of
 * every view go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { AGENT_IMAGE } from '../helpers/agent-image.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { activityLine, appendActivity, lastSeq, writeVault } from './droplet-data.js';

// The stand-in sandbox image the reference droplet's tests build (busybox).
const SANDBOX_IMAGE = 'stratam-test/sandbox:1';
const envFlag = (ref: ReferenceDroplet, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(ref.readEnv())?.[1];

describe('console in Chromium', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let harness: Harness;
  let b: Browser;
  let stateDir: string;
  let say: ReturnType<typeof writeVault>;

  before(async () => {
    ref = await startReferenceDroplet({ agent: true });
    execFileSync('docker', ['tag', AGENT_IMAGE, SANDBOX_IMAGE]);
    say = writeVault(ref);
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-state-'));
    harness = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [{ ...ref.profile(), name: 'reference', paths: { ...ref.profile().paths, sandboxImage: SANDBOX_IMAGE } }] });
    b = await openBrowser(harness.url);
  });

  after(async () => {
    await b?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('connects and shows the dashboard with the real flags', async () => {
    const { page } = b;
    await page.getByText(/^Connected/).waitFor({ timeout: 30_000 });
    await page.getByText('All checks pass.').or(page.locator('.problems')).first().waitFor({ timeout: 30_000 });
    // The header says nothing about the switch until it was read ("not read yet"), so wait for the read.
    await page
      .getByTestId('flag-state')
      .filter({ hasText: /^(destructive tools allowed|paused|switch unknown)$/ })
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId('flag-state').textContent(), 'destructive tools allowed');
    await shot(page, '01-dashboard');
  });

  it('shows a record appended on the droplet live in the feed', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /^Audit feed/ }).click();
    const rec = ref.agentCall('read_file', '/etc/hostname');
    const seq = Number(rec.seq);
    assert.ok(seq > 0);
    const row = page.locator(`.feed-row[data-stream="activity"][data-seq="${seq}"]`);
    await row.waitFor({ timeout: 20_000 });
    assert.match((await row.textContent()) ?? '', /read_file/);
    await row.getByRole('button').click();
    await page.getByRole('dialog', { name: /Details: Record/ }).waitFor();
    await shot(page, '02-audit-feed-detail');
    await page.getByRole('button', { name: 'Close details' }).click();
  });

  it('renders hostile audit fields as inert text and survives a 6 MB value', async () => {
    const { page } = b;
    let seq = lastSeq(ref);
    const hostile = [
      activityLine(++seq, { tool: 'browse', args: { url: '<img src=x onerror="window.__pwned=1;alert(1)">' }, result: '<script>window.__pwned=2;alert(2)</script>' }),
      activityLine(++seq, { tool: 'host_exec', args: { cmd: 'ls --color' }, result: '\u001b[31mRED\u001b[0m \u001b]0;title\u0007 \u001b[2J bold\u001b[1m!' }),
      activityLine(++seq, { tool: 'read_logs', args: { path: '/var/log/huge.log' }, result: 'A'.repeat(6 * 1024 * 1024) }),
      activityLine(++seq, { tool: 'web_search', args: { q: 'after the huge one' }, result: 'still here' }),
    ];
    appendActivity(ref, hostile.join(''));
    await page.locator(`.feed-row[data-stream="activity"][data-seq="${seq}"]`).waitFor({ timeout: 30_000 });
    const xssRow = page.locator(`.feed-row[data-stream="activity"][data-seq="${seq - 3}"]`);
    assert.match((await xssRow.textContent()) ?? '', /<img src=x onerror=/);
    const ansiRow = page.locator(`.feed-row[data-stream="activity"][data-seq="${seq - 2}"]`);
    const ansiText = (await ansiRow.textContent()) ?? '';
    assert.match(ansiText, /RED/);
    assert.doesNotMatch(ansiText, /\u001b|\[31m/);
    // The huge record: its row is clipped, its drawer shows a window with "show more".
    const huge = page.locator(`.feed-row[data-stream="activity"][data-seq="${seq - 1}"]`);
    assert.ok(((await huge.textContent()) ?? '').length < 2000);
    await huge.getByRole('button').click();
    await page.getByRole('dialog', { name: /Details/ }).waitFor();
    await page
      .getByRole('button', { name: /^Show more of/ })
      .first()
      .waitFor();
    await shot(page, '03-audit-hostile-huge');
    await page.getByRole('button', { name: 'Close details' }).click();
    await xssRow.getByRole('button').click();
    await shot(page, '04-audit-hostile-xss');
    await page.getByRole('button', { name: 'Close details' }).click();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('main img, main script').count(), 0);
    assert.deepEqual(b.dialogs, []);
    assert.deepEqual(b.pageErrors, []);
    // Still responsive: filters work.
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('ok');
    await page.getByRole('searchbox', { name: 'Search the audit feed' }).fill('after the huge');
    await page.getByTestId('feed-count').filter({ hasText: /^1 of/ }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('Pause pauses (read back from .env) and Resume asks first', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /^Controls/ }).click();
    await page.getByRole('heading', { name: /Controls · reference/ }).waitFor();
    await page
      .getByRole('banner')
      .getByRole('button', { name: /^Pause/ })
      .click();
    await page.getByTestId('flag-state').filter({ hasText: 'paused' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
    await shot(page, '05-controls-paused');
    await page.getByRole('button', { name: /^Resume destructive tools/ }).click();
    await page.getByRole('dialog', { name: /Resume destructive tools on reference/ }).waitFor();
    await shot(page, '06-controls-resume-confirm');
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0', 'nothing changes before confirmation');
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByTestId('flag-state').filter({ hasText: 'allowed' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1');
  });

  it('revokes a trusted sender and shows a bad id inline', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Revoke 234567890123456789 from Discord' }).click();
    await page.getByRole('button', { name: 'Revoke 234567890123456789 from Discord' }).waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(envFlag(ref, 'DISCORD_TRUSTED_USER_IDS'), '');
    await page.getByRole('textbox', { name: 'Add a trusted Telegram sender' }).fill('12ab');
    await page.getByRole('button', { name: 'Add to Telegram' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /not a Telegram user id/ })
      .waitFor({ timeout: 10_000 });
    assert.equal(envFlag(ref, 'TELEGRAM_TRUSTED_USER_IDS'), '');
    await shot(page, '07-controls-trust');
  });

  it('trips the breaker on four restarts and re-arms it', async () => {
    const { page } = b;
    for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '1', ref.container], { stdio: 'ignore' });
    await page.locator('.badge', { hasText: 'tripped' }).first().waitFor({ timeout: 60_000 });
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '0');
    await shot(page, '08-controls-breaker-tripped');
    await page.getByRole('button', { name: /^Dashboard/ }).click();
    await page.getByText(/Breaker tripped/).waitFor();
    await shot(page, '09-dashboard-problems');
    await page.getByRole('button', { name: /^Review and re-arm/ }).click();
    await page.getByRole('button', { name: /^Re-arm breaker/ }).click();
    await page.getByRole('button', { name: 'Re-arm', exact: true }).click();
    await page.locator('.panel .badge', { hasText: 'armed' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '1');
    assert.equal((JSON.parse(readFileSync(join(ref.home, 'breaker.json'), 'utf8')) as { state: string }).state, 'armed');
  });

  it('shows a fabricated reply under warnings', async () => {
    const { page } = b;
    say({ turn: 't_fab', role: 'user', content: 'Can you deploy the new build?' });
    say({ turn: 't_fab', role: 'assistant', content: 'Sure thing. I deployed the new build to production and everything is green.' });
    say({ turn: 't_next', role: 'user', content: 'thanks' });
    await page.getByRole('button', { name: /^Warnings/ }).click();
    const card = page.getByRole('listitem', { name: /fabrication warning on reference/ });
    await card.first().waitFor({ timeout: 30_000 });
    assert.match((await card.first().textContent()) ?? '', /deployed/i);
    await shot(page, '10-warnings');
  });

  it('shows the vault, sandbox and settings views', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /^Vault/ }).click();
    await page.getByText('k-e2e').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Verify vault' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Every token opens/ })
      .waitFor({ timeout: 30_000 });
    await shot(page, '11-vault');
    await page.getByRole('button', { name: /^Sandbox/ }).click();
    await page.getByRole('heading', { name: 'Policy' }).waitFor();
    await page.getByRole('textbox', { name: 'Command to run in the sandbox' }).fill('echo sandbox-says-$((6*7)); echo to-stderr >&2');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByLabel('Sandbox output').filter({ hasText: 'sandbox-says-42' }).waitFor({ timeout: 60_000 });
    await page
      .getByRole('status')
      .filter({ hasText: /^exit 0/ })
      .waitFor({ timeout: 60_000 });
    await shot(page, '12-sandbox');
    await page.getByRole('button', { name: /^Data/ }).click();
    await page.getByRole('heading', { name: 'Backups' }).waitFor();
    const out = join(stateDir, 'export.json');
    await page.getByRole('textbox', { name: /^Export to file/ }).fill(out);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Exported/ })
      .waitFor({ timeout: 60_000 });
    assert.ok(readFileSync(out).length > 0);
    await shot(page, '13-data');
    await page.getByRole('button', { name: /^Settings/ }).click();
    await page.getByText(ref.hostFingerprint).waitFor();
    await shot(page, '13b-settings');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: /^Dashboard/ }).click();
    await shot(page, '14-dashboard-dark');
    await page.getByRole('button', { name: /^Audit feed/ }).click();
    await shot(page, '15-audit-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps 100,000 records usable', async () => {
    const { page } = b;
    await page.getByRole('button', { name: /^Audit feed/ }).click();
    let seq = lastSeq(ref);
    const target = seq + 100_000;
    for (let chunk = 0; chunk < 10; chunk++) {
      let text = '';
      for (let i = 0; i < 10_000; i++) text += activityLine(++seq, { tool: ['read_file', 'web_search', 'docker_ps', 'host_exec'][seq % 4], ok: seq % 17 !== 0 });
      appendActivity(ref, text);
    }
    await page.locator(`.feed-row[data-stream="activity"][data-seq="${target}"]`).waitFor({ timeout: 240_000 });
    const count = Number(((await page.getByTestId('feed-count').textContent()) ?? '').replace(/[^0-9]/g, ''));
    assert.ok(count >= 100_000, `feed holds ${count} records`);
    // Scroll to the middle, open one, filter, search: each must answer promptly enough to be awaited.
    await page.locator('.feed-body').evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await page.locator('.feed-row').first().waitFor();
    const mid = page.locator('.feed-row').nth(5);
    await mid.getByRole('button').click();
    await page.getByRole('dialog', { name: /Details: Record/ }).waitFor();
    await page.getByRole('button', { name: 'Close details' }).click();
    assert.ok((await page.locator('.feed-row').count()) < 200, 'rows are virtualized');
    await page.getByRole('combobox', { name: 'Tool' }).selectOption('docker_ps');
    await page.getByTestId('feed-count').filter({ hasText: / of / }).waitFor({ timeout: 20_000 });
    await page.getByRole('combobox', { name: 'Tool' }).selectOption('');
    await page.getByRole('searchbox', { name: 'Search the audit feed' }).fill(`file-${target - 3}.txt`);
    await page.getByTestId('feed-count').filter({ hasText: /^1 of/ }).waitFor({ timeout: 20_000 });
    await shot(page, '16-audit-100k-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await shot(page, '17-audit-100k');
    assert.deepEqual(b.pageErrors, []);
  });
});
