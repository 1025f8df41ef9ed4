/**
 * The two facts about Python text that python-dotenv's grammar leans on and
 * that JavaScript answers differently:
 *
 * - What is whitespace. python-dotenv's regexes use `\s` on str patterns and
 *   `str.rstrip()`, both of which mean `str.isspace()`: that includes
 *   \x1c-\x1f and \x85 (JS `\s` does not) and excludes \ufeff (JS `\s`
 *   includes it). The set below is what CPython 3.11 (Unicode 14) answers;
 *   tests/core/flags/py-text.test.ts checks it against /usr/bin/python3.
 * - How bytes become text. The agent opens the file with encoding='utf-8'
 *   (strict, not utf-8-sig: a BOM stays, as U+FEFF, part of the first key)
 *   in universal-newline mode, so every \r\n and every lone \r reaches the
 *   parser as \n.
 */

const PY_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
]);

/** Python's `str.isspace()` (and `\s` in a str regex) for one UTF-16 code unit; no whitespace lies outside the BMP. */
export const isPyWhitespace = (code: number): boolean => PY_WHITESPACE.has(code);

/** `[^\S\r\n]`: whitespace that does not end a line. */
export const isPyInlineSpace = (code: number): boolean => code !== 0x0a && code !== 0x0d && PY_WHITESPACE.has(code);

/** Python's `s.rstrip()` with no argument. */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && PY_WHITESPACE.has(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** What universal-newline reading does to a piece of text. */
export const universalNewlines = (s: string): string => s.replace(/\r\n?/g, '\n');

/**
 * The offset of the first byte that Python's strict UTF-8 decoder rejects, or
 * -1 when the whole buffer decodes. Same table as Python (and Unicode 3-7):
 * no overlong forms, no surrogates, nothing above U+10FFFF, no truncated tail.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** 1-based line of a byte offset, counting \r\n, lone \r and \n as one line break each (as python-dotenv does). */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a) line++;
    else if (b === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}
