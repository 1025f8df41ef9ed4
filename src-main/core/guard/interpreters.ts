/**
 * Interpreters given code on the command line: `python3 -c CODE`, `perl -e`,
 * `ruby -e`, `node -e`/`--eval`/`-p`, `php -r`, `deno eval`, `bun -e`, and
 * awk's program text. Reads the argv the way each interpreter does: where
 * the code is, whether it reads its code from stdin, which words are its
 * script arguments (they may carry the paths it writes), and whether it
 * edits files in place (`perl -i`, `ruby -i`, `gawk -i inplace`).
 */
import { longName, mayBeOption } from './options.js';
import type { Lang } from './payload-lexer.js';
import { isStdinPath } from './targets.js';
import { commandName } from './unwrap.js';
import { type Word, literalWord } from './words.js';

/** gawk's long options (getopt_long: a shortened one is the one it starts). */
const AWK_LONG = {
  long: ['assign', 'field-separator', 'file', 'source', 'include', 'load', 'exec'],
  flags: ['characters-as-bytes', 'posix', 'traditional', 'lint', 'sandbox'],
};
/** Options that print and exit (no code runs, nothing is read from stdin), per language. */
const INFO: Record<Lang, RegExp> = {
  python: /^(-V|-VV|-h|--version|--help)$/,
  perl: /^(-v|-h)$/,
  ruby: /^(-h|--version|--help)$/,
  node: /^(-v|-h|--version|--help)$/,
  php: /^(-v|-h|--version|--help)$/,
  awk: /^(--version|--help)$/,
};

export interface Interpreter {
  lang: Lang;
  name: string;
  /** Inline code, in order (perl and ruby take several -e). */
  code: Word[];
  /** No inline code and no script file: the code comes from stdin. */
  readsStdin: boolean;
  /** Script arguments or input files. */
  args: Word[];
  /** The args are edited in place. */
  inPlace: boolean;
  /** The script is a process substitution (`python3 <(...)`): code we cannot see. */
  fromProcSub?: boolean;
}

export function languageOf(name: string | null): Lang | null {
  if (name === null) return null;
  if (/^(python[0-9.]*|pypy[0-9.]*)$/.test(name)) return 'python';
  if (/^perl[0-9.]*$/.test(name)) return 'perl';
  if (/^(ruby[0-9.]*|jruby)$/.test(name)) return 'ruby';
  if (/^(node|nodejs|bun|deno)$/.test(name)) return 'node';
  if (/^php[0-9.]*$/.test(name)) return 'php';
  if (/^(awk|gawk|mawk|nawk)$/.test(name)) return 'awk';
  return null;
}

export function interpreterOf(argv: Word[]): Interpreter | null {
  const name = commandName(argv[0]);
  const lang = languageOf(name);
  if (lang === null || name === null) return null;
  const it: Interpreter = { lang, name, code: [], readsStdin: false, args: [], inPlace: false };
  const words = argv.slice(1);
  if (name === 'deno') {
    // `deno eval [options] CODE`; anything else runs a file.
    if (words[0]?.literal !== 'eval') return null;
    const code = words.slice(1).find((w) => !w.literal?.startsWith('-'));
    if (code) it.code.push(code);
    return it;
  }
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    const lit = w.literal;
    // A word that may expand to options (`$OPTS`, `"$(...)"`) could be `-c CODE`: read as code
    // (and refused, not literal). A quoted variable is a script path, like `sh "$SCRIPT"`.
    if (lit === null) {
      if (it.code.length === 0 && lang !== 'awk' && mayBeOption(w)) return { ...it, code: [w] };
      break;
    }
    if (it.code.length === 0 && INFO[lang].test(lit)) return null;
    if (lit === '--') {
      i++;
      break;
    }
    if (lit === '-') {
      if (it.code.length === 0) it.readsStdin = true;
      i++;
      break;
    }
    if (!lit.startsWith('-')) break;
    const taken = option(lang, lit, words[i + 1], it);
    // The code is in a module or file we cannot see (`python -m`, `php -f`): like a script file.
    if (taken === 'stop') return it.code.length ? it : null;
    i += taken;
    // python's -c ends its options: the rest are sys.argv.
    if (lang === 'python' && it.code.length) {
      i++;
      break;
    }
  }
  const rest = words.slice(i);
  if (it.code.length === 0) {
    if (lang === 'awk' && rest.length) {
      it.code.push(rest[0]!);
      it.args = rest.slice(1);
      return it;
    }
    // A script file: its contents are not on the command line; unless it is stdin (`/dev/stdin`)
    // or a process substitution, whose code we cannot see.
    const script = rest[0];
    if (script?.procSub) return { ...it, fromProcSub: true, args: rest.slice(1) };
    if (script && !isStdinPath(script.values)) return null;
    it.readsStdin = true;
    it.args = rest.slice(1);
    return it;
  }
  it.args = rest;
  return it;
}

