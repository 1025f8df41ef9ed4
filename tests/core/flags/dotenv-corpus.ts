/**
 * Hand-made .env files: every reproduction of issue 13 (point 1) and every
 * corner of python-dotenv's grammar we know of. The parity test reads each
 * with our grammar and with the judge (Debian's python3-dotenv); `doubts`,
 * when given, is the exact set of doubt kinds we must report (and `[]` means
 * "certain": the flag reading must stand on its own).
 */
import type { DoubtKind } from '../../../src-main/core/flags/dotenv.js';

export interface CorpusFile {
  name: string;
  bytes: Buffer;
  /** The agent's environment for this case (default: empty). */
  env?: Record<string, string>;
  /** The doubt kinds expected, as a sorted set. */
  doubts?: DoubtKind[];
}

const F = 'JARVIS_SELF_MODIFY_ALLOWED';
const T = 'DISCORD_TRUSTED_USER_IDS';

const text = (name: string, s: string, doubts?: DoubtKind[], env?: Record<string, string>): CorpusFile => ({
  name,
  bytes: Buffer.from(s, 'utf8'),
  ...(doubts ? { doubts } : {}),
  ...(env ? { env } : {}),
});
const raw = (name: string, b: number[] | Buffer, doubts?: DoubtKind[]): CorpusFile => ({ name, bytes: Buffer.from(b), ...(doubts ? { doubts } : {}) });

/** Issue 13, point 1: files where the old reader said "paused" while the agent read 1. */
export const REPRODUCTIONS: CorpusFile[] = [
  text('issue: NOTE=" swallows a later =0 (\\n)', `${F}=1\nNOTE="\n${F}=0\n"\n`, ['assignment-in-quotes']),
  text('issue: NOTE=" swallows a later =0 (lone CR)', `${F}=1\rNOTE="\r${F}=0\r"\r`, ['assignment-in-quotes']),
  text("issue: NOTE=' swallows a later =0 (single quotes)", `${F}=1\nNOTE='\n${F}=0\n'\n`, ['assignment-in-quotes']),
  text('issue: export<TAB>KEY=1 after KEY=0', `${F}=0\nexport\t${F}=1\n`, []),
  text('issue: a lone CR hides the last assignment', `${F}=0 # paused\r${F}=1\n`, []),
  text('issue: CRLF and a lone CR', `A=1\r\n${F}=0\r${F}=1\r\n`, []),
  text('issue: trust entry repeated inside a quoted block', `${T}=234567890123456789\nNOTE='\n${T}=345678901234567890\n'\n`, ['assignment-in-quotes']),
];

