/** Mirror-like files on disk for the search tests: real files, read by the real search. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchFiles } from '../../../src-main/core/audit/search/search-files.js';
import type { SearchHit, SearchOptions, SearchQuery, SearchSource } from '../../../src-main/core/audit/search/search-types.js';

export const tempDir = (tag: string) => mkdtempSync(join(tmpdir(), `stratam-search-${tag}-`));

/** Write each buffer as mirror file n = 1, 2, ... (oldest first) and describe them as a search source. */
export function writeSource(dir: string, contents: Array<string | Buffer>): SearchSource {
  return {
    files: contents.map((c, i) => {
      const path = join(dir, `f-${String(i + 1).padStart(6, '0')}.jsonl`);
      const bytes = typeof c === 'string' ? Buffer.from(c) : c;
      writeFileSync(path, bytes, { mode: 0o600 });
      return { n: i + 1, path, bytes: bytes.length };
    }),
  };
}

/** Every page of a search, following `next` until it is null. */
export async function allPages(source: SearchSource, q: SearchQuery, opts: SearchOptions = {}): Promise<{ hits: SearchHit[]; pages: number }> {
  const hits: SearchHit[] = [];
  let from = opts.from;
  let pages = 0;
  for (;;) {
    const page = await searchFiles(source, q, { ...opts, ...(from ? { from } : {}) });
    pages++;
    hits.push(...page.hits);
    if (!page.next) return { hits, pages };
    from = page.next;
    if (pages > 100_000) throw new Error('paging does not end');
  }
}

/** Bytes this process has read through read(2) and pread(2) so far, all threads (Linux /proc/self/io). */
export function bytesReadByProcess(): number {
  const m = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  if (!m) throw new Error('no rchar in /proc/self/io');
  return Number(m[1]);
}
