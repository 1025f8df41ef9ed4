import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'transpiled' });

test('stratam guard check: exit 0 allowed, 3 blocked, JSON verdict, no droplet needed', async () => {
  const ok = await cli(['--json', 'guard', 'check', '--', 'rm -rf ./build']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { allowed: true, rule: null, reason: 'no blocklist rule matched', argv: ['rm', '-rf', './build'], commands: [['rm', '-rf', './build']] });
  const bad = await cli(['--json', 'guard', 'check', '--', "sudo r''m -r -f /"]);
  assert.equal(bad.code, 3);
  const v = JSON.parse(bad.stdout) as { allowed: boolean; rule: string; argv: string[] };
  assert.equal(v.allowed, false);
  assert.equal(v.rule, 'recursive-delete');
  assert.deepEqual(v.argv, ['rm', '-r', '-f', '/']);
  const human = await cli(['guard', 'check', '--', ':(){ :|:& };:']);
  assert.equal(human.code, 3);
  assert.match(human.stdout, /blocked\s+fork-bomb/);
  const usage = await cli(['guard', 'check']);
  assert.equal(usage.code, 2);
});

function tempDroplet(flag: string | null) {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-exec-'));
  const home = join(dir, 'jarvis');
  const root = join(dir, 'root');
  mkdirSync(home);
  mkdirSync(root);
  if (flag !== null) writeFileSync(join(root, '.env'), `# flags\nJARVIS_ETERNAL_LOOP=1\nJARVIS_SELF_MODIFY_ALLOWED=${flag}\n`);
  const args = ['--local', '--jarvis-home', home, '--jarvis-root', root];
  const receipts = () =>
    existsSync(join(home, 'operator_actions.jsonl'))
      ? readFileSync(join(home, 'operator_actions.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
  return { dir, home, root, args, receipts, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('stratam exec: a blocked command never runs and leaves a blocklist receipt', async (t) => {
  const d = tempDroplet('1');
  t.after(d.cleanup);
  const marker = join(d.dir, 'ran');
  const r = await cli([...d.args, 'exec', '--', `touch ${marker} && rm -rf /`]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /blocklist/);
  assert.equal(existsSync(marker), false, 'the command reached the shell');
  const [rec] = d.receipts();
  assert.equal(rec?.tool, 'host_exec');
  assert.equal(rec?.blocked, 'blocklist');
  assert.equal(rec?.ok, false);
  assert.equal(rec?.channel, 'operator');
});

test('stratam exec: a paused droplet (flag 0, or no flags file) refuses with a flag receipt', async (t) => {
  for (const flag of ['0', null, 'yes']) {
    const d = tempDroplet(flag);
    t.after(d.cleanup);
    const marker = join(d.dir, 'ran');
    const r = await cli([...d.args, 'exec', '--', `touch ${marker}`]);
    assert.equal(r.code, 3, `flag ${flag}: ${r.stderr}`);
    assert.match(r.stderr, /paused/);
    assert.equal(existsSync(marker), false);
    const [rec] = d.receipts();
    assert.equal(rec?.blocked, 'flag');
    assert.equal(rec?.ok, false);
  }
});

test('stratam exec: an allowed command streams its output and passes its exit code through', async (t) => {
  const d = tempDroplet('1');
  t.after(d.cleanup);
  const r = await cli([...d.args, 'exec', '--', 'echo out-line; echo err-line >&2; exit 7']);
  assert.equal(r.code, 7);
  assert.equal(r.stdout, 'out-line\n');
  assert.equal(r.stderr, 'err-line\n');
  const [rec] = d.receipts();
  assert.equal(rec?.tool, 'host_exec');
  assert.deepEqual(rec?.args, { cmd: 'echo out-line; echo err-line >&2; exit 7' });
  assert.deepEqual(rec?.result, { code: 7, signal: null });
  assert.equal(rec?.ok, false);
  assert.equal(rec?.blocked, null);

  const ok = await cli([...d.args, '--json', 'exec', '--', 'printf hello']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { code: 0, signal: null, stdout: 'hello', stderr: '' });
  assert.equal(d.receipts().length, 2);
  assert.equal(d.receipts()[1]?.ok, true);
});