export const CORPUS: CorpusFile[] = [
  ...REPRODUCTIONS,
  // Empty and blank
  text('empty', '', []),
  text('blank lines', '\n\n  \n\t\n', []),
  text('only comments', '# a\n  # b\n#c=1\n', []),
  text('no final newline', 'A=1', []),
  text('trailing space, no newline', 'A=1  \t', []),
  // Line breaks
  text('CRLF', 'A=1\r\nB=2\r\n', []),
  text('lone CR', 'A=1\rB=2\r', []),
  text('mixed breaks', 'A=1\nB=2\r\nC=3\rD=4', []),
  text('CR CR LF', 'A=1\r\r\nB=2', []),
  // Bare values and comments
  text('inline comment', 'A=1 # c\nB=2\t#c\nC=3#c\nD=a b  c #x', []),
  text('hash right after =', 'A=#c\nB= #c\nC=\t#c', []),
  text('comment after empty value then more', 'A=\n#x\nB=  ', []),
  text('hash in value after unicode space', 'A=1\u00a0#c\nB=1\u3000#c\nC=1\x85#c\nD=1\x1c#c', []),
  text('value with unicode separators', 'A=1\u2028B=2\nC=x\u2029y', []),
  text('trailing unicode space stripped', 'A=1\u2003\nB=2\x1f\nC=3\ufeff', []),
  // Spacing around keys and =
  text('spaces around =', 'A = 1\nB\t=\t2\n  C=3\n\tD =  4 ', []),
  text('unicode space before key and around =', '\u00a0A\u2000=\u30001\n\x1cB=2', []),
  // export
  text('export forms', 'export A=1\nexport\tB=2\nexport   C = 3\nexport\u00a0D=4\nexport\x1cE=5', []),
  text('export as a key', 'export=1\nexportA=2\nexport\nexport F', []),
  text('export then = is a parse error', 'export =1\nB=2', ['parse-error']),
  text('export then nothing is a parse error', 'A=1\nexport \nB=2', ['parse-error']),
  // Quotes
  text('double quotes', 'A="x # y"\nB="x" # c\nC="x"#c\nD= "y"\nE=""', []),
  text('single quotes', "A='x # y'\nB='x' # c\nC='x'#c\nD=''", []),
  text('text after a closing quote', 'A="x" y\nB=2', ['parse-error']),
  text('text after a closing single quote', "A='x'y\nB=2", ['parse-error']),
  text('quote inside a bare value', 'A=x"y\nB=x\'y\nC=a "b" c', []),
  // Escapes
  text('double-quote escapes', 'A="\\n\\t\\\\\\"\\\'\\a\\b\\f\\r\\v"\nB="\\x41\\u0041\\$\\0"', []),
  text('single-quote escapes', "A='\\n\\\\\\''\nB='a\\'b'", []),
  text('no escapes in bare values', 'A=\\n\\t\\\\', []),
  text('\\\\ before a quote still reads as \\"', 'A="a\\\\"b"', []),
  text('unclosed: backtrack to the last \\"', 'A="abc\\"', ['closed-by-escape']),
  text('unclosed: backtrack, then text', 'A="a\\"b\\"c', ['parse-error']),
  text('backtrack across lines', 'A="x\\"\nB=2\n', ['closed-by-escape']),
  text('backtrack past later lines', 'A="x\\"\nB=\\"\n', ['assignment-in-quotes', 'closed-by-escape']),
  text('single-quote backtrack', "A='x\\'", ['closed-by-escape']),
  // Multi-line values
  text('multi-line double', 'A="line1\nline2"\nB=3', []),
  text('multi-line single with CRLF', "A='l1\r\nl2'\r\nB=3", []),
  text('multi-line with lone CR', 'A="l1\rl2"\rB=3', []),
  text('multi-line certificate, benign', `CERT="-----BEGIN KEY-----\nabc+/=\n-----END KEY-----"\n${F}=1\n`, []),
  text('multi-line holding lower-case name= lines (base64)', 'K="MIIB\nab+c/Q==\nqrs=\n"\nB=1', []),
  text('multi-line holding export lower=', 'A="x\nexport b=1\n"', ['assignment-in-quotes']),
  text('multi-line holding a comment-like line', 'A="x\n# B=1\n"\nC=2', []),
  text('multi-line holding export KEY=', 'A="x\n  export B=1\n"', ['assignment-in-quotes']),
  text('multi-line holding a quoted key =', 'A="x\n\'B\'=1"', ['assignment-in-quotes']),
  text('closing quote line looks like an assignment', 'A="x\nB=1"', ['assignment-in-quotes']),
  // Unterminated
  text('unterminated double quote', 'A="abc\nB=2\n', ['parse-error']),
  text('unterminated single quote', "A='abc\nB=2\n", ['parse-error']),
  text('unterminated flag value', `${F}="1\n${F}=0\n`, ['parse-error']),
  text('unterminated quoted key', "'abc=1\nB=2", ['parse-error']),
  text('empty quoted key', "''=1\nB=2", ['parse-error']),
  text('no key', '=1\nB=2', ['parse-error']),
  text('key then text', 'A junk\nB=2', ['parse-error']),
  // Keys
  text('quoted keys', "'A B'=1\n'A=B'=2\n'C'=3\n'D'", []),
  text('quoted key across lines', "'A\nB'=1", []),
  text('quoted key swallowing an assignment', `'X\n${F}=1'=2`, ['assignment-in-quotes']),
  text('odd key characters', 'A"B=1\nA\'B=2\nA.B-C=3\nü=4\n$X=5', []),
  text('quoted flag key', `'${F}'=1`, []),
  text('BOM is part of the first key', `\ufeff${F}=1\n`, []),
  text('BOM then blank line', '\ufeff\nA=1', []),
  // KEY alone and KEY=
  text('key alone', 'A\nB #c\nC#c\nexport D', []),
  text('key alone after an assignment', 'A=1\nA', []),
  text('flag alone after =1', `${F}=1\n${F}\n`, []),
  text('empty values', 'A=\nB= \nC=""\nD=\'\'', []),
  // Duplicates
  text('last assignment wins', 'A=1\nA=2\nB=x\nA=3', []),
  // Interpolation
  text('interpolate an earlier key', 'A=1\nB=${A}\nC=x${A}y${A}', []),
  text('interpolate with defaults', 'A=1\nB=${A:-2}\nC=${A:-}', []),
  text('interpolate a None key gives ""', 'A\nB=${A:-x}', []),
  text('interpolate in single quotes too', "A=1\nB='${A}'", []),
  text('not a variable', 'A=1\nB=$A\nC=${A:B}\nD=${A\nE=$${A}', []),
  text('odd variables', 'A=1\nB=${}\nC=${${A}}\nD=${A:-${A}}', ['environment']),
  text('self reference', 'A=1\nA=${A}2', []),
  text('later key is not visible', 'B=${A}\nA=1', ['environment']),
  text('environment default', 'B=${A:-2}', ['environment']),
  text('environment value', 'B=${HOME_X}', ['environment'], { HOME_X: 'x' }),
  text('flag from the environment', `${F}=\${ON}`, ['environment'], { ON: '1' }),
  text('flag through an environment key', `A=\${ON}\n${F}=\${A}`, ['environment'], { ON: '1' }),
  text('an API key from the environment is only its own doubt', `OPENAI_API_KEY=\${KEY}\n${F}=1`, ['environment'], { KEY: 'sk' }),
  text('environment doubt overridden later', `${F}=\${ON}\n${F}=0`, [], { ON: '1' }),
  text('interpolation in a quoted multi-line value', 'A=1\nB="${A}\n${A}"', []),
  // Encoding
  raw('invalid byte', [0x41, 0x3d, 0xff, 0x0a], ['not-utf8']),
  raw('lone lead byte', [0x41, 0x3d, 0xc3], ['not-utf8']),
  raw('surrogate in UTF-8', [0x41, 0x3d, 0xed, 0xa0, 0x80], ['not-utf8']),
  raw('above U+10FFFF', [0x41, 0x3d, 0xf4, 0x90, 0x80, 0x80], ['not-utf8']),
  raw('overlong slash', [0x41, 0x3d, 0xc0, 0xaf], ['not-utf8']),
  raw('truncated sequence at EOF', [0x41, 0x3d, 0xe2, 0x82], ['not-utf8']),
  raw('latin-1 file', Buffer.from(`${F}=1\nNAME=caf\xe9\n`, 'latin1'), ['not-utf8']),
  raw('valid 4-byte UTF-8', Buffer.from('A=\u{1F600}\n\u{1F600}=1', 'utf8'), []),
  text('NUL in a value', 'A=1\0\nB=2', ['nul']),
  text('NUL in quotes', 'A="\0"', ['nul']),
  // Realistic
  text(
    'reference droplet file',
    `# Stratam operator flags\n${F}=1\nJARVIS_ETERNAL_LOOP=1\n\nDISCORD_OWNER_ID=123456789012345678\n${T}=234567890123456789\nTELEGRAM_TRUSTED_USER_IDS=\nEMAIL_TRUSTED_SENDERS="ops@example.com"\nSMS_TRUSTED_NUMBERS='+14155550100'\nOPENAI_API_KEY=sk-test-not-a-real-key\n`,
    [],
  ),
  text('windows file', `# flags\r\nexport ${F}="1"\r\n${T}='1,2' # ops\r\n`, []),
];