/**
 * One option word: how many extra words it used (0 or 1), or 'stop' when the
 * code comes from elsewhere (`python -m`, `php -f`, `awk -f`).
 */
function option(lang: Lang, lit: string, next: Word | undefined, it: Interpreter): number | 'stop' {
  if (lit.startsWith('--')) {
    const eq = lit.indexOf('=');
    const raw = lit.slice(2, eq === -1 ? undefined : eq);
    const opt = `--${lang === 'awk' ? longName(raw, AWK_LONG) : raw}`;
    const val = eq === -1 ? null : lit.slice(eq + 1);
    if ((lang === 'node' && (opt === '--eval' || opt === '--print')) || (lang === 'awk' && opt === '--source')) {
      if (val !== null) it.code.push(literalWord(val));
      else if (next) it.code.push(next);
      return val !== null ? 0 : 1;
    }
    // gawk `--include inplace` is `-i inplace`: the files are edited in place.
    if (lang === 'awk' && opt === '--include' && /^(.*\/)?inplace(\.awk)?$/.test(val ?? next?.literal ?? '')) {
      it.inPlace = true;
      return val !== null ? 0 : 1;
    }
    if (lang === 'awk' && (opt === '--file' || opt === '--include' || opt === '--load' || opt === '--exec')) return 'stop';
    const withArg =
      lang === 'node' ? ['--require', '--import', '--loader', '--experimental-loader', '--input-type', '--conditions', '--env-file'] : lang === 'awk' ? ['--assign', '--field-separator'] : [];
    return val === null && withArg.includes(opt) ? 1 : 0;
  }
  const spec = SHORT[lang];
  for (let k = 1; k < lit.length; k++) {
    const ch = lit[k]!;
    const attached = lit.slice(k + 1);
    if (spec.code.includes(ch)) {
      // node's `-pe CODE` is -p and -e; its code is never attached.
      if (lang === 'node') {
        if (next) it.code.push(next);
        return 1;
      }
      if (attached) it.code.push(literalWord(attached));
      else if (next) it.code.push(next);
      return attached ? 0 : 1;
    }
    if (spec.stop.includes(ch)) return 'stop';
    if (ch === 'i' && spec.inPlace) {
      it.inPlace = true;
      // perl/ruby -i takes an attached backup suffix; gawk `-i inplace` takes a word.
      if (lang === 'awk') {
        const lib = attached || next?.literal || '';
        if (!/^(.*\/)?inplace(\.awk)?$/.test(lib)) return 'stop'; // `-i lib` loads awk code from a file
        return attached ? 0 : 1;
      }
      // `-pie` is -i with suffix "e" to perl, but read conservatively as code next.
      if (attached === 'e' || attached === 'E') {
        if (next) it.code.push(next);
        return 1;
      }
      return 0;
    }
    if (spec.arg.includes(ch)) return attached ? 0 : 1;
    if (spec.attachedArg.includes(ch)) return 0;
  }
  return 0;
}

interface ShortSpec {
  /** Letters whose argument is code. */
  code: string;
  /** Letters after which the code is in a file or module we cannot see. */
  stop: string;
  /** Letters that take an argument (attached or the next word). */
  arg: string;
  /** Letters whose argument is only ever attached (the rest of the word). */
  attachedArg: string;
  inPlace: boolean;
}

const SHORT: Record<Lang, ShortSpec> = {
  python: { code: 'c', stop: 'm', arg: 'WXQ', attachedArg: '', inPlace: false },
  perl: { code: 'eE', stop: '', arg: '', attachedArg: 'IMmlOFCxdD0', inPlace: true },
  ruby: { code: 'e', stop: '', arg: 'rICEF', attachedArg: 'xWT0', inPlace: true },
  node: { code: 'ep', stop: '', arg: 'r', attachedArg: '', inPlace: false },
  php: { code: 'rRBE', stop: 'fF', arg: 'dczt', attachedArg: '', inPlace: false },
  awk: { code: 'e', stop: 'fE', arg: 'Fv', attachedArg: '', inPlace: true },
};
