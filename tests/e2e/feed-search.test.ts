/**
 * The feed's search and filters over the WHOLE trail (issue 16), in real
 * Chromium through the browser harness against the reference droplet. The
 * session mirrors the droplet's log at connect; then the droplet's log is
 * wiped. The reloaded feed, a window over this desktop's mirror, still runs
 * through the old records into the new ones, and the core's search over the
 * mirror finds what the droplet lost: a unique word in an old record (opened,
 * then shown in its place in the feed), and failed calls older than every
 * row the feed holds, paged with "Load older matches". Before the search, the
 * box filtered only the loaded rows and found neither; before the window, the
 * reloaded feed held only what the droplet still had. With the droplet
 * gone (its sshd killed), a reloaded console still shows and searches it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { MirrorReader } from '../../src-main/core/audit/mirror/mirror-reader.js';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { activityLine, appendActivity } from './droplet-data.js';
import { until } from './follower.js';

const N = 3000;
const OLD = 42;
const WORD = 'quetzalcoatl';
/** Every tenth record failed: 300 in all, more than one page (200) of matches. */
const failed = (seq: number) => seq % 10 === 0;
const line = (seq: number) => activityLine(seq, { ok: !failed(seq), ...(seq === OLD ? { args: { path: `/srv/${WORD}/notes.txt` } } : {}) });

const row = (page: Page, seq: number) => page.locator(`.feed-row[data-kind="record"][data-stream="activity"][data-seq="${seq}"]`);
const count = (page: Page) => page.getByTestId('feed-count');
const shownSeqs = (page: Page) =>
  page.locator('.feed-row[data-kind="record"][data-stream="activity"]').evaluateAll((els) => els.map((el) => Number((el as { dataset: Record<string, string> }).dataset.seq)));

