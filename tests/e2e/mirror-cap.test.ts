/**
 * Settings → Audit trail on this desktop (issue 16), in real Chromium through
 * the browser harness against the reference droplet: the console shows how
 * much of the droplet's trail this desktop keeps (read from the mirror the
 * session syncs at connect), warns before a lower cap drops old files,
 * explains 0, refuses a bad cap inline with the fix, and the saved cap is
 * the one in the profiles file on disk. axe finds nothing serious in it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { activityLine } from './droplet-data.js';
import { axeSerious } from './layout-checks.js';

/** About 1.2 MiB of log: enough that a 1 MB cap is below what is kept. */
const N = 5000;

describe('console: the audit copy cap in Settings', { timeout: 180_000 }, () => {
  let ref: ReferenceDroplet;
  let h: Harness;
  let b: Browser;
  let stateDir: string;
  const onDisk = () => (JSON.parse(readFileSync(join(stateDir, 'profiles.json'), 'utf8')) as { profiles: Record<string, { mirrorCapMB?: number }> }).profiles.reference!;

  before(async () => {
    ref = await startReferenceDroplet({ activity: Array.from({ length: N }, (_, i) => activityLine(i + 1)).join('') });
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-cap-'));
    h = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [ref.profile()] });
    b = await openBrowser(h.url);
  });
  after(async () => {
    await b?.close();
    await h?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('shows what is kept, changes the cap, and the profile on disk has it', async () => {
    const { page } = b;
    await page.getByText(/^Connected/).waitFor({ timeout: 30_000 });
    const settings = () =>
      page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: /^Settings/ })
        .click();
    const kept = page.getByTestId('mirror-kept-reference');
    const input = page.getByRole('textbox', { name: 'Cap in MB for reference' });
    const save = page.getByRole('button', { name: 'Save the cap for reference' });
    const form = page.getByRole('form', { name: 'Audit trail kept for reference' });
    // The mirror is synced once the feed has caught up; Settings reads its size when it opens, so reopen until it is all there.
    const whole = /^Audit trail kept on this desktop: 1\.\d MB of 2,048 MB \(the default\), seq 1–5,000\.$/;
    const deadline = Date.now() + 60_000;
    for (;;) {
      await settings();
      if (whole.test((await kept.textContent({ timeout: 10_000 })) ?? '') || Date.now() > deadline) break;
      await page
        .getByRole('navigation', { name: 'Views' })
        .getByRole('button', { name: /^Dashboard/ })
        .click();
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.match((await kept.textContent()) ?? '', whole);
    assert.equal(await input.inputValue(), '2048');

    await input.fill('1');
    await form.getByText(/^The copy is 1\.\d MB now, over 1 MB: the oldest whole files will be dropped at the next sync/).waitFor();
    await input.fill('0');
    await form.getByText(/^Keep no copy: search reads the droplet, slower; the feed loads history from the droplet\./).waitFor();
    await shot(page, 'mirror-cap-01-zero');
    await input.press('Enter');
    await form
      .getByRole('status')
      .filter({ hasText: /takes effect at the next connect/ })
      .waitFor({ timeout: 10_000 });
    assert.equal(onDisk().mirrorCapMB, 0);
    await kept.filter({ hasText: 'No copy is kept on this desktop (cap 0).' }).waitFor();

    await input.fill('12.5');
    await save.click();
    await form
      .getByRole('alert')
      .filter({ hasText: /whole number of MB, for example 2048/ })
      .waitFor();
    await input.fill('2000000');
    await save.click();
    await form
      .getByRole('alert')
      .filter({ hasText: /the cap is at most 1048576 MB/ })
      .waitFor({ timeout: 10_000 });
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.equal(onDisk().mirrorCapMB, 0, 'a refused cap left the profile as it was');
    await shot(page, 'mirror-cap-02-refused');
    // With the warning, the note and an error all on screen.
    assert.deepEqual(await axeSerious(page), []);

    await input.fill('4096');
    await save.click();
    await form.getByRole('status').waitFor({ timeout: 10_000 });
    assert.equal(onDisk().mirrorCapMB, 4096);
    await page.getByRole('button', { name: 'Use the default cap for reference' }).click();
    await kept.filter({ hasText: /of 2,048 MB \(the default\)/ }).waitFor({ timeout: 10_000 });
    assert.equal(await input.inputValue(), '2048');
    assert.equal('mirrorCapMB' in onDisk(), false, 'the default is the field left out');
    assert.deepEqual(b.pageErrors, []);
  });
});
