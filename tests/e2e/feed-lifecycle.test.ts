/**
 * The live feed over a connection's life (issue 15, defects 3 and 9), and
 * acknowledging warnings (defect 4), in real Chromium through the browser
 * harness against the reference droplet. Every slow ordering is forced by
 * holding something (the dial, the history answers) until the test lets it
 * go; every wait is for a condition on the page or the droplet.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { ResultOf } from '../../src-main/ipc/api.js';
import { startHarness, type Harness, type HarnessOptions } from '../harness/harness-server.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { openBrowser, rendererDir, shot, type Browser } from './browser.js';
import { activityLine, appendActivity, lastSeq, writeVault } from './droplet-data.js';
import { liveFollowerReading, liveFollowers, poll, until } from './follower.js';

const row = (page: Page, seq: number) => page.locator(`.feed-row[data-stream="activity"][data-seq="${seq}"]`);
const nav = (page: Page, view: RegExp) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();

/** Every activity record 1..last shows exactly once. */
async function assertEveryRecord(page: Page, last: number): Promise<void> {
  const shown = await page.locator('.feed-row[data-stream="activity"]').evaluateAll((els) => els.map((el) => Number((el as { dataset: Record<string, string> }).dataset.seq)));
  const want = Array.from({ length: last }, (_, i) => i + 1);
  assert.deepEqual(
    [...shown].sort((a, b) => a - b),
    want,
  );
}

