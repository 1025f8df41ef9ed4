/**
 * A virtual list of fixed-height rows whose scrollbar spans any number of
 * rows (issue 16: the feed's scrollbar spans the whole trail).
 *
 * Browsers cap how tall an element can be (Chromium at about 33.5 million
 * px, Firefox at about 17.9 million), and a million 26 px rows are 26 million.
 * So up to MAX_PX the list is laid out exactly, one row per ROW_H; past it the
 * content is MAX_PX tall and a scroll position maps to a row in proportion
 * (scrollTop * scale), each row drawn at its place relative to the scroll
 * position. TanStack's virtualizer, used before, lays rows out in real pixels
 * only, which is why this small piece is written here rather than taken.
 *
 * `keep` is a row drawn even when it is scrolled out of view (the keyboard
 * cursor's, so the focused button survives scrolling).
 */
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';

/** Well under every engine's cap; a million rows need a scale of only about 1.6. */
const MAX_PX = 16_000_000;

export interface ListItem {
  index: number;
  /** Where the row is drawn in the content (px). */
  top: number;
}

export interface ScaledList {
  items: ListItem[];
  /** The content's height in px (at most MAX_PX). */
  totalSize: number;
  /** The first row wholly in view (its top at or below the view's). */
  firstInView: number;
  scrollToIndex(index: number, align: 'start' | 'end' | 'auto'): void;
  scrollToTop(): void;
}

interface View {
  top: number;
  height: number;
}

export function useScaledList(opts: { count: number; rowH: number; scroller: RefObject<HTMLDivElement | null>; overscan: number; keep: number }): ScaledList {
  const { count, rowH, scroller, overscan, keep } = opts;
  const [view, setView] = useState<View>({ top: 0, height: 0 });
  // The scroll handler and the jumps read the latest figures, not the ones of the render they were made in.
  const geo = useRef({ count, rowH });
  geo.current = { count, rowH };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const read = () => setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro.disconnect();
    };
  }, [scroller.current]);

  const g = layout(count, rowH, view.height);
  const v = offsetOf(view.top, view.height, g, rowH);
  const first = Math.max(0, Math.floor(v / rowH) - overscan);
  const last = Math.min(count - 1, Math.ceil((v + view.height) / rowH) + overscan);
  const place = (i: number) => Math.min(Math.max(0, view.top + (i * rowH - v)), Math.max(0, g.total - rowH));
  const items: ListItem[] = [];
  if (keep >= 0 && keep < first && keep < count) items.push({ index: keep, top: place(keep) });
  for (let i = first; i <= last; i++) items.push({ index: i, top: place(i) });
  if (keep > last && keep < count) items.push({ index: keep, top: place(keep) });

  const scrollTo = (px: number) => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = px;
    // Drawn now, not at the next scroll event: a jump's row must exist before focus moves to it.
    setView({ top: el.scrollTop, height: el.clientHeight });
  };
  return {
    items,
    totalSize: g.total,
    firstInView: Math.min(count - 1, Math.ceil(v / rowH)),
    scrollToTop: () => scrollTo(0),
    scrollToIndex: (index, align) => {
      const el = scroller.current;
      if (!el) return;
      const { count: n, rowH: h } = geo.current;
      const now = layout(n, h, el.clientHeight);
      const at = offsetOf(el.scrollTop, el.clientHeight, now, h);
      const startPx = index * h;
      const endPx = (index + 1) * h - el.clientHeight;
      let want = align === 'start' ? startPx : align === 'end' ? endPx : at > startPx ? startPx : at < endPx ? endPx : at;
      want = Math.min(Math.max(0, want), Math.max(0, now.virtual - el.clientHeight));
      if (want !== at) scrollTo(want / now.scale);
    },
  };
}

/**
 * Where the view is in the rows' own pixels. Scaled, one scrolled pixel is
 * more than one row pixel, so a jump to a row cannot always land on its
 * boundary; an offset within one scrolled pixel of a boundary is taken as on
 * it, and the row the jump asked for starts exactly at the top.
 */
function offsetOf(top: number, height: number, g: { virtual: number; scale: number }, rowH: number): number {
  let v = Math.min(Math.max(0, top * g.scale), Math.max(0, g.virtual - height));
  const boundary = Math.round(v / rowH) * rowH;
  if (g.scale > 1 && Math.abs(v - boundary) < g.scale) v = boundary;
  return v;
}

/** The content's real height and how many rows' pixels one scrolled pixel is. */
function layout(count: number, rowH: number, height: number): { virtual: number; total: number; scale: number } {
  const virtual = count * rowH;
  const total = Math.min(virtual, MAX_PX);
  const scale = virtual > total && total > height ? (virtual - height) / (total - height) : 1;
  return { virtual, total, scale };
}
