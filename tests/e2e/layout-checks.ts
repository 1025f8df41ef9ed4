/**
 * Checks for the console's layout and accessibility E2E (a11y-layout.test.ts):
 * axe's serious findings, element boxes, what is on top at a point, and the
 * contrast of form controls' edges, which axe does not measure.
 */
import AxeBuilder from '@axe-core/playwright';
import type { NodeResult } from 'axe-core';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

/**
 * Every serious or critical axe finding on the page, one line each (rule, impact, target, why).
 * Also what axe leaves "to review" that is a failure for certain: a name on an element whose role
 * cannot be named (aria-label on a <pre> or <div>: screen readers ignore it), and a one-character
 * text on screen (the Warnings count) whose contrast axe measured under the bar but will not judge.
 */
export async function axeSerious(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  const out: string[] = [];
  const line = (id: string, impact: string, n: NodeResult) => `${id} (${impact}) ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ') ?? ''}`;
  for (const x of r.violations) if (x.impact === 'serious' || x.impact === 'critical') for (const n of x.nodes) out.push(line(x.id, x.impact, n));
  for (const x of r.incomplete) {
    if (x.impact !== 'serious' && x.impact !== 'critical') continue;
    for (const n of x.nodes) {
      const d = n.any[0]?.data as { messageKey?: string; contrastRatio?: number; expectedContrastRatio?: string; fgColor?: string; bgColor?: string } | undefined;
      const short = x.id === 'color-contrast' && d?.messageKey === 'shortTextContent' && typeof d.contrastRatio === 'number' && d.contrastRatio < parseFloat(d.expectedContrastRatio ?? '4.5');
      // Rows the virtual list renders above or below the scroller's edge are measured against whatever covers them: only text in sight counts.
      if (short && (await onScreen(page.locator(n.target.join(' ')).first())))
        out.push(`${line(x.id, x.impact, n)} ${d.fgColor} on ${d.bgColor} is ${d.contrastRatio}:1, needs ${d.expectedContrastRatio}`);
      else if (x.id === 'aria-prohibited-attr') out.push(line(x.id, x.impact, n));
    }
  }
  return out;
}

async function onScreen(l: Locator): Promise<boolean> {
  const b = await l.boundingBox();
  return b !== null && (await uncoveredAt(l, [[b.x + b.width / 2, b.y + b.height / 2]]))[0] === true;
}

export type Box = { x: number; y: number; width: number; height: number };
export const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
export async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  assert.ok(b, 'the element is laid out');
  return b;
}

/** Whether the topmost element at each point lies inside `l` (nothing covers it there). */
export async function uncoveredAt(l: Locator, points: Array<[number, number]>): Promise<boolean[]> {
  return l.evaluate((el, pts) => pts.map(([x, y]) => el.contains((el.ownerDocument as { elementFromPoint(x: number, y: number): unknown }).elementFromPoint(x, y) as never)), points);
}
/** What is on top at each point that `l` does not own (tag.class, or "nothing"): says what covered it when a check fails. */
export async function coversAt(l: Locator, points: Array<[number, number]>): Promise<string[]> {
  return l.evaluate((el, pts) => {
    type Node = { tagName?: string; className?: unknown; textContent?: string | null };
    const doc = el.ownerDocument as { elementFromPoint(x: number, y: number): Node | null };
    return pts.flatMap(([x, y]) => {
      const top = doc.elementFromPoint(x, y);
      if (top && el.contains(top as never)) return [];
      const cls = typeof top?.className === 'string' && top.className ? `.${top.className.split(' ').join('.')}` : '';
      return [`(${x},${y}): ${top ? `${top.tagName?.toLowerCase()}${cls} "${(top.textContent ?? '').slice(0, 40)}"` : 'nothing'}`];
    });
  }, points);
}
export const cornersOf = (b: Box): Array<[number, number]> => [
  [b.x + 3, b.y + 3],
  [b.x + b.width - 3, b.y + 3],
  [b.x + 3, b.y + b.height - 3],
  [b.x + b.width - 3, b.y + b.height - 3],
  [b.x + b.width / 2, b.y + b.height / 2],
];

/**
 * Text fields and selects whose edge is under 3:1 against what surrounds them (WCAG 1.4.11 non-text
 * contrast; axe does not measure borders). Runs in the page; colours as Chromium computes them.
 */
export async function weakFieldEdges(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type El = { tagName: string; id: string; parentElement: El | null; getAttribute(n: string): string | null; getBoundingClientRect(): { width: number } };
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> }; getComputedStyle(e: El): { borderTopColor: string; backgroundColor: string } };
    // "rgb(r, g, b)", "rgba(r, g, b, a)" or, after color-mix, "color(srgb r g b / a)" with 0-1 channels.
    const parse = (c: string): number[] => {
      const n = (c.match(/[\d.]+/g) ?? []).map(Number);
      return c.startsWith('color(') ? [n[0]! * 255, n[1]! * 255, n[2]! * 255, n[3] ?? 1] : [n[0]!, n[1]!, n[2]!, n[3] ?? 1];
    };
    const lum = (c: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(c[0]!) + 0.7152 * f(c[1]!) + 0.0722 * f(c[2]!);
    };
    const behind = (e: El | null): number[] => {
      for (let x = e; x; x = x.parentElement) {
        const c = parse(g.getComputedStyle(x).backgroundColor);
        if (c[3]! > 0) return c;
      }
      return [255, 255, 255, 1];
    };
    const out: string[] = [];
    for (const el of Array.from(g.document.querySelectorAll('input:not([type="checkbox"]):not([type="radio"]), select'))) {
      if (el.getBoundingClientRect().width === 0) continue;
      const [a, b] = [lum(parse(g.getComputedStyle(el).borderTopColor)), lum(behind(el.parentElement))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 3) out.push(`${el.tagName.toLowerCase()}[aria-label="${el.getAttribute('aria-label') ?? el.id}"] edge ${ratio.toFixed(2)}:1`);
    }
    return out;
  });
}
