/**
 * Text that is not the agent speaking for itself: fenced code blocks, inline
 * code, block quotes and quoted text. The mask marks those characters so the
 * detector reads them as one opaque noun. One pass per line, no regex on the
 * reply: a hostile reply costs linear time.
 */
const BACKTICK = 0x60;
const TILDE = 0x7e;
const DQUOTE = 0x22;
const LDQUO = 0x201c;
const RDQUO = 0x201d;

export function maskQuoted(text: string): Uint8Array {
  const n = text.length;
  const mask = new Uint8Array(n);
  let fence = 0; // the fence char while inside a fenced block
  let lineStart = 0;
  const ticks: number[] = [];
  const quotes: number[] = [];
  while (lineStart <= n - 1 || (lineStart === 0 && n > 0)) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = n;
    let i = lineStart;
    while (i < lineEnd && i - lineStart < 4 && text.charCodeAt(i) === 0x20) i++;
    const c0 = text.charCodeAt(i);
    const isFence = (c0 === BACKTICK || c0 === TILDE) && text.charCodeAt(i + 1) === c0 && text.charCodeAt(i + 2) === c0;
    if (fence !== 0 || isFence) {
      mask.fill(1, lineStart, lineEnd);
      if (isFence && (fence === 0 || fence === c0)) fence = fence === 0 ? c0 : 0;
    } else if (c0 === 0x3e /* > */) {
      mask.fill(1, lineStart, lineEnd);
    } else {
      ticks.length = 0;
      for (let k = lineStart; k < lineEnd; k++) if (text.charCodeAt(k) === BACKTICK) ticks.push(k);
      for (let k = 0; k + 1 < ticks.length; k += 2) mask.fill(1, ticks[k]!, ticks[k + 1]! + 1);
      quotes.length = 0;
      let open = -1;
      for (let k = lineStart; k < lineEnd; k++) {
        if (mask[k]) continue;
        const c = text.charCodeAt(k);
        if (c === DQUOTE) quotes.push(k);
        else if (c === LDQUO) open = k;
        else if (c === RDQUO && open !== -1) {
          mask.fill(1, open, k + 1);
          open = -1;
        }
      }
      for (let k = 0; k + 1 < quotes.length; k += 2) mask.fill(1, quotes[k]!, quotes[k + 1]! + 1);
    }
    if (lineEnd >= n) break;
    lineStart = lineEnd + 1;
  }
  return mask;
}
