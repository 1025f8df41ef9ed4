/**
 * The console's feed as a window over a trail of RECORDS records already
 * mirrored on this desktop (issue 16), in Debian's Chromium through the
 * browser harness against the reference droplet (tests/e2e/million-trail.ts,
 * the trail the E2E test opens):
 *  - first screen: from the click on "Audit feed" (page loaded, droplet
 *    connected) until the newest record's row is in the page; also from
 *    navigation, clicking as soon as the button is there. Goal < 500 ms;
 *  - Go to seq 1, to a seq in the middle, to a time: from the Enter in the
 *    Go to box until the target's row (fetched, not pending) is the first
 *    in view. Goal < 100 ms each;
 *  - the renderer's JS heap after GC with the feed open. Goal < 100 MB.
 * Times are taken in the page (performance.now(), a requestAnimationFrame
 * poll), so Playwright's round trips are not in them. Each run reloads the
 * page, so every jump fetches rows the window does not hold yet. The anchor
 * for the times is a plain `tail -n 50` of the newest mirror file.
 *   node --expose-gc dist/node/bench/console-window.js [--renderer DIR]    (BENCH_RECORDS shrinks it)
 */
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { MirrorReader } from '../src-main/core/audit/mirror/mirror-reader.js';
import { rendererDir } from '../tests/e2e/browser.js';
import { MILLION, openMillionTrail, tsOf } from '../tests/e2e/million-trail.js';
import { median, ms, report } from './stats.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? MILLION);
const RUNS = 5;
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const n = (x: number) => x.toLocaleString('en-US');
const HEAP_ANCHOR_MB = 54.2;

/** The little of the page's globals the timers use (benchmarks compile without the DOM library). */
interface Row {
  dataset: Record<string, string | undefined>;
  classList: { contains(c: string): boolean };
  getBoundingClientRect(): { top: number };
}
interface Win {
  document: {
    addEventListener(type: string, f: (e: { key?: string }) => void, opts: { capture: boolean }): void;
    removeEventListener(type: string, f: (e: { key?: string }) => void, opts: { capture: boolean }): void;
    querySelector(sel: string): { getBoundingClientRect(): { top: number }; querySelectorAll(sel: string): ArrayLike<Row> } | null;
  };
  requestAnimationFrame(f: () => void): void;
  __benchTimer?: Promise<{ start: number; end: number }>;
}

/**
 * Arm a timer in the page: it starts at the next `trigger` event (a click, or
 * Enter) and stops at the first animation frame in which record `seq` is
 * fetched and in the list (with `top`, as the first row wholly in view).
 */
async function arm(page: Page, trigger: 'click' | 'enter' | 'load', seq: number, top: boolean): Promise<void> {
  await page.evaluate(
    ({ trigger, seq, top }) => {
      const w = globalThis as unknown as Win;
      const ready = () => {
        const body = w.document.querySelector('.feed-body');
        if (!body) return false;
        // Half a row of slack, as in the E2E test: the scaled list can land a row a pixel or two above the edge.
        const bodyTop = body.getBoundingClientRect().top - 13;
        let first: Row | null = null;
        let firstTop = Infinity;
        for (const r of Array.from(body.querySelectorAll('.feed-row'))) {
          const y = r.getBoundingClientRect().top;
          if (r.dataset.seq === String(seq) && r.dataset.kind === 'record' && !r.classList.contains('pending') && !top) return true;
          if (y >= bodyTop && y < firstTop) [first, firstTop] = [r, y];
        }
        return top && first?.dataset.seq === String(seq) && first.dataset.kind === 'record' && !first.classList.contains('pending');
      };
      w.__benchTimer = new Promise((resolve, reject) => {
        let start = 0;
        const poll = () => (ready() ? resolve({ start, end: performance.now() }) : w.requestAnimationFrame(poll));
        setTimeout(() => reject(new Error(`record ${seq} was not shown within 60 s`)), 60_000);
        if (trigger === 'load') return poll(); // from navigation: performance.now() counts from it
        const on = (e: { key?: string }) => {
          if (trigger === 'enter' && e.key !== 'Enter') return;
          w.document.removeEventListener(trigger === 'click' ? 'click' : 'keydown', on, { capture: true });
          start = performance.now();
          poll();
        };
        w.document.addEventListener(trigger === 'click' ? 'click' : 'keydown', on, { capture: true });
      });
    },
    { trigger, seq, top },
  );
}
const elapsed = (page: Page) => page.evaluate(async () => ((t) => t.end - t.start)(await (globalThis as unknown as Win).__benchTimer!));

