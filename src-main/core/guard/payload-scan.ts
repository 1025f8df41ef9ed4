/**
 * What an inline interpreter payload can do, read from its tokens: the shell
 * commands it hands to a shell (literal ones are checked as shell, computed
 * ones refused), the code it evaluates, the string literals it holds, and
 * whether it can run processes (`shell`), write or delete files (`fs`), or
 * delete whole trees or move folders (`tree`). Capabilities are read from the
 * raw text by name, so a call we do not recognise (an alias, an indirect
 * call) still switches the checks on; dynamic features (`__import__`,
 * `getattr`, `eval` of a string...) switch them all on.
 */
import { type LangRules, PY_GENERIC, RULES, dynamicTokens, writesByTokens } from './payload-languages.js';
import { type Lang, type Tok, lex } from './payload-lexer.js';

export interface PayloadScan {
  /** Literal shell text handed to a shell call (checked as shell, strictly). */
  shell: string[];
  /** Why a shell call or evaluation gets text we cannot read, or null. */
  computed: string | null;
  /** Shell text with interpolated parts (ANY markers) handed to a shell: checked with the parts unknown, then refused anyway. */
  computedShell: string[];
  /** Literal code handed to eval/exec (scanned again as the same language). */
  evaluated: string[];
  /** Every string literal (ANY markers where interpolated), regexes excluded. */
  strings: Array<{ value: string; lit: boolean }>;
  caps: { shell: boolean; fs: boolean; tree: boolean };
  /** The lexer could not read all of it. */
  anomaly: boolean;
}

/** Literal shell text for an argv (each element single-quoted). */
export const argvText = (argv: string[]) => argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');

export function scanPayload(lang: Lang, code: string): PayloadScan {
  const rules = RULES[lang];
  const { toks, anomaly } = lex(lang, code);
  const dynamic = rules.dynamic.test(code) || dynamicTokens(lang, toks);
  const out: PayloadScan = {
    shell: [],
    computed: null,
    computedShell: [],
    evaluated: [],
    strings: [],
    caps: {
      shell: dynamic || rules.shellCap.test(code),
      fs: dynamic || rules.fsCap.test(code) || (rules.inPlace?.test(code) ?? false) || writesByTokens(lang, toks),
      tree: dynamic || rules.treeCap(code),
    },
    anomaly,
  };
  const refuse = (why: string) => (out.computed ??= why);
  for (let j = 0; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.k === 'str' && !t.re) {
      out.strings.push({ value: t.s, lit: t.lit });
      // "/opt/jar" + "vis/.env": a path glued from literals is read whole too.
      const joined = concatenation(toks, j, lang);
      if (joined) out.strings.push(joined);
    }
    if (t.k === 'exec') {
      if (t.lit) out.shell.push(t.s);
      else {
        out.computedShell.push(t.s);
        refuse('a backtick command with interpolated text');
      }
      out.caps.shell = true;
      continue;
    }
    if (lang === 'awk' && t.k === 'p' && (t.s === '|' || t.s === '|&')) {
      awkPipe(toks, j, out, refuse);
      continue;
    }
    if (t.k !== 'id') continue;
    const name = t.s.replace(/^[&$@]/, '');
    const prev = toks[j - 1];
    const method = prev !== undefined && prev.k === 'p' && (prev.s === '.' || prev.s === '->' || prev.s === '::');
    // python's generic names (run, call, ...) count as a subprocess call only after `subprocess.`.
    const generic = lang === 'python' && PY_GENERIC.has(name) && !(method && toks[j - 2]?.s === 'subprocess');
    if (rules.shellCalls.has(name) && !generic && (out.caps.shell || lang !== 'node')) {
      const args = argsAfter(toks, j, lang);
      if (args) shellCall(name, args, rules, out, refuse);
      continue;
    }
    if (rules.evalCalls.has(name) && !(lang === 'python' && method) && !(lang === 'node' && method && name === 'eval')) {
      // perl `eval { ... }` and ruby `instance_eval { ... }` / `do ... end` are blocks, not text.
      const next = toks[j + 1];
      if (next?.s === '{' || (next?.k === 'id' && next.s === 'do')) continue;
      const args = argsAfter(toks, j, lang);
      if (!args) continue;
      const values = (name === 'Function' ? args : args.slice(0, 1)).map(firstValue);
      const timer = name === 'setTimeout' || name === 'setInterval';
      for (const v of values) {
        if (v.kind === 'str' && v.lit) out.evaluated.push(v.value);
        else if (!(timer && v.kind === 'other')) refuse(`${name}() evaluates text that is not a literal`);
      }
      continue;
    }
    if (rules.openCalls.has(name)) {
      // python's `path.open(mode)` (pathlib, a file object) takes the mode first; `io.open(path, mode)` second.
      const receiver = method ? toks[j - 2] : undefined;
      const modeFirst = lang === 'python' && method && !(receiver?.k === 'id' && PY_OPEN_MODULES.has(receiver.s));
      openCall(name, argsAfter(toks, j, lang) ?? [], rules, lang, out, refuse, modeFirst);
    }
  }
  return out;
}

