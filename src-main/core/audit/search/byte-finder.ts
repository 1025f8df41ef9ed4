/**
 * Finds the lines of a chunk that hold a needle, in the raw bytes, before
 * anything is decoded or parsed: the search's prefilter.
 *
 * How: Buffer.indexOf (native memchr on the first byte, then a native
 * compare) of a short anchor taken from the needle, in each of its case
 * spellings when the search is caseless, then a byte compare of the whole
 * needle around each hit, folding ASCII case through a table. The anchor
 * (1 to 4 bytes, at most 4 spellings) is chosen on a sample of the data
 * about to be searched (`tune`) by a cost estimate: each spelling is one
 * pass over the chunk, each occurrence of its first byte a native stop, and
 * each occurrence of the anchor a call back into JavaScript (the dear part).
 * So "Quokka-7ZX-marker" runs on `-7` (one spelling, and rare as a pair
 * though `-` is in every timestamp) rather than on `a`.
 *
 * Measured on 1,000,000 activity records (300 MB, 5 files, page cache warm,
 * 4 MiB chunks, one core), for a caseless needle absent from the data:
 *   - lower-case each chunk through a 256-byte table, then Buffer.indexOf of
 *     the lower-cased needle: 1.1 s (the JS loop over every byte dominates);
 *   - chunk as a latin1 string, RegExp with the `i` flag: 0.45-1.4 s (0.35 s
 *     of it is only making the strings);
 *   - latin1 string, toLowerCase(), String#indexOf: 3.6-5.2 s;
 *   - Buffer.indexOf of the exact needle (not even caseless): 0.27-0.34 s
 *     (Boyer-Moore-Horspool over every byte);
 *   - memchr of the rarest single byte, both cases: 0.08-0.25 s (a JS
 *     call per occurrence of that byte: `x` is in 1 record in 2);
 *   - this, anchors: 60-110 ms in all, of which the scan is 30 ms and the
 *     rest reading; `grep -F` 90-100 ms, `grep -iF` 100-200 ms. For needles
 *     of common letters ("marker": `rk`, 4 spellings) about twice that.
 * Searching a caseless part of the needle first is the case of this where
 * the anchor holds no letter (one spelling, one pass); the estimate picks it
 * when the data makes it cheap, and copes with needles of letters only.
 */

/** ASCII upper-case letters to lower case; every other byte to itself. */
export const FOLD = new Uint8Array(256).map((_, i) => (i >= 0x41 && i <= 0x5a ? i + 0x20 : i));
const NL = 0x0a;
const SAMPLE_BYTES = 16 * 1024;
const MAX_ANCHOR = 4;
const MAX_SPELLINGS = 4;
/** Relative costs (ns, measured roughly): a byte scanned by memchr, a native stop on the first byte, a call back into JS. */
const SCAN = 0.1;
const STOP = 10;
const CALL = 80;

const isLower = (b: number) => b >= 0x61 && b <= 0x7a;

export class ByteFinder {
  /** The needle, ASCII-folded when caseless. */
  private readonly pat: Uint8Array;
  /** Where the anchor starts in the needle, and its spellings. */
  private at = 0;
  private spellings: Buffer[] = [];

  /**
   * @param after a further check at the byte after each match (e.g. "a string
   *   value follows"); a match it refuses does not make the line a candidate.
   */
  constructor(
    needle: Uint8Array,
    readonly caseless: boolean,
    private readonly after?: (buf: Buffer, at: number) => boolean,
  ) {
    if (needle.length === 0) throw new Error('ByteFinder needs a non-empty needle');
    this.pat = caseless ? needle.map((b) => FOLD[b] ?? b) : Uint8Array.from(needle);
    this.use(0, Math.min(this.pat.length, MAX_ANCHOR));
  }

