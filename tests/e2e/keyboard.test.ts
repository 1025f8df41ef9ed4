/**
 * The console by keyboard alone (issue 17, "The console, by keyboard and
 * screen reader"), in real Chromium through the browser harness against the
 * reference droplet: Pause; Resume behind its confirmation; Revoke a trusted
 * id; Add one; Re-arm a tripped breaker; the feed as one Tab stop with arrow
 * keys; open and close a record; search with the drawer open. Every step is a
 * key press (page.keyboard) and is followed by a check of where focus is:
 * never <body>, and the element it should be. Dialogs trap Tab, leave the page
 * behind inert and swallow the single-key shortcuts, which Settings can turn
 * off. Screenshots go to test-artifacts/e2e/keyboard-*.png.
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
import { activityLine, appendActivity, lastSeq } from './droplet-data.js';

const envFlag = (ref: ReferenceDroplet, key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(ref.readEnv())?.[1];

/** What has focus, as seen in the page. */
interface Focus {
  body: boolean;
  tag: string;
  /** aria-label, else its label's text, else its own text (first 80 characters). */
  name: string;
  inModal: boolean;
  inDrawer: boolean;
  rowButton: boolean;
  seq: string | null;
  /** The row's place in the list as shown (0 = top). */
  index: number | null;
  id: string;
  value: string | null;
  /** The focus ring: outline style, width and offset in px. */
  outline: { style: string; width: number; offset: number };
  /** The element's box lies within the feed's scroller (a ring drawn inside it is then not clipped). */
  insideScroller: boolean | null;
}

// Runs in the page (the test's tsconfig has no DOM types, so it is source text).
const PROBE = `(() => {
  const a = document.activeElement;
  const body = !a || a === document.body || a === document.documentElement;
  const cs = a ? getComputedStyle(a) : null;
  const sc = a && a.closest('.feed-body');
  let insideScroller = null;
  if (sc) {
    const r = a.getBoundingClientRect(), s = sc.getBoundingClientRect();
    insideScroller = r.top >= s.top - 0.5 && r.bottom <= s.bottom + 0.5 && r.left >= s.left - 0.5 && r.right <= s.right + 0.5;
  }
  return {
    body,
    tag: a ? a.tagName : 'none',
    name: a ? (a.getAttribute('aria-label') || (a.labels && a.labels[0] ? a.labels[0].textContent : a.textContent) || '').trim().slice(0, 80) : '',
    inModal: !!(a && a.closest('dialog:modal')),
    inDrawer: !!(a && a.closest('.drawer')),
    rowButton: !!(a && a.classList.contains('row-button')),
    seq: a && a.closest('.feed-row') ? a.closest('.feed-row').getAttribute('data-seq') : null,
    index: a && a.closest('.feed-row') ? Number(a.closest('.feed-row').getAttribute('data-index')) : null,
    id: a ? a.id : '',
    value: a && 'value' in a && typeof a.value === 'string' ? a.value : null,
    outline: cs ? { style: cs.outlineStyle, width: parseFloat(cs.outlineWidth) || 0, offset: parseFloat(cs.outlineOffset) || 0 } : { style: 'none', width: 0, offset: 0 },
    insideScroller,
  };
})()`;