type Refuse = (why: string) => void;

const CONCAT: Record<Lang, string> = { python: '+', node: '+', ruby: '+', perl: '.', php: '.', awk: '' };

/** String literals joined by the language's concatenation (or juxtaposition) starting at toks[j], when there are several. */
function concatenation(toks: Tok[], j: number, lang: Lang): { value: string; lit: boolean } | null {
  const prev = toks[j - 1];
  if (prev && (prev.k === 'str' || prev.s === CONCAT[lang])) return null; // not the start of a chain
  let value = toks[j]!.s;
  let lit = toks[j]!.lit;
  let k = j + 1;
  let parts = 1;
  for (;;) {
    const a = toks[k];
    const b = toks[k + 1];
    if (a?.k === 'str' && !a.re) {
      value += a.s;
      lit &&= a.lit;
      k++;
    } else if (a?.k === 'p' && a.s === CONCAT[lang] && b?.k === 'str' && !b.re) {
      value += b.s;
      lit &&= b.lit;
      k += 2;
    } else break;
    parts++;
  }
  return parts > 1 ? { value, lit } : null;
}

function shellCall(name: string, args: Tok[][], rules: LangRules, out: PayloadScan, refuse: Refuse): void {
  out.caps.shell = true;
  const positional = args.filter((a) => !isKeywordArg(a));
  const first = firstValue(positional[0] ?? []);
  if (first.kind === 'other') return refuse(`${name}() runs a command that is not a literal`);
  if (first.kind === 'list') {
    if (first.values.some((v) => v === null)) return refuse(`${name}() runs an argv that is not all literal`);
    out.shell.push(argvText(first.values as string[]));
    return;
  }
  if (!first.lit) {
    out.computedShell.push(first.value);
    return refuse(`${name}() runs a command built from variables`);
  }
  const rest: string[] = [];
  for (const a of positional.slice(1)) {
    const v = firstValue(a);
    if (v.kind === 'str' && v.lit) rest.push(v.value);
    else if (v.kind === 'list' && v.values.every((x) => x !== null)) rest.push(...(v.values as string[]));
    else if (v.kind === 'list' || (v.kind === 'str' && !v.lit)) return refuse(`${name}() runs an argv that is not all literal`);
    else break;
  }
  if (rest.length === 0 && !rules.execFamily?.test(name)) out.shell.push(first.value);
  else out.shell.push(argvText(rules.execFamily?.test(name) ? [first.value, ...rest.slice(1)] : [first.value, ...rest]));
}

/** Modules whose `open` takes the path first (`io.open(path, mode)`), unlike a path object's `p.open(mode)`. */
const PY_OPEN_MODULES = new Set(['os', 'io', 'codecs', 'gzip', 'bz2', 'lzma', 'tarfile', 'zipfile', 'builtins', 'dbm', 'shelve', 'wave', 'tokenize']);
/** A python mode string (`'w'`, `'ab+'`), not a path. */
const PY_MODE = /^[rwxabtU+]{1,4}$/;

/** open/fopen/File.open: a write mode is a file capability; a perl or ruby pipe open runs a command. */
function openCall(name: string, args: Tok[][], rules: LangRules, lang: Lang, out: PayloadScan, refuse: Refuse, modeFirst: boolean): void {
  const values = args.length === 1 && args[0]!.length === 0 ? [] : args.map(firstValue);
  if (lang === 'perl' || lang === 'ruby') {
    for (let k = 0; k < values.length; k++) {
      const v = values[k]!;
      if (v.kind !== 'str' || !v.lit) continue;
      if (v.value === '-|' || v.value === '|-') {
        out.caps.shell = true;
        const rest = values.slice(k + 1);
        if (rest.every((x) => x.kind === 'str' && x.lit)) out.shell.push(argvText(rest.map((x) => (x as { value: string }).value)));
        else refuse(`${name}() pipes to a command that is not a literal`);
        return;
      }
      if (/^\s*\|/.test(v.value) || (lang === 'perl' && /\|\s*$/.test(v.value))) {
        out.caps.shell = true;
        out.shell.push(v.value.replace(/^\s*\||\|\s*$/g, ''));
        return;
      }
    }
  }
  // The mode is the second argument everywhere: open(path, mode), fopen(path, mode),
  // File.open(path, mode), fs.openSync(path, flags), perl's open(FH, MODE, path); or python's mode=,
  // or the first of a python path object's `p.open(mode)`.
  const kw = args.find((a) => a[0]?.k === 'id' && a[0].s === 'mode' && a[1]?.s === '=');
  if (modeFirst && !kw) {
    const m = values[0];
    if (m !== undefined && (m.kind !== 'str' || !m.lit || (PY_MODE.test(m.value) && rules.writeMode.test(m.value)))) out.caps.fs = true;
    return;
  }
  const mode = kw ? firstValue(kw.slice(2)) : values[1];
  if (lang === 'perl' && values.length === 2) {
    // Two-argument open: the mode sits in front of the path.
    const v = values[1]!;
    if (v.kind !== 'str' || !v.lit || rules.writeMode.test(v.value)) out.caps.fs = true;
    return;
  }
  if (mode === undefined) return; // read by default
  if (mode.kind !== 'str' || !mode.lit || rules.writeMode.test(mode.value)) out.caps.fs = true;
}

