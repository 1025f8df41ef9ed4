import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { exportData, EXPORT_FORMAT } from '../../../src-main/core/data/export.js';
import { Fernet, generateKey } from '../../../src-main/core/vault/fernet.js';
import { makeFixture } from '../vault/vault-fixture.js';

interface Exported {
  format: string;
  include_secrets: boolean;
  flags: Record<string, string>;
  breaker: Record<string, unknown> | null;
  vault: { entries: Array<{ name: string; updated: string; secret?: string | null }> };
  snapshots: { snapshots: Array<{ label: string }> };
  backups: { files?: Array<{ name: string }>; health?: { ok: boolean }; error?: string };
  waitlist: Array<Record<string, unknown>>;
  activity: Array<Record<string, unknown>>;
  receipts: Array<Record<string, unknown>>;
  conversation: Array<Record<string, unknown>>;
}

function populate(fx: ReturnType<typeof makeFixture>) {
  const h = fx.home;
  writeFileSync(join(h, 'waitlist.jsonl'), '{"email": "a@example.com", "ts": "2026-11-01T00:00:00Z"}\n{"email": "b@example.com"}\n');
  const act = (seq: number) =>
    `${JSON.stringify({ seq, ts: '2026-11-28T01:02:03.456Z', turn: 't_1', channel: 'discord', trust: 'owner', tool: 'host_exec', args: { cmd: 'docker ps' }, result: 'ok', ok: true, elapsed_ms: 4, blocked: null })}\n`;
  writeFileSync(join(h, 'activity.jsonl.2'), act(1) + act(2));
  writeFileSync(join(h, 'activity.jsonl.1'), act(3) + 'not json at all\n');
  writeFileSync(join(h, 'activity.jsonl'), act(4) + '{"seq": 5, "torn');
  writeFileSync(join(h, 'operator_actions.jsonl'), '{"seq": 1, "tool": "pause", "channel": "operator", "ok": true}\n');
  writeFileSync(join(h, 'breaker.json'), JSON.stringify({ state: 'tripped', tripped_at: '2026-11-28T01:00:00Z', reason: '4 restarts in 60 min', restarts: [], rearmed_at: null, by: 'tray' }));
  writeFileSync(
    join(fx.root, '.env'),
    'OPENAI_API_KEY=sk-very-secret\nJARVIS_SELF_MODIFY_ALLOWED=1\n# comment\nJARVIS_ETERNAL_LOOP="0"\nDISCORD_OWNER_ID=123456789012345678\nTELEGRAM_TRUSTED_USER_IDS=42,43\n',
  );
  mkdirSync(join(h, 'playwright_profile', 'Default'), { recursive: true });
  writeFileSync(join(h, 'playwright_profile', 'Default', 'Cookies'), 'COOKIE-SESSION-abcdef');
  mkdirSync(join(fx.root, '.jarvis_self_history', '20261120T010203Z-tweak', 'x'), { recursive: true });
  writeFileSync(join(fx.root, '.jarvis_self_history', '20261120T010203Z-tweak', 'x', 'f'), '123');
  // A record under a key the keyring does not hold.
  appendFileSync(
    join(h, 'conversation_archive.jsonl'),
    `${JSON.stringify({ ts: 'x', turn: 't_z', role: 'user', channel: 'sms', author: 'y', enc: new Fernet(generateKey()).encrypt('{"content":"?"}') })}\n`,
  );
}

