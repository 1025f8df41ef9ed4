/**
 * A byte-preserving dotenv reader and editor. The operator's .env holds their
 * API keys and comments; an edit must change only the value it means to and
 * keep every other byte: order, comments, blank lines, quoting style, CRLF.
 *
 * Grammar (what the agent's loader accepts, per the contract): `KEY=value`,
 * optional `export `, `#` comment lines, values bare or in single or double
 * quotes, an inline ` # comment` after a bare value. The last assignment of a
 * key wins, as in python-dotenv.
 */
export interface EnvLine {
  /** The whole line, without its terminator. */
  text: string;
  /** '\n', '\r\n' or '' (last line without newline). */
  eol: string;
  key: string | null;
  /** Offsets of the raw value (quotes included) inside `text`. */
  valueStart: number;
  valueEnd: number;
  value: string;
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}

function parseLine(text: string, eol: string): EnvLine {
  const none: EnvLine = { text, eol, key: null, valueStart: 0, valueEnd: 0, value: '' };
  let i = 0;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text.startsWith('export ', i)) {
    i += 7;
    while (i < text.length && text[i] === ' ') i++;
  }
  const eq = text.indexOf('=', i);
  if (eq < 0 || text[i] === '#') return none;
  const key = text.slice(i, eq).trimEnd();
  if (!KEY_RE.test(key)) return none;
  let v = eq + 1;
  while (v < text.length && (text[v] === ' ' || text[v] === '\t')) v++;
  const q = text[v];
  if (q === '"' || q === "'") {
    const close = text.indexOf(q, v + 1);
    if (close > v) return { text, eol, key, valueStart: v, valueEnd: close + 1, value: text.slice(v + 1, close) };
  }
  // Bare value: up to an inline comment (a # after whitespace), trailing space trimmed.
  let end = text.length;
  for (let j = v; j < text.length; j++) {
    if (text[j] === '#' && (j === v || text[j - 1] === ' ' || text[j - 1] === '\t')) {
      end = j;
      break;
    }
  }
  while (end > v && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  // An empty value is edited right after '=', so a following comment keeps its space.
  if (end === v) return { text, eol, key, valueStart: eq + 1, valueEnd: eq + 1, value: '' };
  return { text, eol, key, valueStart: v, valueEnd: end, value: text.slice(v, end) };
}

export function parseEnvLines(source: string): EnvLine[] {
  const out: EnvLine[] = [];
  let pos = 0;
  while (pos < source.length) {
    const nl = source.indexOf('\n', pos);
    if (nl < 0) {
      out.push(parseLine(source.slice(pos), ''));
      break;
    }
    const cr = nl > pos && source[nl - 1] === '\r';
    out.push(parseLine(source.slice(pos, cr ? nl - 1 : nl), cr ? '\r\n' : '\n'));
    pos = nl + 1;
  }
  return out;
}

/** Effective values (last assignment wins). */
export function parseDotenv(source: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of parseEnvLines(source)) if (l.key !== null) m.set(l.key, l.value);
  return m;
}

/**
 * Set `key` to `value`, touching only the bytes of the effective assignment's
 * value (keeping its quote style), or appending one line when the key is
 * absent. The value must already be validated (see identifiers.ts).
 */
export function setEnvValue(source: string, key: string, value: string): string {
  const lines = parseEnvLines(source);
  let idx = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.key === key) idx = i;
  if (idx < 0) {
    const sep = source.length > 0 && !source.endsWith('\n') ? (source.includes('\r\n') ? '\r\n' : '\n') : '';
    const eol = source.includes('\r\n') ? '\r\n' : '\n';
    return `${source}${sep}${key}=${value}${eol}`;
  }
  const l = lines[idx]!;
  const raw = l.text.slice(l.valueStart, l.valueEnd);
  const q = raw.length >= 2 && (raw[0] === '"' || raw[0] === "'") && raw[raw.length - 1] === raw[0] ? raw[0] : '';
  // An empty bare value followed by an inline comment needs a space kept before '#'; it already is.
  let tail = l.text.slice(l.valueEnd);
  // `KEY=# note` holds an empty value then a comment: keep them apart once a value is written.
  if (q === '' && value !== '' && tail.startsWith('#')) tail = ` ${tail}`;
  const text = `${l.text.slice(0, l.valueStart)}${q}${value}${q}${tail}`;
  return lines.map((x, i) => (i === idx ? text : x.text) + x.eol).join('');
}