const trail = await openMillionTrail({ records: RECORDS, rendererDir: arg('--renderer') ?? rendererDir(), navigate: false });
try {
  const { page } = trail.browser;
  const { url } = trail.harness;
  const s = (x: number) => `${(x / 1000).toFixed(1)} s`;
  console.log(`console window bench: ${n(RECORDS)} records; set-up: write ${s(trail.timings.write)}, mirror sync ${s(trail.timings.sync)}, browser ${s(trail.timings.browser)}`);
  /** A fresh page load each time (going to the same URL again would only change its fragment: no reload). */
  const load = async () => {
    await page.goto('about:blank');
    await page.goto(url);
  };
  /**
   * The page's calls to the core in flight (the held-open event stream is not one). The jumps are timed once
   * every call the feed made on opening has been answered, so they measure the jump and not the opening's reads.
   */
  let inflight = 0;
  let lastCall = performance.now();
  const isCall = (r: { url(): string }) => r.url().includes('/api/call/');
  page.on('request', (r) => {
    if (isCall(r)) [inflight, lastCall] = [inflight + 1, performance.now()];
  });
  const answered = (r: { url(): string }) => {
    if (isCall(r)) [inflight, lastCall] = [inflight - 1, performance.now()];
  };
  page.on('requestfinished', answered);
  page.on('requestfailed', answered);
  /** Wait until no call has been in flight for 300 ms; returns when the last one was answered. */
  const settled = async (): Promise<number> => {
    const deadline = performance.now() + 120_000;
    while (inflight > 0 || performance.now() - lastCall < 300) {
      if (performance.now() > deadline) throw new Error(`The feed still had ${inflight} calls in flight after 2 minutes.`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return lastCall;
  };
  const feedButton = page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: /^Audit feed/ });
  const goTo = page.getByLabel('Go to seq or time');
  const middle = (i: number) => Math.floor(RECORDS / 2) + i * 997;
  /** Half a minute before a record's time: Go to lands on that record (the first at or after the time). */
  const timeOf = (i: number) => new Date(Date.parse(tsOf(Math.floor((RECORDS * 3) / 4) + i * 997)) - 30_000).toISOString().replace('.000Z', 'Z');

  // The anchor: a plain tail of the newest mirror file.
  const reader = MirrorReader.open(trail.stateDir, trail.identity, 'activity');
  if (!reader) throw new Error('No mirror after the set-up sync.');
  const newest = reader.info().files.at(-1)!.path;
  reader.close();
  const tails: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync('tail', ['-n', '50', newest], { stdio: ['ignore', 'pipe', 'pipe'] });
    tails.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`tail failed: ${r.stderr.toString()}`);
  }
  const tail = median(tails);

  // From navigation: the button clicked as soon as it is there (the droplet may still be connecting).
  const fromNav: number[] = [];
  for (let i = 0; i < 3; i++) {
    await load();
    await arm(page, 'load', RECORDS, false);
    await feedButton.click();
    fromNav.push(await page.evaluate(async () => (await (globalThis as unknown as Win).__benchTimer!).end));
  }

  if (process.env.BENCH_DEBUG) console.log(`  from navigation: ${fromNav.map(ms).join(', ')}`);
  const first: number[] = [];
  const settle: number[] = [];
  const jumps = { seq1: [] as number[], middle: [] as number[], time: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    await load();
    await page.getByText(/^Connected/).waitFor({ timeout: 60_000 });
    await arm(page, 'click', RECORDS, false);
    const clicked = performance.now();
    await feedButton.click();
    first.push(await elapsed(page));
    settle.push((await settled()) - clicked);
    if (process.env.BENCH_DEBUG) console.log(`  first screen: ${ms(first.at(-1)!)}, every call answered after ${ms(settle.at(-1)!)}`);
    const targets: Array<[keyof typeof jumps, string, number]> = [
      ['seq1', '1', 1],
      ['middle', `#${middle(i)}`, middle(i)],
      ['time', timeOf(i), Math.floor((RECORDS * 3) / 4) + i * 997],
    ];
    for (const [k, input, seq] of targets) {
      await goTo.fill(input);
      await arm(page, 'enter', seq, true);
      await goTo.press('Enter');
      jumps[k].push(await elapsed(page));
    }
    if (process.env.BENCH_DEBUG)
      console.log(
        `  run ${i + 1}: first ${ms(first.at(-1)!)}, jumps ${Object.values(jumps)
          .map((x) => ms(x.at(-1)!))
          .join(', ')}`,
      );
  }

  await page.getByRole('button', { name: 'Newest' }).click();
  await page.locator(`.feed-row[data-kind="record"][data-seq="${RECORDS}"]`).waitFor();
  const cdp = await trail.browser.context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const metric = (k: string) => metrics.find((x) => x.name === k)?.value ?? NaN;
  const heap = metric('JSHeapUsedSize') / 1048576;

  const anchor = `tail -n 50 of the newest mirror file ${ms(tail)}`;
  const firstMs = median(first);
  report({
    benchmark: `console: first screen of the feed, ${n(RECORDS)} records already mirrored`,
    figure: `${ms(firstMs)} from the click (median of ${RUNS}); ${ms(median(fromNav))} from navigation`,
    anchor,
    ratio: `${(firstMs / tail).toFixed(1)}x`,
    goal: '< 500 ms',
    met: firstMs < 500,
  });
  report({
    benchmark: `console: feed opened until every call it made is answered, ${n(RECORDS)} records`,
    figure: `${ms(median(settle))} from the click (median of ${RUNS})`,
    anchor,
    ratio: `${(median(settle) / tail).toFixed(1)}x`,
    goal: '- (the jumps below are timed after it)',
    met: null,
  });
  const labels: Record<keyof typeof jumps, string> = { seq1: 'seq 1', middle: `the middle (seq ${n(middle(0))}…)`, time: 'a time' };
  for (const k of ['seq1', 'middle', 'time'] as const) {
    const m = median(jumps[k]);
    report({
      benchmark: `console: Go to ${labels[k]}, ${n(RECORDS)} records`,
      figure: `${ms(m)} (median of ${RUNS}, max ${ms(Math.max(...jumps[k]))})`,
      anchor,
      ratio: `${(m / tail).toFixed(1)}x`,
      goal: '< 100 ms',
      met: m < 100,
    });
  }
  report({
    benchmark: `console: renderer JS heap after GC, ${n(RECORDS)} records`,
    figure: `${heap.toFixed(1)} MB (${metric('Nodes')} DOM nodes)`,
    anchor: `${HEAP_ANCHOR_MB} MB at 100,000 (the loaded-history feed, BENCHMARKS.md before this change)`,
    ratio: `${(heap / HEAP_ANCHOR_MB).toFixed(2)}x`,
    goal: '< 100 MB',
    met: heap < 100,
  });
  if (trail.browser.pageErrors.length) throw new Error(`The page raised errors: ${trail.browser.pageErrors.join('; ')}`);
} finally {
  await trail.close();
}