  /**
   * Choose the cheapest anchor for data like `sample` (a piece of what is
   * about to be searched). Everything here is native work (toLowerCase,
   * indexOf) with capped counts: a search runs this once, cold, before the
   * JIT has seen it, where a JS loop over the sample costs tens of ms.
   */
  tune(sample: Buffer): void {
    const s = sample.subarray(0, Math.min(sample.length, SAMPLE_BYTES));
    const hay = this.caseless ? Buffer.from(s.toString('latin1').toLowerCase(), 'latin1') : s;
    // An anchor more often than once per 256 bytes (about once a record) is
    // no use: counting stops there.
    const cap = Math.max(1, s.length >> 8);
    const firsts = new Map<number, number>();
    const stops = (b: number) => {
      let n = firsts.get(b);
      if (n === undefined) firsts.set(b, (n = count(hay, Uint8Array.of(this.caseless ? FOLD[b]! : b), cap)));
      return n;
    };
    let best = Infinity;
    let choice: [number, number] = [0, 1];
    for (let i = 0; i < this.pat.length && i < 64; i++) {
      for (let len = 1; len <= MAX_ANCHOR && i + len <= this.pat.length; len++) {
        const anchor = this.pat.subarray(i, i + len);
        const spellings = this.spell(anchor);
        if (spellings.length > MAX_SPELLINGS) break;
        let cost = 0;
        for (const sp of spellings) cost += SCAN * s.length + STOP * stops(sp[0]!);
        if (cost >= best) continue;
        cost += CALL * count(hay, anchor, Math.min(cap, (best - cost) / CALL));
        if (cost < best) {
          best = cost;
          choice = [i, len];
        }
      }
    }
    this.use(choice[0], choice[1]);
  }

  private use(at: number, len: number): void {
    this.at = at;
    this.spellings = this.spell(this.pat.subarray(at, at + len));
  }

  /** Every case spelling of a (folded) anchor: 2^letters of them when caseless. */
  private spell(anchor: Uint8Array): Buffer[] {
    let out = [Buffer.from(anchor)];
    if (!this.caseless) return out;
    for (let j = 0; j < anchor.length; j++) {
      if (!isLower(anchor[j]!)) continue;
      out = out.flatMap((b) => {
        const up = Buffer.from(b);
        up[j] = anchor[j]! - 0x20;
        return [b, up];
      });
      if (out.length > MAX_SPELLINGS) return out;
    }
    return out;
  }

  /** Does the needle start at `at` in buf? */
  matchesAt(buf: Uint8Array, at: number): boolean {
    const pat = this.pat;
    const len = pat.length;
    if (at < 0 || at + len > buf.length) return false;
    if (this.caseless) {
      for (let j = 0; j < len; j++) if (FOLD[buf[at + j]!] !== pat[j]) return false;
    } else {
      for (let j = 0; j < len; j++) if (buf[at + j] !== pat[j]) return false;
    }
    return true;
  }

  /**
   * Push the start of every line of buf that holds the needle (once per
   * line per spelling of the anchor, in no particular order).
   */
  lineStarts(buf: Buffer, out: number[]): void {
    for (const sp of this.spellings) this.pass(buf, sp, out);
  }

  private pass(buf: Buffer, anchor: Buffer, out: number[]): void {
    const k = this.at;
    const len = this.pat.length;
    let p = buf.indexOf(anchor, k);
    while (p >= 0) {
      const at = p - k;
      if (this.matchesAt(buf, at) && (!this.after || this.after(buf, at + len))) {
        out.push(at === 0 ? 0 : buf.lastIndexOf(NL, at - 1) + 1);
        // Rest of this line: one hit per line is enough.
        const nl = buf.indexOf(NL, p);
        if (nl < 0) return;
        p = buf.indexOf(anchor, nl + 1 + k);
      } else p = buf.indexOf(anchor, p + 1);
    }
  }
}

/** Occurrences of `needle` in `hay` (overlapping ones too: it is an estimate), counting no further than `upTo`. */
function count(hay: Buffer, needle: Uint8Array, upTo: number): number {
  let n = 0;
  for (let p = hay.indexOf(needle); p >= 0 && n < upTo; p = hay.indexOf(needle, p + 1)) n++;
  return n;
}