describe('console: the live feed across connects, and acknowledging warnings', { timeout: 600_000 }, () => {
  let ref: ReferenceDroplet;
  let say: ReturnType<typeof writeVault>;

  before(async () => {
    ref = await startReferenceDroplet({ activity: activityLine(1) + activityLine(2) + activityLine(3) });
    say = writeVault(ref);
  });
  after(async () => {
    await ref?.teardown();
  });

  /** A harness of its own (own session, own state folder), once the last test's follower is gone from the droplet. */
  async function harnessFor(t: TestContext, extra: Partial<HarnessOptions> = {}): Promise<Harness> {
    await until('the follower of an earlier test to end', () => liveFollowers(ref).length === 0);
    const stateDir = mkdtempSync(join(tmpdir(), 'stratam-e2e-feed-'));
    const h = await startHarness({ rendererDir: rendererDir(), stateDir, profiles: [ref.profile()], ...extra });
    t.after(async () => {
      await h.close();
      rmSync(stateDir, { recursive: true, force: true });
    });
    return h;
  }

  async function browserFor(t: TestContext, url: string): Promise<Browser> {
    const b = await openBrowser(url);
    t.after(() => b.close());
    return b;
  }

  /** The page follows: the history is on screen and the session's live follower holds the file. */
  async function following(page: Page): Promise<void> {
    await nav(page, /^Audit feed/);
    await row(page, lastSeq(ref)).waitFor({ timeout: 60_000 });
    await until("the session's live follower to open activity.jsonl", () => liveFollowerReading(ref));
  }

  it('starts the feed when the page loaded while the droplet was still connecting', async (t) => {
    let letDial!: () => void;
    const dialHeld = new Promise<void>((r) => (letDial = r));
    // The session asks for the key's passphrase mid-dial: holding that answer holds the link at "connecting".
    const h = await harnessFor(t, {
      session: {
        passphrase: async () => {
          await dialHeld;
          return undefined;
        },
      },
    });
    const connecting = h.session.connect('reference');
    await until('the session to be connecting', () => h.session.stateOf('reference')?.link.state === 'connecting');
    const { page } = await browserFor(t, h.url);
    await page.getByRole('img', { name: 'link connecting' }).waitFor({ timeout: 20_000 });
    letDial();
    await connecting;
    await page.getByRole('img', { name: 'link connected' }).waitFor({ timeout: 60_000 });
    // The history (written before the page opened) and a record written now, live.
    await following(page);
    const seq = lastSeq(ref) + 1;
    appendActivity(ref, activityLine(seq, { tool: 'web_search' }));
    await row(page, seq).waitFor({ timeout: 20_000 });
    await assertEveryRecord(page, seq);
  });

  it('shows every record on a second page whose history arrives after a live record', async (t) => {
    const h = await harnessFor(t);
    const a = await browserFor(t, h.url);
    // The first page has the session forwarding live records.
    await following(a.page);
    const hold = h.holdAuditQuery();
    t.after(() => hold.release());
    const b = await a.context.newPage();
    await b.goto(h.url);
    await hold.arrived;
    await until("the second page's event stream", () => h.eventStreams >= 2);
    const seq = lastSeq(ref) + 1;
    appendActivity(ref, activityLine(seq, { tool: 'docker_ps' }));
    // Both pages get the same push; the first shows it, the second has it before its history.
    await row(a.page, seq).waitFor({ timeout: 20_000 });
    await b.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    hold.release();
    await nav(b, /^Audit feed/);
    await row(b, seq).waitFor({ timeout: 20_000 });
    await row(b, 1).waitFor({ timeout: 20_000 });
    await assertEveryRecord(b, seq);
    await shot(b, 'feed-second-page-slow-history');
  });

  it('follows again after Disconnect then Connect, with what came in meanwhile', async (t) => {
    const h = await harnessFor(t);
    const { page } = await browserFor(t, h.url);
    await following(page);
    await nav(page, /^Settings/);
    await page.getByRole('button', { name: 'Disconnect reference' }).click();
    await page.getByRole('button', { name: 'Connect reference' }).waitFor({ timeout: 20_000 });
    await until("the session's follower to stop", () => liveFollowers(ref).length === 0);
    const whileAway = lastSeq(ref) + 1;
    appendActivity(ref, activityLine(whileAway, { tool: 'host_exec' }));
    await page.getByRole('button', { name: 'Connect reference' }).click();
    // A dial, the first reads and the catch-up point: on a busy machine this takes a while.
    await page
      .getByRole('button', { name: 'Disconnect reference' })
      .waitFor({ timeout: 60_000 })
      .catch(async (err: unknown) => {
        // Once in a clean-clone run the connect did not finish in 60 s (never alone): say where the link was.
        await shot(page, 'feed-reconnect-timeout');
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nlink: ${JSON.stringify(h.session.stateOf('reference')?.link)}`, { cause: err });
      });
    await until("the new connection's live follower to open activity.jsonl", () => liveFollowerReading(ref));
    const afterwards = whileAway + 1;
    appendActivity(ref, activityLine(afterwards, { tool: 'read_file' }));
    await nav(page, /^Audit feed/);
    await row(page, afterwards).waitFor({ timeout: 20_000 });
    await row(page, whileAway).waitFor({ timeout: 20_000 });
    await assertEveryRecord(page, afterwards);
    // And it stays live: one more, after the reconnect has settled.
    appendActivity(ref, activityLine(afterwards + 1));
    await row(page, afterwards + 1).waitFor({ timeout: 20_000 });
    await assertEveryRecord(page, afterwards + 1);
  });

  it('acknowledges warnings: one, then all; the counts and the tray drop them', async (t) => {
    const h = await harnessFor(t);
    const { page } = await browserFor(t, h.url);
    await page.getByRole('img', { name: 'link connected' }).waitFor({ timeout: 60_000 });
    const call = async <C extends 'trayState'>(channel: C): Promise<ResultOf<C>> => {
      const r = await fetch(`http://127.0.0.1:${h.port}/api/call/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' }, body: '{}' });
      const env = (await r.json()) as { result?: ResultOf<C>; error?: { message: string } };
      if (!env.result) throw new Error(`${channel}: ${env.error?.message}`);
      return env.result;
    };
    const trayFabrications = async () => (await call('trayState')).droplets.find((d) => d.name === 'reference')?.fabrications ?? -1;
    const fabrications = () => h.session.warnings('reference').filter((w) => w.kind === 'fabrication' && w.tier === 1).length;
    const open = () => h.session.warnings('reference').filter((w) => !w.acknowledgedAt).length;
    const fabricate = (turn: string) => {
      say({ turn, role: 'user', content: 'Can you deploy the new build?' });
      say({ turn, role: 'assistant', content: 'Sure thing. I deployed the new build to production and everything is green.' });
      say({ turn: `${turn}_next`, role: 'user', content: 'thanks' });
    };
    // The archive watch starts at the archive's end when it first looks: a reply written before that
    // is not judged. Write fabricated turns until one is, then the watch is running; then one more.
    for (let k = 0; fabrications() === 0; k++) {
      assert.ok(k < 10, 'the fabrication watch judged none of 10 fabricated replies');
      fabricate(`t_probe_${k}`);
      await poll(() => fabrications() > 0, 5000);
    }
    const first = fabrications();
    fabricate('t_second');
    await until('a second fabrication warning', () => fabrications() > first);
    await until('the tray to count them', async () => (await trayFabrications()) === fabrications());

    await nav(page, /^Warnings/);
    const badge = page.getByTestId('warnings-open-count');
    await badge.filter({ hasText: new RegExp(`^${open()}$`) }).waitFor({ timeout: 20_000 });
    const openBefore = open();
    const trayBefore = await trayFabrications();
    assert.ok(trayBefore >= 2, `the tray counts ${trayBefore} fabrications`);
    await shot(page, 'warnings-before-acknowledge');

    // One: the newest fabrication card.
    await page
      .getByRole('button', { name: /^Acknowledge fabrication warning on reference/ })
      .first()
      .click();
    await page.getByTestId('acknowledged-at').first().waitFor({ timeout: 20_000 });
    assert.equal(open(), openBefore - 1);
    await badge.filter({ hasText: new RegExp(`^${openBefore - 1}$`) }).waitFor({ timeout: 20_000 });
    await until('the tray to drop one fabrication', async () => (await trayFabrications()) === trayBefore - 1);
    await page.getByRole('listitem', { name: /fabrication warning on reference, acknowledged/ }).waitFor();

    // All of this droplet.
    await page.getByRole('button', { name: 'Acknowledge all warnings on reference' }).click();
    await badge.waitFor({ state: 'detached', timeout: 20_000 });
    assert.equal(open(), 0);
    assert.equal(await trayFabrications(), 0);
    assert.notEqual((await call('trayState')).icon, 'warning');
    assert.equal(await page.getByRole('button', { name: /^Acknowledge / }).count(), 0);
    assert.equal(await page.getByTestId('acknowledged-at').count(), openBefore);
    await shot(page, 'warnings-acknowledged');
    await nav(page, /^Dashboard/);
    await page.getByRole('article', { name: 'Droplet reference' }).waitFor();
    assert.equal(await page.getByText(/reply claim\(s\) with no tool call/).count(), 0);

    // A reload lists them acknowledged (the list call carries acknowledgedAt too).
    await page.reload();
    await nav(page, /^Warnings/);
    await page.getByTestId('acknowledged-at').first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('acknowledged-at').count(), openBefore);
    assert.equal(await badge.count(), 0);
  });
});
