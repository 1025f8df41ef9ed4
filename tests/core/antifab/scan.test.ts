import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/run-cli.js';
import { test } from 'node:test';
import type { ToolCall } from '../../../src-main/core/antifab/backing.js';
import { type ArchiveMessage, scanRecords } from '../../../src-main/core/antifab/scan.js';

const reply = (turn: string, content: string, extra: Partial<ArchiveMessage> = {}): ArchiveMessage => ({
  ts: '2026-11-28T01:02:00.000Z',
  turn,
  role: 'assistant',
  channel: 'discord',
  author: 'stratam',
  content,
  ...extra,
});
const call = (turn: string, tool: string, ok = true, blocked: string | null = null): ToolCall => ({ turn, tool, ok, blocked, seq: 1 });

test('a claim is backed only by a tool of its kind in the same turn', () => {
  const r = scanRecords(
    [reply('t1', "I've restarted the container."), reply('t2', "I've restarted the container."), reply('t3', 'I restarted it and emailed Sam.')],
    [call('t1', 'docker_cmd'), call('t2', 'read_logs'), call('t3', 'self_restart'), call('t9', 'gmail_send')],
  );
  assert.deepEqual(
    r.warnings.map((w) => [w.turn, w.tier, w.claim, w.phrase]),
    [
      ['t2', 1, 'restart', "I've restarted"],
      ['t3', 1, 'email', 'emailed'],
    ],
  );
  assert.deepEqual(r.warnings[0]!.calls, [{ seq: 1, tool: 'read_logs', ok: true, blocked: null }]);
  assert.equal(r.scanned.replies, 3);
});

test('tier 1 backed only by blocked or failed calls is a mismatch; tiers 2 and 3 are not', () => {
  const r = scanRecords(
    [reply('a', 'I deployed it.'), reply('b', 'I deployed it.'), reply('c', "I'm deploying it now."), reply('d', "I'll deploy it now.")],
    [call('a', 'host_exec', false, 'flag'), call('b', 'docker_cmd', false), call('c', 'host_exec', false, 'blocklist'), call('d', 'self_modify_code', false)],
  );
  assert.deepEqual(
    r.warnings.map((w) => [w.turn, w.tier]),
    [
      ['a', 1],
      ['b', 1],
    ],
  );
});

test('an unknown tool backs only a tier-3 check, and the agent verdict rides along', () => {
  const verdict = { tier: 3, phrases: ['Let me check'] };
  const r = scanRecords([reply('a', 'Let me check.', { antifab: verdict }), reply('b', 'I checked the logs.'), reply('c', 'Let me check.')], [call('a', 'mystery_tool'), call('b', 'mystery_tool')]);
  assert.deepEqual(
    r.warnings.map((w) => [w.turn, w.tier, w.droplet]),
    [
      ['b', 1, null],
      ['c', 3, null],
    ],
  );
  const none = scanRecords([reply('a', 'Let me check.', { antifab: verdict })], []);
  assert.deepEqual(none.warnings[0]!.droplet, verdict);
});

test('non-replies and unreadable replies are not scanned', () => {
  const r = scanRecords(
    [
      { ...reply('a', 'I deployed it.'), role: 'user' },
      { ...reply('b', ''), content: null },
    ],
    [],
  );
  assert.deepEqual(r, { warnings: [], scanned: { replies: 0, unreadable: 1 } });
});

test('a 1 MB adversarial reply is scanned (the time is measured in bench/antifab-scan.ts)', () => {
  const hostile = `${'I '.repeat(200_000)}${'"`'.repeat(150_000)}${'let me '.repeat(50_000)} I restarted it.`;
  assert.ok(hostile.length > 1_000_000);
  const r = scanRecords([reply('x', hostile)], []);
  assert.ok(r.warnings.some((w) => w.claim === 'restart' && w.tier === 1));
});

// ---- end to end: an archive the agent's own Fernet (Python cryptography) wrote ----

