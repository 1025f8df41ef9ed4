/**
 * Droplet text on the operator's terminal. Tool names, channels, `.env`
 * values, breaker reasons, container names and error messages that quote a
 * path are written by (or reachable by) the agent, so a terminal must never
 * receive them as control sequences: an ESC can move the cursor or clear the
 * screen, OSC 52 writes the clipboard, a CR or backspace overwrites what was
 * printed, a newline inside a field forges a whole record, a bidi override
 * reorders what the operator reads, and invisible characters make two
 * different ids look the same.
 *
 * Every such character is shown visibly instead, in the notation a reader
 * knows from C and JSON: `\x1b`, `\n`, `\u202e`, `\u{e0041}`. Nothing is
 * removed, so the operator still sees that it was there. Backslash itself is
 * left alone: a field that spells `\x1b` with printable characters looks the
 * same as an escaped ESC, which misleads nobody about the terminal; `--json`
 * is the exact form.
 *
 * What is escaped (RISKY): C0 controls, DEL and C1 controls (Cc: ESC, CSI
 * 0x9b, OSC 0x9d, NEL 0x85, ...); format characters (Cf: the bidi embeddings,
 * overrides, isolates and marks U+202A-U+202E, U+2066-U+2069, U+200E/U+200F,
 * U+061C, zero-width space, word joiner, BOM, soft hyphen), except ZWNJ and
 * ZWJ, which Persian, Indic scripts and emoji need; the whole tag block
 * U+E0000-U+E007F, used to smuggle invisible text (its unassigned code points
 * too); the line and paragraph separators U+2028/U+2029; the supplementary
 * variation selectors U+E0100-U+E01EF (they can carry hidden bytes); the
 * blank Hangul fillers; noncharacters; and lone surrogates (invalid UTF-16,
 * which would reach the terminal as U+FFFD or as invalid UTF-8).
 */

const RISKY = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115f\u1160\u3164\uffa0\ufdd0-\ufdef\ufffe\uffff\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
const ZWNJ = '\u200c';
const ZWJ = '\u200d';
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** The visible form of one risky code point. */
export function visible(ch: string): string {
  const short = SHORT[ch];
  if (short) return short;
  const cp = ch.codePointAt(0) as number;
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  if (cp <= 0xffff) return `\\u${hex(cp, 4)}`;
  return `\\u{${cp.toString(16)}}`;
}

function escapeWith(s: string, keep: (ch: string) => boolean): string {
  RISKY.lastIndex = 0;
  if (!RISKY.test(s)) return s; // the common case: nothing to do, no copy
  return s.replace(RISKY, (ch) => (ch === ZWNJ || ch === ZWJ || keep(ch) ? ch : visible(ch)));
}

/** One value inside a line (a tool name, a trusted id, a reason): every risky character escaped, newlines and tabs included. */
export function escapeField(s: string): string {
  return escapeWith(s, () => false);
}

/** Multi-line text the CLI composed itself: as escapeField, but its own line breaks stay. */
export function escapeText(s: string): string {
  return escapeWith(s, (ch) => ch === '\n');
}

/** A command's own output shown on a terminal (sandbox run, exec): line breaks and tabs stay, everything else risky is escaped. */
export function escapeStream(s: string): string {
  return escapeWith(s, (ch) => ch === '\n' || ch === '\t');
}

const JSON_RISKY = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0\ufdd0-\ufdef\ufffe\uffff\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

/**
 * JSON text with the risky characters JSON.stringify leaves raw (DEL, C1,
 * bidi and other format characters, U+2028/U+2029) written as `\uXXXX`
 * escapes. Outside strings JSON holds only ASCII, so this changes no meaning:
 * JSON.parse gives back exactly the same value. (JSON.stringify already
 * escapes C0 controls and lone surrogates.)
 */
export function jsonEscapeRisky(json: string): string {
  JSON_RISKY.lastIndex = 0;
  if (!JSON_RISKY.test(json)) return json;
  return json.replace(JSON_RISKY, (ch) => {
    if (ch === ZWNJ || ch === ZWJ) return ch;
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${hex(ch.charCodeAt(i), 4)}`; // astral: its surrogate pair
    return out;
  });
}

/**
 * JSON lines someone else wrote (`audit tail --json` records, as the agent
 * wrote them) on a terminal: as jsonEscapeRisky, and C0 controls but line
 * breaks and tabs too. A valid record can hold a raw CR between tokens (JSON
 * whitespace), which would overwrite the line on screen.
 */
export function escapeJsonLines(text: string): string {
  const risky = jsonEscapeRisky(text);
  if (!/[\u0000-\u0008\u000b-\u001f]/.test(risky)) return risky;
  // Inside a string a control becomes its \u escape; between tokens (where `\u000d` would not be JSON) it is
  // JSON whitespace or an error either way, so a space keeps the line valid and harmless.
  let out = '';
  let inString = false;
  for (let i = 0; i < risky.length; i++) {
    const ch = risky[i] as string;
    const code = ch.charCodeAt(0);
    if (ch === '\n') inString = false;
    else if (inString && ch === '\\') {
      out += ch + (risky[++i] ?? '');
      continue;
    } else if (ch === '"') inString = !inString;
    else if (code < 0x20 && ch !== '\t') {
      out += inString ? `\\u${hex(code, 4)}` : ' ';
      continue;
    }
    out += ch;
  }
  return out;
}

/** JSON.stringify for a terminal: the same JSON value, with no raw control, bidi or invisible format character. */
export function safeJson(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined ? String(json) : jsonEscapeRisky(json);
}
