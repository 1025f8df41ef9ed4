/**
 * What may reach the log: one line of text with nothing in it that looks like
 * a secret. Callers pass messages, not objects (a connection config holds the
 * private key), but a message can still quote a `.env` line, a URL with a
 * token, or a key an error echoed back; those are cut out here, by shape, so
 * the log is safe to attach to a bug report.
 *
 * Redacted (each replaced by `[redacted]`):
 * - PEM blocks (`-----BEGIN ... KEY-----` to its END line, or to the end);
 * - the value after a name that says secret (`API_KEY=...`, `"token": "..."`,
 *   `password: ...`, `?sig=...`): key, token, secret, pass(word), pwd, auth,
 *   credential, cookie, session, signature, private;
 * - `Bearer ...` / `Basic ...` credentials and `user:pass@` in URLs;
 * - well-known token shapes (`sk-...`, `ghp_...`, `xox?-...`, `AKIA...`,
 *   `glpat-...`, JWTs);
 * - any long run that looks random: 32 or more base64url/hex characters with
 *   both letters and digits (a Fernet key, an API key, a hex secret), or 40
 *   or more standard base64 ones in mixed case with digits. Digests
 *   (sha256 of a record) are redacted too: the log is for reading what went
 *   wrong, and a hash tells a reader nothing.
 *
 * Then every control, bidi and invisible format character is escaped, as on a
 * terminal (see cli/terminal-safe.ts): a newline in a message must not forge
 * a second log line, and `stratam --verbose` prints these lines to a terminal.
 */

const R = '[redacted]';

const PEM = /-----BEGIN [A-Z0-9 ]*-----[\s\S]*?(?:-----END [A-Z0-9 ]*-----|$)/g;
// A name that ends in a secret word (`API_KEY`, `access_token`, `passphrase`), then `=` or `:`; `keyring.json:` is no such name.
const NAMED =
  /([A-Za-z0-9_.-]*?(?:keys?|tokens?|secrets?|passw(?:or)?d|passphrase|pass|pwd|auth|authorization|credentials?|cookies?|session|signature|sig)["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;"'}]+)/gi;
const SCHEME = /\b(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
const URL_USER = /(\/\/)[^\s/@:]+:[^\s/@]+@/g;
const KNOWN = /\b(?:sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[A-Z0-9]{16}|glpat-[A-Za-z0-9_-]{16,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/g;
// Without '/' so a path is not taken for a key; standard base64 (with '/') is caught by its mixed case and length.
const RANDOM = /[A-Za-z0-9+_=-]{32,}/g;
const BASE64 = /[A-Za-z0-9+/]{40,}={0,2}/g;
const RISKY = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A run that looks random rather than like words: letters and digits mixed. */
const looksRandom = (s: string) => /[0-9]/.test(s) && /[A-Za-z]/.test(s);
const looksBase64 = (s: string) => /[0-9]/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s);

export function scrub(text: string): string {
  return text
    .replace(PEM, R)
    .replace(SCHEME, (_m, scheme: string) => `${scheme} ${R}`)
    .replace(URL_USER, `$1${R}@`)
    .replace(NAMED, (_m, name: string, value: string) => (value === R ? `${name}${value}` : `${name}${R}`))
    .replace(KNOWN, R)
    .replace(BASE64, (m) => (looksBase64(m) ? R : m))
    .replace(RANDOM, (m) => (looksRandom(m) ? R : m));
}

/** Every risky character written visibly (`\n`, `\x1b`, `\u202e`), so one event stays one harmless line. */
export function oneLine(text: string): string {
  return text.replace(RISKY, (ch) => {
    if (ch === '\u200c' || ch === '\u200d') return ch; // ZWNJ, ZWJ: scripts and emoji need them
    const short = SHORT[ch];
    if (short) return short;
    const cp = ch.codePointAt(0) as number;
    return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
  });
}
