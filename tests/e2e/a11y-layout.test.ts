/**
 * Issue 17, "axe-core finds nothing serious" and "the console at any size",
 * in real Chromium through the browser harness against the reference droplet.
 *
 * axe runs over every view (the feed also with a record open, the incident,
 * a snapshot's diff and the rollback dialog) in light and dark, and fails on
 * any serious or critical violation, printing each one's id, impact and
 * target. Then the layout at 1360x860, 900x600 and 200% zoom of a 1360x860
 * laptop (its CSS layout: a 680x430 window): the header's Pause stays
 * whole, inside the window and uncovered (also by the toast its click
 * raises), a toast never covers a dialog, the feed's text cells keep a
 * readable width, and the record drawer starts below the filters.
 * Screenshots go to test-artifacts/e2e/ (a11y-*, layout-*).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from '../harness/harness-server.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { activityLine, appendActivity, lastSeq, writeVault } from './droplet-data.js';
import { axeSerious, box, cornersOf, coversAt, overlaps, uncoveredAt, weakFieldEdges } from './layout-checks.js';

const SIZES = [
  { name: '1360x860', width: 1360, height: 860 },
  { name: '900x600', width: 900, height: 600 },
  // 200% zoom of a 1360x860 laptop screen: the CSS layout of a 680x430 window.
  { name: 'zoom200', width: 680, height: 430 },
];
/** The narrowest a feed cell holding text may get (a tool name or a summary), and any other shown cell. */
const MIN_TEXT_CELL = 80;
const MIN_CELL = 40;

