import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { searchFiles } from '../../../src-main/core/audit/search/search-files.js';
import type { Outcome, SearchQuery } from '../../../src-main/core/audit/search/search-types.js';
import { record } from './audit-helpers.js';
import { allPages, tempDir, writeSource } from './search-helpers.js';

// A small trail in three mirror files (seq 1-400, 401-800, 801-1200) whose
// fields follow the seq, so the test knows every answer without parsing.
const TOOLS = ['read_file', 'host_exec', 'docker_cmd', 'web_fetch', 'gmail_send'];
const CHANNELS = ['discord', 'telegram', 'loop'];
const TRUST = ['owner', 'trusted', 'untrusted', 'unknown'];
const T0 = 1_700_000_000_000;
const fields = (seq: number) => ({
  tool: TOOLS[seq % 5]!,
  channel: CHANNELS[seq % 3]!,
  trust: TRUST[Math.floor(seq / 7) % 4]!,
  ok: seq % 6 !== 0,
  // Blocked every 25th; every 49th has an empty reason, which is not a block.
  blocked: seq % 25 === 0 ? 'trust' : seq % 49 === 0 ? '' : null,
  note: seq % 100 === 0 ? ['MARKER', 'Marker', 'marker', 'mArKeR'][(seq / 100) % 4] : `n${seq}`,
});
const outcome = (seq: number): Outcome => {
  const f = fields(seq);
  return f.blocked ? 'blocked' : f.ok ? 'ok' : 'failed';
};
const line = (seq: number) => record(seq, { ...fields(seq), args: { path: `/tmp/${seq}`, note: fields(seq).note } });
const lines = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => `${line(a + i)}\n`).join('');
const ALL = Array.from({ length: 1200 }, (_, i) => 1200 - i); // newest first