describe('console: search and filters over the whole trail, from the mirror', { timeout: 300_000 }, () => {
  let ref: ReferenceDroplet;
  let h: Harness;
  let b: Browser;
  let stateDir: string;

  before(async () => {
    ref = await startReferenceDroplet({ activity: Array.from({ length: N }, (_, i) => line(i + 1)).join('') });
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-search-'));
    h = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [ref.profile()] });
    b = await openBrowser(h.url);
  });
  after(async () => {
    await b?.close();
    await h?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  const mirrorEnd = (): number | null => {
    const st = h.session.stateOf('reference');
    if (st?.link.state !== 'connected') return null;
    const reader = MirrorReader.open(stateDir, h.session.droplet('reference').identity, 'activity');
    if (!reader) return null;
    try {
      return reader.info().endSeq;
    } finally {
      reader.close();
    }
  };

  it("finds an old record the droplet's log no longer holds, and opens it", async () => {
    const { page } = b;
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /^Audit feed/ })
      .click();
    await row(page, N).waitFor({ timeout: 60_000 });
    await until('the session to mirror every record', () => mirrorEnd() === N, 60_000);
    // The droplet's log wiped and written on: its history now starts at N + 1.
    writeFileSync(join(ref.home, 'activity.jsonl'), '');
    appendActivity(ref, line(N + 1) + line(N + 2));
    await until('the session to mirror the new records', () => mirrorEnd() === N + 2, 60_000);
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /^Audit feed/ })
      .click();
    await row(page, N + 2).waitFor({ timeout: 60_000 });
    // The feed is a window over the mirror: the records the droplet's log lost are still in it, just above the new ones.
    await page.locator('.feed-body[data-window="mirror"]').waitFor();
    await row(page, N).waitFor({ timeout: 20_000 });
    const bottom = (await shownSeqs(page)).sort((x, y) => x - y).slice(-3);
    assert.deepEqual(bottom, [N, N + 1, N + 2], 'the reloaded feed runs on from the mirror into what the droplet still has');
    await shot(page, 'feed-search-01-after-wipe');

    await page.getByRole('searchbox', { name: 'Search the audit feed' }).fill(WORD);
    await row(page, OLD).waitFor({ timeout: 20_000 });
    await count(page)
      .filter({ hasText: /^1 of 3,002 records$/ })
      .waitFor({ timeout: 10_000 });
    await page
      .getByTestId('trail-note')
      .filter({ hasText: /^Searched the whole trail on this desktop: seq 1–3,002 / })
      .waitFor({ timeout: 10_000 });
    assert.deepEqual(await shownSeqs(page), [OLD]);
    await shot(page, 'feed-search-02-found-in-mirror');
    await row(page, OLD).getByRole('button').click();
    const drawer = page.getByRole('dialog', { name: new RegExp(`^Details: Record ${OLD} `) });
    await drawer.waitFor();
    assert.match((await drawer.textContent()) ?? '', new RegExp(WORD));
    await shot(page, 'feed-search-03-drawer');
    // From the hit to its place in the feed: the search is left and the feed opens at the record, read from the mirror.
    await drawer.getByRole('button', { name: 'Show in feed' }).click();
    await drawer.waitFor({ state: 'detached' });
    await count(page)
      .filter({ hasText: /^3,002 records$/ })
      .waitFor({ timeout: 10_000 });
    await row(page, OLD).waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('searchbox', { name: 'Search the audit feed' }).inputValue(), '', 'the search is cleared');
    await page.locator(`.feed-row[data-seq="${OLD}"] .row-button:focus`).waitFor({ timeout: 5000 });
    await shot(page, 'feed-search-04-shown-in-feed');

    await page.getByRole('button', { name: 'Newest' }).click();
    await row(page, N + 2).waitFor();
    assert.equal(await row(page, OLD).count(), 0, 'back to the newest, far from the old record');
  });

  it('a filter alone (Outcome: failed) shows failed calls older than every loaded row, newest first, page by page', async () => {
    const { page } = b;
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('failed');
    await count(page)
      .filter({ hasText: /^200\+ of 3,002 records$/ })
      .waitFor({ timeout: 20_000 });
    const first = await shownSeqs(page);
    assert.deepEqual(first.slice(0, 5), [3000, 2990, 2980, 2970, 2960], 'newest first, from the top');
    await shot(page, 'feed-search-04-failed-filter');
    await page.getByRole('button', { name: 'Load older matches' }).click();
    await count(page)
      .filter({ hasText: /^300 of 3,002 records$/ })
      .waitFor({ timeout: 20_000 });
    assert.equal(await page.getByRole('button', { name: 'Load older matches' }).count(), 0, 'every match is shown');
    // The oldest failed call, at the end of the list.
    await page.locator('.feed-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await row(page, 10).waitFor({ timeout: 10_000 });
    await shot(page, 'feed-search-05-oldest-match');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await count(page).filter({ hasNotText: / of / }).waitFor({ timeout: 10_000 });
    assert.deepEqual(b.pageErrors, []);
  });

  it('with the droplet gone (its sshd killed), a reloaded console still shows and searches the whole trail from this desktop', async () => {
    const { page } = b;
    await ref.killSshd();
    await until('the link to go down', () => h.session.stateOf('reference')?.link.state !== 'connected', 30_000);
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /^Audit feed/ })
      .click();
    await page.locator('.feed-body[data-window="mirror"]').waitFor({ timeout: 20_000 });
    await count(page)
      .filter({ hasText: /^3,002 records$/ })
      .waitFor({ timeout: 10_000 });
    await row(page, N + 2).waitFor({ timeout: 20_000 });
    await page.getByLabel('Go to seq or time').fill(String(OLD));
    await page.getByLabel('Go to seq or time').press('Enter');
    await row(page, OLD).waitFor({ timeout: 10_000 });
    await page.getByRole('searchbox', { name: 'Search the audit feed' }).fill(WORD);
    await count(page)
      .filter({ hasText: /^1 of 3,002 records$/ })
      .waitFor({ timeout: 20_000 });
    assert.deepEqual(await shownSeqs(page), [OLD]);
    await shot(page, 'feed-search-06-droplet-gone');
    assert.notEqual(h.session.stateOf('reference')?.link.state, 'connected', 'all of it read with the droplet unreachable');
    assert.deepEqual(b.pageErrors, []);
  });
});
