import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFixture } from '../../core/vault/vault-fixture.js';

const MAIN = fileURLToPath(new URL('../../../src-main/cli/main.js', import.meta.url));

function cli(fx: ReturnType<typeof makeFixture>, ...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, '--local', '--jarvis-home', fx.home, '--jarvis-root', fx.root, '--state-dir', join(fx.dir, 'state'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('stratam vault: rotate needs --yes, prints progress events with --json, status and verify never print keys or tokens', () => {
  const fx = makeFixture({ lines: 50 });
  try {
    const no = cli(fx, 'vault', 'rotate');
    assert.equal(no.code, 3);
    assert.match(no.err, /needs --yes/);
    const r = cli(fx, '--json', 'vault', 'rotate', '--yes');
    assert.equal(r.code, 0, r.err);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(lines.filter((l) => l.kind === 'progress').length >= 5);
    const result = lines.at(-1)!;
    assert.equal(result.archiveTokens, 50);
    const st = cli(fx, '--json', 'vault', 'status');
    const v = cli(fx, 'vault', 'verify');
    assert.equal(v.code, 0);
    const keys = JSON.parse(readFileSync(join(fx.home, 'vault.keys'), 'utf8')) as { keys: Array<{ key: string }> };
    for (const text of [r.out, st.out, v.out, r.err, st.err]) {
      for (const k of keys.keys) assert.ok(!text.includes(k.key));
      assert.ok(!text.includes('gAAAAA'));
    }
    assert.equal((JSON.parse(st.out) as { retired: unknown[] }).retired.length, 1);
    assert.equal(cli(fx, 'vault', 'frobnicate').code, 2);
  } finally {
    fx.cleanup();
  }
});

test('stratam vault verify exits 3 naming the bad entry and line; files untouched', () => {
  const fx = makeFixture({ lines: 5 });
  try {
    const ap = join(fx.home, 'conversation_archive.jsonl');
    const lines = readFileSync(ap, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/"enc": "gAAAAA(.)/, (_m, c: string) => `"enc": "gAAAAA${c === 'Q' ? 'R' : 'Q'}`);
    writeFileSync(ap, lines.join('\n'));
    const before = readFileSync(ap);
    const r = cli(fx, 'vault', 'verify');
    assert.equal(r.code, 3);
    assert.match(r.out, /1 bad at lines 4/);
    assert.deepEqual(readFileSync(ap), before);
  } finally {
    fx.cleanup();
  }
});

test('stratam export writes a 0600 file and never overwrites; snapshots lists', () => {
  const fx = makeFixture({ lines: 5 });
  try {
    const out = join(fx.dir, 'x.json');
    const r = cli(fx, 'export', '--out', out);
    assert.equal(r.code, 0, r.err);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { conversation: unknown[] }).conversation.length, 5);
    assert.equal(cli(fx, 'export').code, 2);
    assert.equal(cli(fx, 'export', '--out', out).code, 2, 'never overwrites');
    const s = cli(fx, 'snapshots');
    assert.equal(s.code, 0);
    assert.match(s.out, /No snapshots/);
  } finally {
    fx.cleanup();
  }
});