function withTrail(fn: (source: ReturnType<typeof writeSource>) => Promise<void>) {
  return async () => {
    const dir = tempDir('files');
    try {
      await fn(writeSource(dir, [lines(1, 400), lines(401, 800), lines(801, 1200)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'text hits come newest first across files, caselessly, each once with its position, and stream through onHit in the same order',
  withTrail(async (source) => {
    const streamed: number[] = [];
    const page = await searchFiles(source, { text: 'maRKer' }, { limit: 1000, onHit: (h) => streamed.push(h.seq ?? -1) });
    const want = ALL.filter((s) => s % 100 === 0);
    assert.deepEqual(
      page.hits.map((h) => h.seq),
      want,
    );
    assert.deepEqual(streamed, want);
    assert.equal(page.next, null, 'the whole range was scanned');
    const h1100 = page.hits[1]!;
    assert.deepEqual(h1100.pos.n, 3);
    assert.equal(h1100.line.toString(), line(1100), 'the exact bytes, no newline');
    assert.equal(h1100.value.tool, fields(1100).tool);
    assert.equal(page.hits.at(-1)!.pos.n, 1);
    assert.equal(page.hits.at(-1)!.pos.offset, Buffer.byteLength(lines(1, 99)), 'the offset of the line start in its file');
    assert.equal(
      page.scannedBytes,
      source.files.reduce((a, f) => a + f.bytes, 0),
    );
  }),
);

test(
  'paging by cursor returns every hit exactly once, for text and for field filters',
  withTrail(async (source) => {
    for (const [q, limit] of [
      [{ text: 'marker' }, 3],
      [{ tools: ['host_exec'] }, 7],
      [{ outcomes: ['failed'] }, 50],
      [{}, 333],
    ] as Array<[SearchQuery, number]>) {
      const { hits, pages } = await allPages(source, q, { limit });
      const seqs = hits.map((h) => h.seq);
      const want = ALL.filter((s) => (q.text ? s % 100 === 0 : q.tools ? fields(s).tool === 'host_exec' : q.outcomes ? outcome(s) === 'failed' : true));
      assert.deepEqual(seqs, want, JSON.stringify(q));
      assert.ok(pages >= Math.ceil(want.length / limit), `${JSON.stringify(q)}: ${pages} pages`);
    }
  }),
);

test(
  'each field filter, alone and together, on the parsed record',
  withTrail(async (source) => {
    const cases: Array<[SearchQuery, (s: number) => boolean]> = [
      [{ tools: ['gmail_send', 'web_fetch'] }, (s) => ['gmail_send', 'web_fetch'].includes(fields(s).tool)],
      [{ channels: ['telegram'] }, (s) => fields(s).channel === 'telegram'],
      [{ trust: ['untrusted', 'unknown'] }, (s) => ['untrusted', 'unknown'].includes(fields(s).trust)],
      [{ outcomes: ['blocked'] }, (s) => outcome(s) === 'blocked'],
      [{ outcomes: ['ok'] }, (s) => outcome(s) === 'ok'],
      [{ outcomes: ['failed', 'blocked'] }, (s) => outcome(s) !== 'ok'],
      [{ since: T0 + 500_000, until: T0 + 900_000 }, (s) => s >= 500 && s <= 900],
      [
        { tools: ['host_exec'], outcomes: ['failed'], trust: ['owner', 'untrusted'] },
        (s) => fields(s).tool === 'host_exec' && outcome(s) === 'failed' && ['owner', 'untrusted'].includes(fields(s).trust),
      ],
      [{ text: 'MARKER', trust: ['owner'] }, (s) => s % 100 === 0 && fields(s).trust === 'owner'],
      [{ tools: [] }, () => false],
    ];
    for (const [q, want] of cases) {
      const page = await searchFiles(source, q, { limit: 2000 });
      const seqs = ALL.filter(want);
      assert.deepEqual(
        page.hits.map((h) => h.seq),
        seqs,
        JSON.stringify(q),
      );
      // Each filter keeps some records and drops others (so it was tested on something).
      if (q.tools?.length !== 0) assert.ok(seqs.length > 0 && seqs.length < ALL.length, JSON.stringify(q));
    }
    assert.ok(
      ALL.some((s) => fields(s).blocked === '' && outcome(s) !== 'blocked'),
      'an empty reason is in the trail',
    );
    const mixed = ALL.filter((s) => fields(s).tool === 'host_exec' && outcome(s) === 'failed');
    assert.ok(new Set(mixed.map((s) => fields(s).trust)).size > 2, 'the trust filter had failed host_exec calls to drop');
  }),
);

test('from and lowest bound the scan; a cursor that is not a line start is refused', async () => {
  const dir = tempDir('bounds');
  try {
    const source = writeSource(dir, [lines(1, 400), lines(401, 800), lines(801, 1200)]);
    const at = (n: number, seq: number) => ({ n, offset: Buffer.byteLength(lines(n * 400 - 399, seq - 1)) });
    const page = await searchFiles(source, {}, { from: at(3, 810), lowest: at(1, 390), limit: 5000 });
    assert.deepEqual(
      page.hits.map((h) => h.seq),
      ALL.filter((s) => s >= 390 && s < 810),
    );
    await assert.rejects(searchFiles(source, {}, { from: { n: 2, offset: 5 } }), /not at the start of a line/);
    await assert.rejects(searchFiles(source, {}, { limit: 0 }), /not a positive whole number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tool name spelled with \\u escapes is still found by the tool filter; text matches the line as written', async () => {
  const dir = tempDir('escape');
  try {
    const hidden = record(2, { tool: 'X' }).replace('"tool":"X"', '"tool":"host\\u005fexec"');
    // Written the way Python's json.dumps spaces things, blocked by a reason.
    const spaced = '{"seq": 4, "tool": "host_exec", "ok": false, "blocked": "trust", "result": "Marker and MARKER"}';
    const odd = '{"seq":5,"blocked" :\t"policy","ok":false}';
    const source = writeSource(dir, [`${record(1, { tool: 'host_exec' })}\n${hidden}\n${record(3)}\n${spaced}\n${odd}\n`]);
    const seqs = async (q: SearchQuery) => (await searchFiles(source, q)).hits.map((h) => h.seq);
    assert.deepEqual(await seqs({ tools: ['host_exec'] }), [4, 2, 1]);
    assert.deepEqual(await seqs({ text: 'host_exec' }), [4, 1], 'text is the JSON text: host\\u005fexec is not host_exec');
    assert.deepEqual(await seqs({ outcomes: ['blocked'] }), [5, 4], 'any JSON spacing around the colon');
    assert.deepEqual(await seqs({ text: 'marker' }), [4], 'a line with the needle in both cases is one hit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('caseless text beyond ASCII: letters fold as a RegExp `i` does (the Kelvin sign is not a k)', async () => {
  const dir = tempDir('unicode');
  try {
    const source = writeSource(dir, [
      [record(1, { result: 'Überprüfung OK' }), record(2, { result: 'überPRÜFUNG ok' }), record(3, { result: 'ÉTÉ' }), record(4, { result: 'été' }), record(5, { result: 'K \u212A' })].join('\n') +
        '\n',
    ]);
    const seqs = async (text: string) => (await searchFiles(source, { text })).hits.map((h) => h.seq);
    assert.deepEqual(await seqs('ÜBERPRÜFUNG'), [2, 1]);
    assert.deepEqual(await seqs('été'), [4, 3], 'a needle with no ASCII run is checked on every line');
    assert.deepEqual(await seqs('K \u212A'), [5]);
    assert.deepEqual(await seqs('k k'), [], 'the Kelvin sign is not an ASCII k');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad lines are not a crash: text-only can hit them (value {}), field filters never do; the newest file’s unterminated tail waits', async () => {
  const dir = tempDir('malformed');
  try {
    const bad = Buffer.concat([
      Buffer.from(`${record(1)}\n{"seq":2,"tool":"host_exec" needle broken json\n[1,2,"needle"]\n\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x6e, 0x65, 0x65, 0x64, 0x6c, 0x65, 0x7d, 0x0a]), // {\xff\xfeneedle}
      Buffer.from(`${record(3, { result: 'needle' })}\n${record(4, { result: 'needle in a file that ends without a newline' })}`),
    ]);
    const source = writeSource(dir, [bad, `${record(5, { result: 'needle' })}\n${record(6, { result: 'needle, half written' })}`]);
    const text = await searchFiles(source, { text: 'NEEDLE' });
    assert.deepEqual(
      text.hits.map((h) => [h.seq, h.pos.n, Object.keys(h.value).length > 0]),
      [
        [5, 2, true],
        [4, 1, true],
        [3, 1, true],
        [null, 1, false],
        [null, 1, false],
        [null, 1, false],
      ],
    );
    assert.deepEqual(text.hits[3]!.line, Buffer.from([0x7b, 0xff, 0xfe, 0x6e, 0x65, 0x65, 0x64, 0x6c, 0x65, 0x7d]), 'the bad line as written');
    const filtered = await searchFiles(source, { text: 'needle', tools: ['read_file', 'host_exec'] });
    assert.deepEqual(
      filtered.hits.map((h) => h.seq),
      [5, 4, 3],
    );
    const outcomes = await searchFiles(source, { outcomes: ['ok', 'failed', 'blocked'] });
    assert.deepEqual(
      outcomes.hits.map((h) => h.seq),
      [5, 4, 3, 1],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