/** awk: `"cmd" | getline` and `print | "cmd"` run a command. */
function awkPipe(toks: Tok[], j: number, out: PayloadScan, refuse: Refuse): void {
  out.caps.shell = true;
  const before = toks[j - 1];
  const after = toks[j + 1];
  if (after?.k === 'id' && after.s === 'getline') {
    if (before?.k === 'str' && before.lit) out.shell.push(before.s);
    else refuse('awk pipes a command that is not a literal into getline');
  } else if (after?.k === 'str' && after.lit) out.shell.push(after.s);
  else refuse('awk prints into a command that is not a literal');
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** Tokens an argument list is read over at most; a longer one is an argument we cannot read (keeps nested calls linear). */
const MAX_ARG_TOKENS = 256;
const UNREAD: Tok = { k: 'p', s: '…', lit: false };

/**
 * The arguments of a call at toks[j]: inside parentheses, or (perl, ruby,
 * php) up to the end of the statement. Split on top-level commas.
 */
function argsAfter(toks: Tok[], j: number, lang: Lang): Tok[][] | null {
  let k = j + 1;
  const paren = toks[k]?.s === '(' && toks[k]?.k === 'p';
  if (!paren) {
    if (lang === 'python' || lang === 'node' || lang === 'awk') return null;
    const t = toks[k];
    if (!t || (t.k === 'p' && /^(=|\.|,|;|\)|\}|\]|=>|->|::|\n|==|=~)$/.test(t.s))) return null;
  } else k++;
  const args: Tok[][] = [[]];
  const stack: string[] = [];
  const limit = k + MAX_ARG_TOKENS;
  for (; k < toks.length; k++) {
    if (k >= limit) return [[UNREAD]];
    const t = toks[k]!;
    if (t.k === 'p') {
      if (stack.length === 0) {
        if (paren && t.s === ')') return trimArgs(args);
        if (!paren && (t.s === ';' || t.s === '\n' || t.s === ')' || t.s === '}' || t.s === '&&' || t.s === '||')) return trimArgs(args);
        if (t.s === ',') {
          args.push([]);
          continue;
        }
      }
      if (t.s in CLOSERS) stack.push(CLOSERS[t.s]!);
      else if (t.s === stack[stack.length - 1]) stack.pop();
    } else if (!paren && stack.length === 0 && t.k === 'id' && /^(or|and|if|unless|until|while)$/.test(t.s)) return trimArgs(args);
    args[args.length - 1]!.push(t);
  }
  return trimArgs(args);
}

const trimArgs = (args: Tok[][]) => args.map((a) => a.filter((t) => !(t.k === 'p' && t.s === '\n'))).filter((a, i) => a.length > 0 || i === 0);

/** `shell=True`, `chdir: "/x"`, `"k" => v`: not a positional argument. */
const isKeywordArg = (a: Tok[]) => (a[0]?.k === 'id' && (a[1]?.s === '=' || a[1]?.s === ':')) || a[1]?.s === '=>';

type Value = { kind: 'str'; value: string; lit: boolean } | { kind: 'list'; values: Array<string | null> } | { kind: 'other' };

/** One argument: a string (adjacent literals glued, as python does), a list of strings, or something else. */
function firstValue(a: Tok[]): Value {
  const toks = a[0]?.k === 'p' && a[0].s === '*' ? a.slice(1) : a;
  if (toks.length && toks.every((t) => t.k === 'str' && !t.re)) {
    return { kind: 'str', value: toks.map((t) => t.s).join(''), lit: toks.every((t) => t.lit) };
  }
  const open = toks[0];
  if (open?.k === 'p' && (open.s === '[' || open.s === '(') && toks[toks.length - 1]?.s === CLOSERS[open.s]) {
    const inner = toks.slice(1, -1);
    const values: Array<string | null> = [];
    let expectValue = true;
    for (const t of inner) {
      if (t.k === 'p' && t.s === ',') {
        expectValue = true;
        continue;
      }
      if (t.k === 'p' && t.s === '\n') continue;
      if (!expectValue) return { kind: 'other' };
      values.push(t.k === 'str' && t.lit && !t.re ? t.s : null);
      expectValue = false;
    }
    return { kind: 'list', values };
  }
  if (toks[0]?.k === 'id' && toks[0].s === 'array' && toks[1]?.s === '(') return firstValue(toks.slice(1));
  return { kind: 'other' };
}
