/**
 * An independent check that text is safe for a terminal, spelled out code
 * point by code point (not the escaper's own pattern, so a test of the
 * escaper cannot pass by sharing its mistake).
 */
const BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const INVISIBLE = [0x00ad, 0x180e, 0x200b, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff, 0x2028, 0x2029, 0x115f, 0x1160, 0x3164, 0xffa0];

/** The first character a terminal must not receive raw (line breaks allowed when `lines`), or null. */
export function firstUnsafe(text: string, opts: { lines?: boolean; tabs?: boolean } = {}): { index: number; code: string } | null {
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        const cp = text.codePointAt(i) as number;
        if ((cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xe0100 && cp <= 0xe01ef)) return { index: i, code: cp.toString(16) };
        i++;
        continue;
      }
      return { index: i, code: u.toString(16) };
    }
    if (u >= 0xdc00 && u <= 0xdfff) return { index: i, code: u.toString(16) };
    if (u === 0x0a && opts.lines) continue;
    if (u === 0x09 && opts.tabs) continue;
    if (u < 0x20 || (u >= 0x7f && u <= 0x9f) || BIDI.includes(u) || INVISIBLE.includes(u)) return { index: i, code: u.toString(16) };
  }
  return null;
}

/** A message for assert: where the unsafe character is, with some context. */
export function describeUnsafe(text: string, opts: { lines?: boolean; tabs?: boolean } = {}): string | null {
  const bad = firstUnsafe(text, opts);
  if (!bad) return null;
  return `raw U+${bad.code.padStart(4, '0')} at ${bad.index}: ${JSON.stringify(text.slice(Math.max(0, bad.index - 40), bad.index + 40))}`;
}