test('export round-trips: every section matches the droplet files; mode 0600; progress; receipt; no cookies', async () => {
  const fx = makeFixture({ lines: 120, entries: 3 });
  try {
    populate(fx);
    const out = join(fx.dir, 'export.json');
    const events: Array<{ phase: string; done: number; total: number }> = [];
    const r = await exportData(fx.droplet, {
      out,
      onProgress: (e) => events.push(e),
      backupsLister: async () => [{ name: 'jarvis-20261201.tar.gz', mtime: Date.parse('2026-12-01T03:00:00Z'), size: 10 }],
      now: new Date('2026-12-01T04:00:00Z'),
    });
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const text = readFileSync(out, 'utf8');
    const x = JSON.parse(text) as Exported;
    assert.equal(x.format, EXPORT_FORMAT);
    assert.equal(x.include_secrets, false);
    assert.deepEqual(x.flags, { JARVIS_SELF_MODIFY_ALLOWED: '1', JARVIS_ETERNAL_LOOP: '0', DISCORD_OWNER_ID: '123456789012345678', TELEGRAM_TRUSTED_USER_IDS: '42,43' });
    assert.ok(!text.includes('sk-very-secret'), 'no other .env value');
    assert.ok(!text.includes('COOKIE-SESSION'), 'browser cookies never leave the droplet');
    assert.equal(x.breaker!.state, 'tripped');
    assert.deepEqual(
      x.vault.entries.map((e) => [e.name, e.updated, 'secret' in e]),
      [
        ['discord', '2026-11-01T00:00:00Z', false],
        ['telegram', '2026-11-02T00:00:00Z', false],
        ['gmail', '2026-11-03T00:00:00Z', false],
      ],
    );
    assert.ok(!text.includes('gAAAAA'), 'no token in the export');
    for (const s of Object.values(fx.secrets)) assert.ok(!text.includes(s), 'no secret without --include-secrets');
    assert.deepEqual(
      x.snapshots.snapshots.map((s) => s.label),
      ['tweak'],
    );
    assert.equal(x.backups.files![0]!.name, 'jarvis-20261201.tar.gz');
    assert.equal(x.backups.health!.ok, true);
    assert.deepEqual(x.waitlist, [{ email: 'a@example.com', ts: '2026-11-01T00:00:00Z' }, { email: 'b@example.com' }]);
    assert.deepEqual(
      x.activity.map((a) => a.seq ?? Object.keys(a)[0]),
      [1, 2, 3, '_malformed', 4, '_torn'],
    );
    assert.equal(x.receipts[0]!.tool, 'pause');
    // The conversation, decrypted, in order, other fields as in the archive.
    const archive = readFileSync(join(fx.home, 'conversation_archive.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(x.conversation.length, 121);
    fx.contents.forEach((c, i) => {
      const { enc: _enc, ...rest } = archive[i]!;
      assert.deepEqual(x.conversation[i], { ...rest, content: c });
    });
    assert.equal(x.conversation[120]!.content, null);
    assert.match(String(x.conversation[120]!._error), /does not open/);
    assert.deepEqual(r.counts, { waitlist: 2, conversation: 121, undecryptable: 1, activity: 6, receipts: 1, vaultEntries: 3 });
    assert.ok(events.length > 0 && events.at(-1)!.done === events.at(-1)!.total);
    const receipts = readFileSync(join(fx.home, 'operator_actions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { tool: string; ok: boolean });
    assert.deepEqual(receipts.at(-1), { ...receipts.at(-1), tool: 'export', ok: true });
    assert.ok(!readdirSync(fx.dir).some((n) => n.includes('partial')));

    // An export never overwrites.
    await assert.rejects(exportData(fx.droplet, { out }), /already exists/);
  } finally {
    fx.cleanup();
  }
});

test('--include-secrets puts the decrypted refresh tokens in, and only then', async () => {
  const fx = makeFixture({ lines: 2, entries: 4 });
  try {
    const out = join(fx.dir, 'with-secrets.json');
    await exportData(fx.droplet, { out, includeSecrets: true });
    const x = JSON.parse(readFileSync(out, 'utf8')) as Exported;
    assert.equal(x.include_secrets, true);
    for (const e of x.vault.entries) assert.equal(e.secret, fx.secrets[e.name]);
    assert.equal(x.backups.error !== undefined, true, 'without a lister the backups section says why');
  } finally {
    fx.cleanup();
  }
});

test('a failed export leaves no file behind and a failed receipt', async () => {
  const fx = makeFixture({ lines: 2 });
  try {
    const out = join(fx.dir, 'fail.json');
    writeFileSync(join(fx.home, 'vault.json'), '{not json');
    await assert.rejects(exportData(fx.droplet, { out }), /not a valid vault/);
    assert.ok(!existsSync(out));
    assert.ok(!readdirSync(fx.dir).some((n) => n.includes('partial')));
    const last = JSON.parse(readFileSync(join(fx.home, 'operator_actions.jsonl'), 'utf8').trim().split('\n').at(-1)!) as { tool: string; ok: boolean };
    assert.deepEqual([last.tool, last.ok], ['export', false]);
  } finally {
    fx.cleanup();
  }
});

test('memory stays bounded: a 40 MB archive exports with heap growth far below its size', async () => {
  const fx = makeFixture({ lines: 0 });
  try {
    const f = new Fernet(fx.key.key);
    const line = `${JSON.stringify({ ts: 't', turn: 't_1', role: 'user', channel: 'discord', author: 'a', enc: f.encrypt(JSON.stringify({ content: 'x'.repeat(3000) })) })}\n`;
    const block = line.repeat(1000);
    const path = join(fx.home, 'conversation_archive.jsonl');
    while (statSync(path).size < 40 * 1024 * 1024) appendFileSync(path, block);
    // One line bigger than the per-line cap: exported as its size only.
    appendFileSync(path, `{"junk": "${'j'.repeat(17 * 1024 * 1024)}"}\n`);
    global.gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const out = join(fx.dir, 'big.json');
    const r = await exportData(fx.droplet, { out, onProgress: () => (peak = Math.max(peak, process.memoryUsage().heapUsed)) });
    clearInterval(timer);
    assert.ok(r.counts.conversation > 10_000);
    assert.ok(peak - base < 30 * 1024 * 1024, `heap grew ${((peak - base) / 1e6).toFixed(1)} MB`);
    const tail = readFileSync(out, 'utf8').slice(-200);
    assert.match(tail, /"_oversized_bytes":17825804/);
  } finally {
    fx.cleanup();
  }
});
