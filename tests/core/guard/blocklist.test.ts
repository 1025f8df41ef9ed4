import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MAX_COMMAND_CHARS, TOO_SLOW, checkCommand } from '../../../src-main/core/guard/blocklist.js';
import { BENIGN, DANGEROUS } from './corpus.js';

test('the corpora are as large as the issue asks', () => {
  assert.ok(DANGEROUS.length >= 150, `dangerous corpus has ${DANGEROUS.length}`);
  assert.ok(BENIGN.length >= 100, `benign corpus has ${BENIGN.length}`);
  assert.equal(new Set(DANGEROUS).size, DANGEROUS.length, 'dangerous corpus has duplicates');
  assert.equal(new Set(BENIGN).size, BENIGN.length, 'benign corpus has duplicates');
});

test('every dangerous spelling is refused', async () => {
  const missed: string[] = [];
  for (const cmd of DANGEROUS) {
    const v = await checkCommand(cmd);
    if (v.allowed) missed.push(cmd);
    else {
      assert.ok(v.rule, cmd);
      assert.ok(v.reason.length > 0, cmd);
    }
  }
  assert.deepEqual(missed, []);
});

test('every everyday command is allowed', async () => {
  const nagged: Array<[string, string | null, string]> = [];
  for (const cmd of BENIGN) {
    const v = await checkCommand(cmd);
    if (!v.allowed) nagged.push([cmd, v.rule, v.reason]);
  }
  assert.deepEqual(nagged, []);
});

test('verdicts name the rule, the reason and the parsed argv', async () => {
  const cases: Array<[string, string, string[]]> = [
    ["sudo r''m -r -f /", 'recursive-delete', ['rm', '-r', '-f', '/']],
    ['/bin/rm --recursive --force --no-preserve-root /', 'recursive-delete', ['/bin/rm', '--recursive', '--force', '--no-preserve-root', '/']],
    ['$(echo rm) -rf /', 'non-literal-command', ['$(echo rm)', '-rf', '/']],
    ['eval "ls"', 'eval', ['eval', 'ls']],
    ['echo cm0= | base64 -d | sh', 'pipe-to-shell', ['sh']],
    ['find / -delete', 'find-delete', ['find', '/', '-delete']],
    ['dd if=/dev/zero of=/dev/sda', 'dd-device', ['dd', 'if=/dev/zero', 'of=/dev/sda']],
    ['mkfs.ext4 /dev/sda1', 'mkfs', ['mkfs.ext4', '/dev/sda1']],
    ['wipefs -a /dev/sda', 'wipe-device', ['wipefs', '-a', '/dev/sda']],
    ['chmod -R 777 /', 'recursive-chmod-root', ['chmod', '-R', '777', '/']],
    ['rm -rf / "', 'parse-error', ['rm -rf / "']],
  ];
  for (const [cmd, rule, argv] of cases) {
    const v = await checkCommand(cmd);
    assert.equal(v.allowed, false, cmd);
    assert.equal(v.rule, rule, cmd);
    assert.deepEqual(v.argv, argv, cmd);
  }
  const fork = await checkCommand('boom(){ boom|boom& };boom');
  assert.equal(fork.rule, 'fork-bomb');
  const redirect = await checkCommand('echo x > /dev/nvme0n1');
  assert.equal(redirect.rule, 'redirect-device');
  const ok = await checkCommand('docker restart jarvis && docker ps');
  assert.deepEqual(ok, {
    allowed: true,
    rule: null,
    reason: 'no blocklist rule matched',
    argv: ['docker', 'restart', 'jarvis'],
    commands: [
      ['docker', 'restart', 'jarvis'],
      ['docker', 'ps'],
    ],
  });
});

test('over-long, empty and deeply nested input is refused, not parsed', async () => {
  const long = await checkCommand(`echo ${'a'.repeat(MAX_COMMAND_CHARS)}`);
  assert.equal(long.rule, 'too-long');
  assert.equal((await checkCommand('   ')).allowed, false);
  let nested = 'ls';
  for (let i = 0; i < 8; i++) nested = `sh -c ${shellQuote(nested)}`;
  assert.equal((await checkCommand(nested)).rule, 'too-deep');
});

test('random bytes never crash or hang, and get the same verdict each time', async () => {
  // A fixed-seed generator so a failure is reproducible.
  let seed = 0x5eed;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  const alphabet = ' \t\n;&|()<>$`\'"\\{}[]*?~!#=-/.rmfdRabcxyz0123456789:';
  for (let i = 0; i < 400; i++) {
    const len = rand() % 200;
    let s = '';
    if (i % 2 === 0) for (let k = 0; k < len; k++) s += String.fromCharCode(rand() % 256);
    else for (let k = 0; k < len; k++) s += alphabet[rand() % alphabet.length];
    const v = await checkCommand(s);
    const again = await checkCommand(s);
    assert.deepEqual([again.allowed, again.rule, again.reason, again.argv], [v.allowed, v.rule, v.reason, v.argv], JSON.stringify(s));
    assert.equal(v.allowed, v.rule === null, JSON.stringify(s));
    assert.ok(v.reason.length > 0);
    assert.notEqual(v.reason, TOO_SLOW, JSON.stringify(s));
  }
  // Random junk around a dangerous command still refuses it.
  for (const junk of ['#x', '; :', '&& true', '| cat']) {
    assert.equal((await checkCommand(`rm -rf / ${junk}`)).allowed, false, junk);
  }
});

test('a parser that fails to load is a refusal, not an exception', () => {
  // A child process where web-tree-sitter cannot initialise (as when its WASM is missing or corrupt).
  const dir = mkdtempSync(join(tmpdir(), 'guard-noparser-'));
  try {
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  if (specifier !== 'web-tree-sitter') return next(specifier, context);
  const failing = 'export class Parser { static init() { return Promise.reject(new Error("no wasm")); } } export class Language {}';
  return { shortCircuit: true, url: 'data:text/javascript,' + failing };
}\n`,
    );
    const blocklist = new URL('../../../src-main/core/guard/blocklist.js', import.meta.url).href;
    const main = `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
const { checkCommand } = await import(${JSON.stringify(blocklist)});
process.stdout.write(JSON.stringify(await checkCommand('ls')));\n`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', main], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.allowed, false);
    assert.equal(v.rule, 'parse-error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}