describe('console: axe on every view in both schemes, and the layout at three sizes', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let harness: Harness;
  let b: Browser;
  let page: Page;
  let stateDir: string;
  let snapshot: string;
  const go = async (view: RegExp) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
  const headerPause = () => page.getByRole('banner').getByRole('button', { name: /^Pause/ });

  before(async () => {
    ref = await startReferenceDroplet({ agent: true });
    const say = writeVault(ref);
    // A self-modification (snapshot folder by the contract and its audit record) before the restarts below: the incident suggests it, the diff shows it.
    snapshot = ref.agentSelfModify('tidy-replies', 'lib/replies.txt', 'hello\nhow may I help you today?\n', 't_mod', 'shorter greetings');
    let seq = lastSeq(ref);
    let lines = '';
    for (let i = 0; i < 30; i++)
      lines += activityLine(++seq, {
        tool: ['read_file', 'web_search', 'docker_cmd', 'host_exec'][i % 4],
        ok: i % 7 !== 3,
        blocked: i % 9 === 4 ? 'flag' : null,
        args: { path: `/srv/app/some/longer/path/file-${seq}.txt`, note: 'a summary long enough to need clipping in every layout' },
      });
    appendActivity(ref, lines);
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-a11y-'));
    harness = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [ref.profile()] });
    b = await openBrowser(harness.url);
    page = b.page;
    await page
      .getByRole('article', { name: 'Droplet reference' })
      .getByText(/^Connected/)
      .waitFor({ timeout: 30_000 });
    await page.getByTestId('flag-state').filter({ hasText: 'destructive tools allowed' }).waitFor({ timeout: 30_000 });
    // Four restarts trip the breaker: Controls and the dashboard show the tripped state, and the incident has something to show.
    // Restarts made while the session's breaker watcher is still starting may fall between its history read and its
    // event stream; another round of four is then counted live (more restarts than four change nothing shown here).
    const tripped = page.getByRole('article', { name: 'Droplet reference' }).getByText(/^Breaker tripped/);
    for (let round = 1; ; round++) {
      for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '1', ref.container], { stdio: 'ignore' });
      const ok = await tripped.waitFor({ timeout: 30_000 }).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (round === 3) {
        await shot(page, 'a11y-breaker-not-tripped');
        throw new Error(`Twelve restarts did not trip the breaker; the card says: ${await page.getByRole('article', { name: 'Droplet reference' }).textContent()}`);
      }
    }
    // The fabrication scanner reads the archive on from where it ended at connect: an unbacked "I deployed" for Warnings.
    say({ turn: 't_fab', role: 'user', content: 'Can you deploy the new build?' });
    say({ turn: 't_fab', role: 'assistant', content: 'Sure thing. I deployed the new build to production and everything is green.' });
    say({ turn: 't_next', role: 'user', content: 'thanks' });
  });

  after(async () => {
    await b?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  /** Each view (and dialog) axe looks at: how to get there, and what says it has loaded. */
  const views: Array<{ id: string; open(): Promise<void>; leave?(): Promise<void> }> = [
    {
      id: 'dashboard',
      open: async () => (
        await go(/^Dashboard/),
        await page
          .getByRole('article', { name: 'Droplet reference' })
          .getByText(/^Breaker tripped/)
          .waitFor()
      ),
    },
    { id: 'feed', open: async () => (await go(/^Audit feed/), await page.locator('.feed-row').first().waitFor({ timeout: 30_000 })) },
    {
      id: 'feed-record',
      open: async () => (await page.locator('.feed-row').last().getByRole('button').click(), await page.getByRole('dialog', { name: /^Details/ }).waitFor()),
      leave: async () => page.getByRole('button', { name: 'Close details' }).click(),
    },
    {
      id: 'warnings',
      open: async () => (
        await go(/^Warnings/),
        await page
          .getByRole('listitem', { name: /fabrication warning on reference/ })
          .first()
          .waitFor({ timeout: 30_000 })
      ),
    },
    { id: 'controls', open: async () => (await go(/^Controls/), await page.getByRole('heading', { name: 'Trusted senders' }).waitFor({ timeout: 30_000 })) },
    { id: 'vault', open: async () => (await go(/^Vault/), await page.getByText('k-e2e').waitFor({ timeout: 30_000 })) },
    {
      id: 'sandbox',
      open: async () => (await go(/^Sandbox/), await page.getByRole('button', { name: 'Check again' }).waitFor(), await page.getByText('Checking…').waitFor({ state: 'detached', timeout: 30_000 })),
    },
    { id: 'data', open: async () => (await go(/^Data/), await page.getByRole('button', { name: `Diff of snapshot ${snapshot} against the code now` }).waitFor({ timeout: 30_000 })) },
    { id: 'settings', open: async () => (await go(/^Settings/), await page.getByText(ref.hostFingerprint).waitFor()) },
    {
      id: 'incident',
      open: async () => {
        await go(/^Controls/);
        await page.getByRole('button', { name: 'Why did it trip? Open the incident' }).click();
        await page.getByTestId('incident-suggestion').waitFor({ timeout: 60_000 });
      },
    },
    { id: 'diff', open: async () => (await page.getByRole('button', { name: 'See what that change did' }).click(), await page.getByLabel('Changes to lib/replies.txt').waitFor({ timeout: 30_000 })) },
    {
      id: 'rollback-dialog',
      open: async () => {
        await page.getByRole('button', { name: 'Back' }).click();
        await page.getByRole('button', { name: `Roll back to ${snapshot}…` }).click();
        await page.getByRole('dialog', { name: `Roll reference back to ${snapshot}?` }).waitFor();
      },
      leave: async () => page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click(),
    },
  ];

  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no serious or critical axe violation on any view (${scheme})`, async () => {
      await page.emulateMedia({ colorScheme: scheme });
      // Dark looks at every view paused (the header's Pause, Controls' Resume), light at them allowed.
      if (scheme === 'dark') {
        await headerPause().click();
        await page
          .getByTestId('flag-state')
          .filter({ hasText: /^paused$/ })
          .waitFor({ timeout: 20_000 });
      }
      const found: string[] = [];
      for (const v of views) {
        // A view that does not open is a finding too; the others are still looked at.
        const opened = await v.open().then(
          () => null,
          (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err)),
        );
        if (opened !== null) {
          found.push(`${scheme} ${v.id}: did not open: ${opened}`);
          continue;
        }
        // Let pushed reads and the ticking ages settle into the DOM axe reads.
        await page.waitForTimeout(300);
        for (const f of await axeSerious(page)) found.push(`${scheme} ${v.id}: ${f}`);
        for (const w of await weakFieldEdges(page)) found.push(`${scheme} ${v.id}: non-text-contrast (serious) ${w}, needs 3:1`);
        await shot(page, `a11y-${scheme}-${v.id}`);
        await v.leave?.();
      }
      for (const f of found) console.log(f);
      assert.deepEqual(found, [], `${found.length} serious or critical violation(s); each is printed above`);
    });
  }

  for (const size of SIZES) {
    it(`keeps Pause whole and uncovered, toasts off dialogs, feed cells readable and the drawer below the filters at ${size.name}`, async () => {
      await page.emulateMedia({ colorScheme: 'light' });
      // At zoom200 this is the zoomed laptop's CSS layout (at device scale 1: the harness's browser keeps one scale for its life).
      await page.setViewportSize({ width: size.width, height: size.height });
      // Every check is noted and reported together, so one run shows all that is wrong at this size.
      const problems: string[] = [];
      const check = (ok: unknown, what: string) => void (ok || problems.push(what));
      try {
        const vw = size.width;
        const vh = size.height;
        await go(/^Dashboard/);
        await page.getByRole('article', { name: 'Droplet reference' }).waitFor();
        await shot(page, `layout-${size.name}-dashboard`);
        if (vw < 1000) check((await box(page.getByRole('main'))).width >= vw * 0.9, 'the sidebar gives its width to the view');

        // Pause: whole (its text not clipped), inside the window, nothing on top of it, also once its toast is up.
        await go(/^Controls/);
        await page.getByRole('heading', { name: 'Trusted senders' }).waitFor({ timeout: 30_000 });
        const pause = headerPause();
        const checkPause = async (when: string) => {
          const p = await box(pause);
          check(p.x >= 0 && p.y >= 0 && p.x + p.width <= vw && p.y + p.height <= vh, `${when}: Pause ${JSON.stringify(p)} lies inside the ${vw}x${vh} window`);
          const clipped = await pause.evaluate((el) => (el as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (el as unknown as { clientWidth: number }).clientWidth);
          check(!clipped, `${when}: Pause's text is whole`);
          const covers = await coversAt(pause, cornersOf(p));
          check(covers.length === 0, `${when}: nothing covers Pause ${JSON.stringify(p)} (on top: ${covers.join('; ')})`);
          return p;
        };
        await checkPause('before');
        await pause.click();
        const toast = page.locator('.toast');
        await toast.waitFor({ timeout: 20_000 });
        // The toast can come a render before Pause drops its wider "Pausing…" label: measure the button at rest,
        // or its box is the busy one and its left corners are the header's (seen in a clean-clone run).
        await page.locator('header.top [aria-busy="true"]').waitFor({ state: 'detached', timeout: 20_000 });
        const p = await checkPause('with a toast up');
        check(!overlaps(await box(toast), p), 'the toast does not overlap Pause');
        await shot(page, `layout-${size.name}-controls-toast`);

        // A toast beside an open dialog: the dialog is on top everywhere (a Pause pressed again raises a fresh toast).
        await page
          .getByTestId('flag-state')
          .filter({ hasText: /^paused$/ })
          .waitFor({ timeout: 20_000 });
        await pause.click();
        await toast.waitFor({ timeout: 20_000 });
        await page
          .getByRole('main')
          .getByRole('button', { name: /^Resume destructive tools/ })
          .click();
        const dialog = page.getByRole('dialog', { name: /Resume destructive tools on reference/ });
        await dialog.waitFor();
        check(await toast.isVisible(), 'the toast is still up beside the dialog');
        const d = await box(dialog);
        check(d.y >= 0 && d.y + d.height <= vh && d.x >= 0 && d.x + d.width <= vw, `the dialog ${JSON.stringify(d)} fits the window`);
        check((await uncoveredAt(dialog, cornersOf(d))).every(Boolean), 'nothing covers the dialog');
        await shot(page, `layout-${size.name}-dialog-toast`);
        await dialog.getByRole('button', { name: 'Cancel' }).click();

        // The feed: every shown cell keeps a readable width; hidden columns are hidden, not crushed.
        await go(/^Audit feed/);
        // Seen once on a machine at load 12-19 (CI here with four other test runs beside it): no row within 30 s. What
        // the view showed instead is kept, so the next time says why.
        await page
          .locator('.feed-row')
          .first()
          .waitFor({ timeout: 30_000 })
          .catch(async (err: unknown) => {
            await shot(page, `layout-${size.name}-feed-missing`);
            console.log(`${size.name}: the feed view showed: ${(await page.getByRole('main').textContent())?.slice(0, 600)}`);
            throw err;
          });
        const cells = await page
          .locator('.feed-row .row-button')
          .first()
          .evaluate((row) =>
            Array.from((row as unknown as { children: ArrayLike<{ className: string; getBoundingClientRect(): { width: number } }> }).children).map((c, i) => ({
              i,
              cls: c.className,
              width: c.getBoundingClientRect().width,
            })),
          );
        const shown = cells.filter((c) => c.width > 0);
        for (const c of shown) check(c.width >= MIN_CELL, `feed cell ${c.i} (${c.cls || 'text'}) is ${c.width.toFixed(0)} px wide: ${JSON.stringify(cells)}`);
        for (const cls of ['tool', 'summary']) {
          const c = cells.find((x) => x.cls.split(' ').includes(cls));
          check(c && c.width >= MIN_TEXT_CELL, `the ${cls} cell is ${c?.width.toFixed(0)} px wide (at least ${MIN_TEXT_CELL}): ${JSON.stringify(cells)}`);
        }
        await shot(page, `layout-${size.name}-feed`);

        // The drawer starts below the toolbar, so every filter stays in sight and reachable.
        await page.locator('.feed-row').first().getByRole('button').click();
        const drawer = page.getByRole('dialog', { name: /^Details/ });
        await drawer.waitFor();
        const toolbar = await box(page.getByRole('search'));
        const dr = await box(drawer);
        check(dr.y >= toolbar.y + toolbar.height - 0.5, `the drawer's top ${dr.y} is below the toolbar's bottom ${toolbar.y + toolbar.height}`);
        for (const f of [page.getByRole('searchbox', { name: 'Search the audit feed' }), page.getByRole('combobox', { name: 'Outcome' }), page.getByRole('combobox', { name: 'Time range' })]) {
          const fb = await box(f);
          check(fb.x >= 0 && fb.x + fb.width <= vw, `filter ${JSON.stringify(fb)} is inside the window`);
          check((await uncoveredAt(f, [[fb.x + fb.width / 2, fb.y + fb.height / 2]]))[0] === true, `the drawer does not cover filter ${JSON.stringify(fb)}`);
        }
        await shot(page, `layout-${size.name}-feed-drawer`);
        await page.getByRole('button', { name: 'Close details' }).click();
        assert.deepEqual(b.pageErrors, []);
      } finally {
        for (const p of problems) console.log(`${size.name}: ${p}`);
        await page.setViewportSize({ width: 1360, height: 860 });
      }
      assert.deepEqual(problems, [], `at ${size.name}`);
    });
  }
});