const PY = String.raw`
import json, sys
from cryptography.fernet import Fernet
home = sys.argv[1]
old, new = Fernet.generate_key(), Fernet.generate_key()
with open(home + '/vault.keys', 'w') as f:
    json.dump({"version": 1, "keys": [
        {"id": "k-new", "key": new.decode(), "created": "2026-11-28T00:00:00Z", "retired": None},
        {"id": "k-old", "key": old.decode(), "created": "2026-08-30T00:00:00Z", "retired": "2026-11-28T00:00:00Z"}]}, f)
def rec(ts, turn, role, text, key=new, **extra):
    r = {"ts": ts, "turn": turn, "role": role, "channel": "discord", "author": "stratam" if role == "assistant" else "owner",
         "enc": Fernet(key).encrypt(json.dumps({"content": text}).encode()).decode()}
    r.update(extra)
    return json.dumps(r)
lines = [
    rec("2026-11-27T10:00:00Z", "t_old", "user", "deploy please"),
    rec("2026-11-27T10:00:05Z", "t_old", "assistant", "I deployed it.", key=old),
    rec("2026-11-28T01:00:00Z", "t_1", "user", "restart it"),
    rec("2026-11-28T01:00:05Z", "t_1", "assistant", "I restarted the container.", antifab={"tier": 1, "phrases": ["I restarted"]}),
    "not json at all",
    rec("2026-11-28T02:00:00Z", "t_2", "user", "check the logs"),
    rec("2026-11-28T02:00:05Z", "t_2", "assistant", "I checked the logs: no errors."),
    rec("2026-11-28T03:00:00Z", "t_3", "user", "send it"),
    rec("2026-11-28T03:00:05Z", "t_3", "assistant", "Email sent."),
    rec("2026-11-28T04:00:00Z", "t_4", "assistant", "If you want, I can restart it. Should I deploy?"),
]
with open(home + '/conversation_archive.jsonl', 'w') as f:
    f.write("\n".join(lines) + "\n" + '{"ts": "2026-11-28T05:00:00Z", "turn": "t_5", "role": "assis')
`;

test('stratam antifab scan reads an encrypted archive and the rotated activity log', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-antifab-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const home = join(dir, 'jarvis');
  mkdirSync(home);
  const py = spawnSync('/usr/bin/python3', ['-c', PY, home], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const act = (seq: number, turn: string, tool: string, ok: boolean, blocked: string | null) =>
    JSON.stringify({ seq, ts: '2026-11-28T01:00:01Z', turn, channel: 'discord', trust: 'owner', tool, args: {}, result: '', ok, elapsed_ms: 3, blocked });
  // t_1's restart was blocked by the flag (rotated file); t_2 read its logs; t_3 never sent mail.
  writeFileSync(join(home, 'activity.jsonl.1'), `${act(1, 't_old', 'docker_cmd', true, null)}\n${act(2, 't_1', 'self_restart', false, 'flag')}\n`);
  writeFileSync(join(home, 'activity.jsonl'), `${act(3, 't_2', 'read_logs', true, null)}\n${act(4, 't_3', 'discord_send', true, null)}\n{"torn`);

  const args = ['--local', '--jarvis-home', home, '--jarvis-root', join(dir, 'root'), '--json', 'antifab', 'scan'];
  const all = await run(args);
  assert.equal(all.code, 3, all.stderr);
  const out = JSON.parse(all.stdout) as { warnings: Array<Record<string, unknown>>; scanned: { replies: number } };
  assert.deepEqual(out.warnings, [
    {
      turn: 't_1',
      tier: 1,
      phrase: 'I restarted',
      claim: 'restart',
      ts: '2026-11-28T01:00:05Z',
      calls: [{ seq: 2, tool: 'self_restart', ok: false, blocked: 'flag' }],
      droplet: { tier: 1, phrases: ['I restarted'] },
    },
    { turn: 't_3', tier: 1, phrase: 'Email sent', claim: 'email', ts: '2026-11-28T03:00:05Z', calls: [{ seq: 4, tool: 'discord_send', ok: true, blocked: null }], droplet: null },
  ]);
  assert.equal(out.scanned.replies, 5, 'the retired key still opens the oldest reply');
  assert.ok(!all.stdout.includes('I deployed it.') || all.stdout.includes('"phrase"'), 'no plaintext beyond phrases');

  const since = await run([...args, '--since', '2026-11-28T02:30:00Z']);
  const s = JSON.parse(since.stdout) as { warnings: Array<{ turn: string }>; scanned: { replies: number } };
  assert.deepEqual(
    s.warnings.map((w) => w.turn),
    ['t_3'],
  );
  assert.equal(s.scanned.replies, 2);

  const bad = await run([...args, '--since', 'yesterday']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ISO 8601/);
});

const run = (args: string[]) => runCli(args, { entry: 'transpiled', env: { SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK ?? '' } });
