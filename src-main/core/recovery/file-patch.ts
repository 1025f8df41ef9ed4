/**
 * One file's text diff for `snapshots diff`, made on the desktop with jsdiff
 * (the `diff` package), never with the droplet's own diff tool: the droplet's
 * binaries are the agent's to change, and this output is what the operator
 * trusts to decide a rollback.
 *
 * Everything here is bounded, because the agent writes the files: a patch is
 * cut at PATCH_MAX_LINES / PATCH_MAX_BYTES, and Myers' diff (O(N·D), about
 * half a second for 1 000 edits in a 1 MiB file) stops at MAX_EDIT_LENGTH
 * edits, after which the file is shown as a whole replacement (every old line
 * removed, every new one added): still a correct patch, only not the
 * smallest, and a rewrite that large is read as a rewrite anyway.
 */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';

/** Lines of context around each change (as `diff -u` and git). */
export const CONTEXT_LINES = 3;
export const PATCH_MAX_LINES = 400;
export const PATCH_MAX_BYTES = 64 * 1024;
export const MAX_EDIT_LENGTH = 1000;
/** A NUL in the first 8 KiB marks a binary file (as git decides). */
const BINARY_SNIFF_BYTES = 8 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text, or null when it is binary: a NUL in its first 8 KiB, or not valid UTF-8. */
export function textOf(bytes: Buffer): string | null {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null; // invalid UTF-8: shown as binary rather than as replacement characters
  }
}

/**
 * The path as it stands in a `---`/`+++` header: with a prefix, and in double
 * quotes with C-style escapes when it holds a control character, a quote or a
 * backslash (as git writes it), so a newline in a file name cannot end the
 * header line and start a forged one.
 */
export function headerName(prefix: 'a/' | 'b/', path: string): string {
  const name = `${prefix}${path}`;
  return /[\u0000-\u001f\u007f"\\]/.test(name) ? JSON.stringify(name) : name;
}

export interface Patch {
  patch: string;
  truncated: boolean;
}

/**
 * A unified diff of `before` -> `after` (null: the file is absent on that
 * side, written `/dev/null` as git does), cut at the bounds.
 */
export function makePatch(path: string, before: string | null, after: string | null): Patch {
  const oldName = before === null ? '/dev/null' : headerName('a/', path);
  const newName = after === null ? '/dev/null' : headerName('b/', path);
  const oldText = before ?? '';
  const newText = after ?? '';
  let lines: string[];
  if (before === null || after === null) lines = replacement(oldName, newName, oldText, newText);
  else {
    // Sync on purpose: jsdiff's async mode yields once per edit step (a timer
    // tick each), which made a 3 000-line rewrite take seconds; maxEditLength
    // bounds the synchronous work instead.
    const sp = structuredPatch(oldName, newName, oldText, newText, undefined, undefined, { context: CONTEXT_LINES, maxEditLength: MAX_EDIT_LENGTH });
    lines = sp ? formatPatch(sp, FILE_HEADERS_ONLY).replace(/\n$/, '').split('\n') : replacement(oldName, newName, oldText, newText);
  }
  return bound(lines);
}

/** The whole file removed and the whole file added: the patch of an added or removed file, and of a rewrite past MAX_EDIT_LENGTH. */
function replacement(oldName: string, newName: string, oldText: string, newText: string): string[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const out = [`--- ${oldName}`, `+++ ${newName}`, `@@ -${a.lines.length ? 1 : 0},${a.lines.length} +${b.lines.length ? 1 : 0},${b.lines.length} @@`];
  for (const l of a.lines) out.push(`-${l}`);
  if (a.lines.length && !a.endsWithNewline) out.push('\\ No newline at end of file');
  for (const l of b.lines) out.push(`+${l}`);
  if (b.lines.length && !b.endsWithNewline) out.push('\\ No newline at end of file');
  return a.lines.length || b.lines.length ? out : out.slice(0, 2);
}

function splitLines(text: string): { lines: string[]; endsWithNewline: boolean } {
  if (text === '') return { lines: [], endsWithNewline: true };
  const lines = text.split('\n');
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  return { lines, endsWithNewline };
}

/** At most PATCH_MAX_LINES lines and PATCH_MAX_BYTES bytes (UTF-8), cut at a line, or inside a line longer than the whole bound. */
function bound(lines: string[]): Patch {
  let bytes = 0;
  const kept: string[] = [];
  for (const line of lines) {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (kept.length >= PATCH_MAX_LINES || bytes + size > PATCH_MAX_BYTES) {
      // A line past the byte bound is kept in part: one minified line must not leave an empty patch.
      if (kept.length < PATCH_MAX_LINES && bytes + 1 < PATCH_MAX_BYTES) kept.push(cutToBytes(line, PATCH_MAX_BYTES - bytes - 1));
      return { patch: `${kept.join('\n')}\n`, truncated: true };
    }
    kept.push(line);
    bytes += size;
  }
  return { patch: kept.length ? `${kept.join('\n')}\n` : '', truncated: false };
}

/** The longest prefix of `s` within `max` UTF-8 bytes, never splitting a character. */
function cutToBytes(s: string, max: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (bytes + n > max) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}
