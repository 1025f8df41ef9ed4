/**
 * Compressors replace their input file: `gzip FILE` deletes FILE and writes
 * FILE.gz (so `gzip ~/.jarvis/breaker.json` leaves no breaker file, which
 * reads as armed), `gunzip X.gz` writes X. xz, bzip2, lzip, compress and
 * pigz do the same; zstd, lz4 and brotli keep the input unless told `--rm`.
 * `-c` (to stdout), `-t` (test) and `-l` (list) touch nothing.
 */
import { type Effects, effectOf } from './effects.js';
import { type OptSpec, hasAny, optArgs, parseOptions } from './options.js';
import { type Word, makeWord } from './words.js';

interface Tool {
  /** The input is deleted unless kept (`-k`); false: kept unless `--rm`. */
  deletes: boolean;
  /** The name itself means decompress (`gunzip`). */
  decompress?: boolean;
  spec: OptSpec;
  /** Options whose argument is the output file. */
  output?: string[];
  /** `lz4 IN OUT`: a second operand is the output. */
  secondIsOutput?: boolean;
}

const FLAGS = ['stdout', 'to-stdout', 'decompress', 'uncompress', 'keep', 'list', 'recursive', 'test', 'force'];
const GZ: OptSpec = { short: 'S', long: ['suffix'], numeric: true, flags: FLAGS };
const XZ: OptSpec = { short: 'TFCMS', long: ['threads', 'format', 'check', 'memlimit', 'suffix'], numeric: true, flags: FLAGS };
const KEEPER: OptSpec = { short: 'oDT', long: ['output-dir-flat', 'output-dir-mirror'], numeric: true, flags: ['rm', ...FLAGS] };

const TOOLS: Record<string, Tool> = {
  gzip: { deletes: true, spec: GZ },
  gunzip: { deletes: true, decompress: true, spec: GZ },
  pigz: { deletes: true, spec: GZ },
  unpigz: { deletes: true, decompress: true, spec: GZ },
  bzip2: { deletes: true, spec: GZ },
  bunzip2: { deletes: true, decompress: true, spec: GZ },
  pbzip2: { deletes: true, spec: GZ },
  xz: { deletes: true, spec: XZ },
  unxz: { deletes: true, decompress: true, spec: XZ },
  lzma: { deletes: true, spec: XZ },
  unlzma: { deletes: true, decompress: true, spec: XZ },
  lzip: { deletes: true, spec: { ...XZ, short: 'ob' }, output: ['o', 'output'] },
  compress: { deletes: true, spec: GZ },
  uncompress: { deletes: true, decompress: true, spec: GZ },
  zstd: { deletes: false, spec: KEEPER, output: ['o'] },
  unzstd: { deletes: false, decompress: true, spec: KEEPER, output: ['o'] },
  lz4: { deletes: false, spec: KEEPER, secondIsOutput: true },
  brotli: { deletes: false, spec: { ...KEEPER, long: ['output', 'suffix'] }, output: ['o', 'output'] },
};

const SUFFIX = /\.(gz|z|Z|bz2|xz|lzma|lz|zst|lz4|br|tgz|tbz2|txz)$/;

export const isCompressor = (name: string) => name in TOOLS;

export function compressor(name: string, args: Word[], out: Effects): void {
  const tool = TOOLS[name]!;
  const p = parseOptions(args, tool.spec);
  if (hasAny(p, 'c', 't', 'l', 'stdout', 'to-stdout', 'test', 'list')) return;
  const unsure = p.maybeOptions;
  const decompress = tool.decompress || hasAny(p, 'd', 'decompress', 'uncompress') || unsure;
  const inputs = tool.secondIsOutput && !hasAny(p, 'm', 'multiple') && p.operands.length === 2 ? p.operands.slice(0, 1) : p.operands;
  const deletes = (tool.deletes ? !hasAny(p, 'k', 'keep') : hasAny(p, 'rm')) || unsure;
  const reach = hasAny(p, 'r', 'recursive') || unsure ? 'tree' : 'path';
  if (deletes) for (const w of inputs) out.writes.push(effectOf(w, reach, 'deletes (compressing it away)'));
  for (const o of optArgs(p, ...(tool.output ?? []))) out.writes.push(effectOf(o, 'path', 'writes'));
  if (tool.secondIsOutput && inputs.length === 1 && p.operands[1]) out.writes.push(effectOf(p.operands[1], 'path', 'writes'));
  if (!decompress) return;
  // Decompressing X.gz writes X.
  for (const w of inputs) {
    const values = w.values.filter((v) => SUFFIX.test(v)).map((v) => v.replace(SUFFIX, ''));
    if (values.length) out.writes.push(effectOf(makeWord(w.text, values), 'path', 'writes (decompressing)'));
  }
}