describe('console by keyboard', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let harness: Harness;
  let b: Browser;
  let page: Page;
  let stateDir: string;
  const key = (k: string) => page.keyboard.press(k);
  const focused = async (): Promise<Focus> => (await page.evaluate(PROBE)) as Focus;

  /** Where focus is now: never <body>, and matching `want`. */
  async function focusIs(want: Partial<Pick<Focus, 'tag' | 'inModal' | 'inDrawer' | 'rowButton' | 'id'>> & { name?: RegExp }, step: string): Promise<Focus> {
    const f = await focused();
    assert.equal(f.body, false, `after ${step}, focus is on <body>`);
    const { name, ...rest } = want;
    if (name) assert.match(f.name, name, `after ${step}, focus is on "${f.name}" (${f.tag})`);
    for (const [k, v] of Object.entries(rest)) assert.equal(f[k as keyof Focus], v, `after ${step}, focus ${k} is ${String(f[k as keyof Focus])} on "${f.name}" (${f.tag})`);
    return f;
  }
  /** Wait until focus matches (for steps whose outcome arrives from the droplet), then check it. */
  async function focusSettles(want: Parameters<typeof focusIs>[0], step: string, ms = 10_000): Promise<Focus> {
    const end = Date.now() + ms;
    for (;;) {
      const f = await focused();
      const ok = !f.body && (!want.name || want.name.test(f.name)) && (want.tag === undefined || want.tag === f.tag) && (want.inModal === undefined || want.inModal === f.inModal);
      if (ok || Date.now() > end) return focusIs(want, step);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** Press Tab (or Shift+Tab) until the focused element's name matches; focus must never fall to <body> on the way. */
  async function tabTo(name: RegExp, back = false, max = 60): Promise<void> {
    for (let i = 0; i < max; i++) {
      await key(back ? 'Shift+Tab' : 'Tab');
      const f = await focused();
      assert.equal(f.body, false, `tabbing towards ${name}, focus fell to <body>`);
      if (name.test(f.name)) return;
    }
    assert.fail(`${max} presses of ${back ? 'Shift+Tab' : 'Tab'} never reached ${name}`);
  }
  /** Count clicks on the header's Pause button (Shift+P clicks it), from now on. */
  const countPauseClicks = () =>
    page.evaluate(`(() => {
      window.__pauseClicks = 0;
      const p = document.querySelector('header.top button.pause');
      if (p && !p.__counted) { p.__counted = true; p.addEventListener('click', () => { window.__pauseClicks += 1; }); }
    })()`);
  const pauseClicks = async () => (await page.evaluate('window.__pauseClicks')) as number;
  /** Append a record on the droplet and wait until the feed has counted it (wherever the list is scrolled). */
  async function liveRecord(label: string): Promise<void> {
    const count = async () => Number(((await page.getByTestId('feed-count').textContent()) ?? '').replace(/ of .*/, '').replace(/[^0-9]/g, ''));
    const before = await count();
    const seq = lastSeq(ref) + 1;
    appendActivity(ref, activityLine(seq, { args: { path: `/srv/app/${label}-${seq}.txt` } }));
    const end = Date.now() + 20_000;
    while ((await count()) <= before) {
      assert.ok(Date.now() < end, `record ${seq} never reached the feed`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  /**
   * From anywhere in the feed: an empty search, Tab into the list, Enter on a
   * row (the drawer opens and takes focus), then / back to the search.
   */
  async function openRecordThenSearch(): Promise<void> {
    await key('Escape');
    await key('/');
    await focusSettles({ id: 'feed-search' }, 'pressing /');
    await key('Control+A');
    await key('Backspace');
    await page.getByTestId('feed-count').filter({ hasNotText: / of / }).waitFor({ timeout: 10_000 });
    for (let i = 0; i < 20 && !(await focused()).rowButton; i++) await key('Tab');
    await focusIs({ rowButton: true }, 'Tab from the search into the list');
    await key('Enter');
    await page.getByRole('dialog', { name: /^Details:/ }).waitFor();
    await focusIs({ inDrawer: true, name: /^Close details$/ }, 'Enter on a row (open the record)');
    await key('/');
    await focusSettles({ id: 'feed-search' }, 'pressing / with the drawer open');
  }
  const heading = () => page.locator('main h1').first().textContent();
  const modalOpen = async () => (await page.evaluate(`document.querySelector('dialog:modal, [role="dialog"][aria-modal="true"]') !== null`)) as boolean;

  before(async () => {
    ref = await startReferenceDroplet({ agent: true });
    let seq = 0;
    let text = '';
    for (let i = 0; i < 80; i++) text += activityLine(++seq, { tool: ['read_file', 'web_search'][seq % 2] });
    appendActivity(ref, text);
    stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-keyboard-'));
    harness = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [ref.profile()] });
    b = await openBrowser(harness.url);
    page = b.page;
    await page.getByText(/^Connected/).waitFor({ timeout: 30_000 });
    await page.getByTestId('flag-state').filter({ hasText: 'destructive tools allowed' }).waitFor({ timeout: 30_000 });
  });

  after(async () => {
    await b?.close();
    await harness?.close();
    await ref?.teardown();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('pauses, and resumes only through a confirmation that traps Tab, makes the page inert and swallows the shortcuts', async () => {
    await key('4');
    await focusIs({ tag: 'H1', name: /^Controls · reference/ }, 'pressing 4 (view switch)');
    await tabTo(/^Pause destructive tools on reference/);
    await key('Enter');
    await page.getByTestId('flag-state').filter({ hasText: 'paused' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');
    await focusIs({ tag: 'BUTTON', name: /^Pause destructive tools on reference/ }, 'Pause');

    await tabTo(/^Resume destructive tools/);
    await key('Enter');
    await page.getByRole('dialog', { name: 'Resume destructive tools on reference?' }).waitFor();
    await focusIs({ inModal: true, name: /^Cancel$/ }, 'opening the Resume confirmation');
    // Tab stays inside: Cancel → Resume → (wraps) Cancel; Shift+Tab wraps back.
    await key('Tab');
    await focusIs({ inModal: true, name: /^Resume$/ }, 'Tab in the dialog');
    await key('Tab');
    await focusIs({ inModal: true, name: /^Cancel$/ }, 'Tab from the last control (wraps to the first)');
    await key('Shift+Tab');
    await focusIs({ inModal: true, name: /^Resume$/ }, 'Shift+Tab from the first control (wraps to the last)');
    // The page behind is inert: a control there cannot even be focused from script.
    await page.evaluate(`document.querySelector('nav.side button').focus()`);
    await focusIs({ inModal: true }, 'focusing a navigation button behind the dialog');
    await shot(page, 'keyboard-01-resume-dialog');
    // The single-key shortcuts do nothing while it is open.
    await countPauseClicks();
    await key('2');
    await key('Shift+P');
    await key('/');
    assert.equal(await pauseClicks(), 0, 'Shift+P clicked Pause behind the dialog');
    assert.match((await heading()) ?? '', /^Controls · reference/, 'a digit switched the view behind the dialog');
    assert.ok(await modalOpen(), 'the dialog is still open');
    await focusIs({ inModal: true }, 'pressing 2, Shift+P and / in the dialog');
    // Escape is Cancel: nothing changes, focus goes back to the button that opened it.
    await key('Escape');
    assert.equal(await modalOpen(), false);
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0', 'Escape changed nothing');
    await focusIs({ tag: 'BUTTON', name: /^Resume destructive tools/ }, 'Escape (Cancel)');

    await key('Enter');
    await focusIs({ inModal: true, name: /^Cancel$/ }, 'opening the Resume confirmation again');
    await key('Tab');
    await key('Enter');
    await page.getByTestId('flag-state').filter({ hasText: 'allowed' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '1');
    // Resume is disabled once resumed: focus goes to the view's heading, not to <body>.
    await focusSettles({ tag: 'H1', name: /^Controls · reference/ }, 'Resume (its button now disabled)');
  });

  it('revokes a trusted id and adds one', async () => {
    await tabTo(/^Revoke 234567890123456789 from Discord$/);
    await key('Enter');
    await page.getByRole('button', { name: 'Revoke 234567890123456789 from Discord' }).waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(envFlag(ref, 'DISCORD_TRUSTED_USER_IDS'), '');
    await focusSettles({ tag: 'H1', name: /^Controls · reference/ }, 'Revoke (its button gone)');

    await tabTo(/^Add a trusted Telegram sender$/);
    await page.keyboard.type('987654321');
    await key('Enter');
    await page.getByRole('button', { name: 'Revoke 987654321 from Telegram' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'TELEGRAM_TRUSTED_USER_IDS'), '987654321');
    const f = await focusIs({ tag: 'INPUT', name: /^Add a trusted Telegram sender$/ }, 'Add');
    assert.equal(f.value, '', 'the field is emptied for the next id');
  });

  it('re-arms a tripped breaker', async () => {
    for (let i = 0; i < 4; i++) execFileSync('docker', ['restart', '-t', '1', ref.container], { stdio: 'ignore' });
    await page.locator('.panel .badge', { hasText: 'tripped' }).first().waitFor({ timeout: 60_000 });
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '0');
    await tabTo(/^Re-arm breaker/);
    await key('Enter');
    await page.getByRole('dialog', { name: 'Re-arm the breaker on reference?' }).waitFor();
    await focusIs({ inModal: true, name: /^Cancel$/ }, 'opening the Re-arm confirmation');
    await key('Tab');
    await focusIs({ inModal: true, name: /^Re-arm$/ }, 'Tab to Re-arm');
    await key('Enter');
    await page.locator('.panel .badge', { hasText: 'armed' }).waitFor({ timeout: 20_000 });
    assert.equal(envFlag(ref, 'JARVIS_ETERNAL_LOOP'), '1');
    await focusSettles({ tag: 'H1', name: /^Controls · reference/ }, 'Re-arm (its button now disabled)');
  });

  it('moves through the feed with arrows as one Tab stop, opens and closes a record, and keeps focus where the person put it', async () => {
    await key('2');
    await page.locator('.feed-row[data-seq="80"]').waitFor({ timeout: 20_000 });
    const first = await focused();
    assert.equal(first.body, false, 'after pressing 2, focus is on <body>');
    assert.ok(first.rowButton || first.tag === 'DIV', `after pressing 2, focus is on "${first.name}" (${first.tag}), not the feed`);
    await key('End');
    const last = await focusIs({ rowButton: true }, 'End');
    const rowCount = await page.locator('.feed-row').evaluateAll((els: unknown[]) => els.length);
    assert.ok(rowCount < 80, `rows are virtualized (${rowCount} drawn)`);
    // The list's length as the rows tell assistive tech (records, markers and receipts; the count in the head is of records only).
    const total = Number(await page.locator('.feed-row').first().getAttribute('aria-setsize'));
    assert.ok(total >= 80, `the list holds every record (${total})`);
    assert.equal(last.index, total - 1, 'End lands on the last row');
    // A ring that is drawn, inside the row (not clipped by the scroller or the next row).
    assert.notEqual(last.outline.style, 'none', 'the focused row shows no focus ring');
    assert.ok(last.outline.width >= 2 && last.outline.offset <= -last.outline.width, `the ring is drawn inside the row (width ${last.outline.width}, offset ${last.outline.offset})`);
    assert.equal(last.insideScroller, true, 'the focused row is inside the scroller');
    await key('ArrowUp');
    assert.equal((await focusIs({ rowButton: true }, 'ArrowUp')).index, total - 2);
    await key('ArrowUp');
    await key('ArrowDown');
    assert.equal((await focusIs({ rowButton: true }, 'ArrowDown')).index, total - 2);
    await key('PageUp');
    const paged = (await focusIs({ rowButton: true }, 'PageUp')).index ?? -1;
    assert.ok(paged >= 0 && paged < total - 7, `PageUp moves a page (to row ${paged} of ${total})`);
    await key('PageDown');
    assert.ok(((await focusIs({ rowButton: true }, 'PageDown')).index ?? -1) > paged + 5);
    await key('Home');
    const top = await focusIs({ rowButton: true }, 'Home');
    assert.equal(top.index, 0);
    assert.equal(top.insideScroller, true);
    await shot(page, 'keyboard-02-feed-cursor');
    // One Tab stop: out of the list with Shift+Tab, back in with Tab, onto the same row.
    assert.equal(await page.locator('.feed-body [tabindex="0"]').count(), 1, 'the list has exactly one Tab stop');
    await key('Shift+Tab');
    assert.equal((await focusIs({}, 'Shift+Tab out of the list')).rowButton, false);
    await key('Tab');
    assert.equal((await focusIs({ rowButton: true }, 'Tab back into the list')).index, 0);

    // Enter opens the record; the drawer takes focus; Escape closes it and focus goes back to the row.
    await key('End');
    let opener = await focusIs({ rowButton: true }, 'End');
    // The newest rows may be markers (a connection note); a record has a seq.
    for (let i = 0; i < 5 && opener.seq === null; i++) {
      await key('ArrowUp');
      opener = await focusIs({ rowButton: true }, 'choosing a record');
    }
    await key('Enter');
    await page.getByRole('dialog', { name: new RegExp(`^Details: Record ${opener.seq} `) }).waitFor();
    await focusIs({ inDrawer: true, name: /^Close details$/ }, 'Enter (open the record)');
    await key('Escape');
    await page.getByRole('dialog', { name: /^Details:/ }).waitFor({ state: 'detached' });
    assert.equal((await focusIs({ rowButton: true }, 'Escape (close the record)')).index, opener.index);
  });

  it('keeps focus in the search when a live record arrives with the drawer open', async () => {
    await openRecordThenSearch();
    await liveRecord('live');
    await focusIs({ id: 'feed-search' }, 'a live record arriving with the drawer open');
    assert.ok(await page.getByRole('dialog', { name: /^Details:/ }).isVisible(), 'the drawer is still open');
  });

  it('keeps every letter typed in the search with the drawer open', async () => {
    await openRecordThenSearch();
    await page.keyboard.type('file-7', { delay: 60 });
    const typed = await page.evaluate(`document.getElementById('feed-search')?.value ?? '(the search is gone: a typed digit switched the view)'`);
    assert.equal(typed, 'file-7', 'every letter typed with the drawer open reached the search');
    let f = await focusIs({ id: 'feed-search' }, 'typing in the search with the drawer open');
    await page.getByTestId('feed-count').filter({ hasText: / of / }).waitFor({ timeout: 10_000 });
    await shot(page, 'keyboard-03-search-with-drawer');
    // A matching record arriving meanwhile changes nothing either.
    await liveRecord('file-7-live');
    await page.keyboard.type('-live', { delay: 40 });
    f = await focusIs({ id: 'feed-search' }, 'typing after a live record');
    assert.equal(f.value, 'file-7-live');
    // Escape from the search closes the drawer and leaves focus in the search.
    await key('Escape');
    await page.getByRole('dialog', { name: /^Details:/ }).waitFor({ state: 'detached' });
    await focusIs({ id: 'feed-search' }, 'Escape in the search with the drawer open');
  });

  it('turns the single-key shortcuts off in Settings', async () => {
    await key('Shift+Tab'); // out of the search, onto a control that is not a text field
    await focusIs({ tag: 'BUTTON' }, 'Shift+Tab out of the search');
    await key('8');
    await focusIs({ tag: 'H1', name: /^Settings$/ }, 'pressing 8');
    await tabTo(/^Single-key shortcuts/);
    await key('Space');
    assert.equal(await page.evaluate(`localStorage.getItem('stratam.shortcuts')`), 'off');
    // Off a text field, so that only the setting can be what stops them.
    await key('Shift+Tab');
    const before = await focusIs({ tag: 'BUTTON' }, 'Shift+Tab to a button');
    await countPauseClicks();
    await key('4');
    await key('Shift+P');
    await key('/');
    assert.equal(await pauseClicks(), 0, 'Shift+P clicked Pause with the shortcuts off');
    assert.equal(await heading(), 'Settings', 'a digit switched the view with the shortcuts off');
    assert.equal((await focusIs({ tag: 'BUTTON' }, 'pressing 4, Shift+P and / with the shortcuts off')).name, before.name);
    await shot(page, 'keyboard-04-shortcuts-off');

    // Back on, the same key does switch: the check above was not vacuous.
    await tabTo(/^Single-key shortcuts/);
    await key('Space');
    await key('Shift+Tab');
    await key('1');
    await focusIs({ tag: 'H1', name: /^Droplets$/ }, 'pressing 1 with the shortcuts on again');
    assert.deepEqual(b.pageErrors, []);
  });
});
