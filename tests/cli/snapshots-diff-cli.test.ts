/**
 * Issue 14, "See the change": `stratam snapshots diff` as the operator runs
 * it, against the reference droplet over real SSH. The worst case for real:
 * the stand-in agent ships a crashing change by the contract and the diff
 * shows the bad line. Then the human form (summaries, patch, footer, escaped
 * agent text), --json, --against, the exit codes and --help.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotDiff } from '../../src-main/core/recovery/recovery-types.js';
import { runCli } from '../helpers/run-cli.js';
import { CRASHING_CODE, startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { firstUnsafe } from '../helpers/terminal-check.js';

const OLD = '20261201T040000Z-faster-replies';
const NEW = '20261201T050000Z-second-try';
const PASSWD = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;

async function setup(t: import('node:test').TestContext) {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const cli = (...args: string[]) => runCli([...ref.cliArgs(), ...args], { timeoutMs: 60_000 });
  return { ref, cli };
}

function tree(ref: ReferenceDroplet, name: string, files: Record<string, string>): string {
  const root = join(ref.jarvisRoot, '.jarvis_self_history', name, 'tree');
  mkdirSync(root, { recursive: true });
  for (const [p, content] of Object.entries(files)) writeFileSync(join(root, p), content);
  return root;
}

test('the real stand-in agent ships a crashing change: the diff of its snapshot shows the bad line and the removed loop', async (t) => {
  const { ref, cli } = await setup(t);
  ref.startAgent([], { code: true });
  const snap = ref.agentSelfModify('faster-replies', 'main.sh', CRASHING_CODE);
  assert.match(snap, /^\d{8}T\d{6}Z-faster-replies$/);

  const r = await cli('snapshots', 'diff', snap);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `${snap} -> current (${ref.codeDir})`, 'the newest snapshot is compared with the code as it is now');
  assert.ok(lines.includes('M      main.sh'), r.stdout);
  assert.ok(lines.includes(`+echo "NameError: name 'reply_fast' is not defined" >&2`), r.stdout);
  assert.ok(lines.includes('-while true; do sleep 1; done'), r.stdout);
  assert.ok(lines.includes('--- a/main.sh') && lines.includes('+++ b/main.sh'), r.stdout);
  assert.match(lines[lines.length - 2]!, /^1 changed \(1 modified\); 1 file\(s\) the same\.$/, 'lib/replies.txt is the same');

  const j = await cli('snapshots', 'diff', snap, '--json');
  assert.equal(j.code, 0, j.stderr);
  const d = JSON.parse(j.stdout) as SnapshotDiff;
  assert.deepEqual(d.from, { kind: 'snapshot', name: snap });
  assert.deepEqual(d.to, { kind: 'current', path: ref.codeDir });
  assert.deepEqual(
    d.files.map((f) => [f.path, f.change]),
    [['main.sh', 'modified']],
  );
  assert.match(d.files[0]!.patch!, /\n\+echo "NameError: name 'reply_fast' is not defined" >&2\n/);
  assert.equal(d.unchanged, 1);
});

test('human output: one summary per file, the patch, a footer; text the agent wrote is shown escaped, a link is named and never followed', async (t) => {
  const { ref, cli } = await setup(t);
  tree(ref, OLD, { 'main.sh': 'a\nb\n', 'run.sh': 'echo run\n', 'gone.txt': 'x\n', 'logo.bin': 'P\0NG' });
  const after = tree(ref, NEW, {
    'main.sh': 'a\n\x1b]52;c;cHduZWQ=\x07\x1b[2J\rB\u202eevil\tend\n',
    'run.sh': 'echo run\n',
    'new.py': 'pass\n',
    'logo.bin': 'P\0NG!',
    'name\nforged.txt': 'y\n',
  });
  chmodSync(join(after, 'run.sh'), 0o755);
  symlinkSync('/etc/passwd', join(after, 'passwd'));

  const r = await cli('snapshots', 'diff', OLD);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(firstUnsafe(r.stdout, { lines: true }), null, 'no control, bidi or invisible character reaches the terminal raw');
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `${OLD} -> ${NEW}`, 'by default: the next newer snapshot');
  assert.ok(lines.includes('+\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\rB\\u202eevil     end'), r.stdout);
  for (const l of [
    'D      gone.txt',
    'A      new.py',
    'A      name\\nforged.txt',
    'mode   run.sh  (mode 644 -> 755)',
    'binary logo.bin  (4 B -> 5 B)',
    'type   passwd  (absent -> link; never followed or read)',
  ]) {
    assert.ok(lines.includes(l), `${l}\n---\n${r.stdout}`);
  }
  assert.ok(lines.includes('+++ "b/name\\nforged.txt"'), 'a newline in a file name is quoted in the header, never a new line');
  assert.ok(!lines.includes('forged.txt'), 'no line starts where the file name broke');
  assert.ok(!r.stdout.includes(PASSWD) && !r.stderr.includes(PASSWD), 'nothing of the link target');
  assert.equal(lines[lines.length - 2], '7 changed (1 removed, 1 binary, 1 modified, 2 added, 1 type, 1 mode); 0 file(s) the same.');

  const j = await cli('snapshots', 'diff', OLD, '--json');
  assert.equal(j.code, 0, j.stderr);
  const d = JSON.parse(j.stdout) as SnapshotDiff;
  assert.equal(
    d.files.find((f) => f.path === 'main.sh')!.patch,
    '--- a/main.sh\n+++ b/main.sh\n@@ -1,2 +1,2 @@\n a\n-b\n+\x1b]52;c;cHduZWQ=\x07\x1b[2J\rB\u202eevil\tend\n',
    '--json is the exact text',
  );
  assert.ok(!j.stdout.includes('\x1b') && !j.stdout.includes('\u202e'), 'JSON carries them as \\u escapes');
  assert.ok(!j.stdout.includes(PASSWD));
});

test('--against another snapshot or current; bad input exits 2; an agent code folder that is a link exits 3; --help', async (t) => {
  const { ref, cli } = await setup(t);
  tree(ref, OLD, { 'main.sh': 'v0\n' });
  tree(ref, NEW, { 'main.sh': 'v1\n' });
  writeFileSync(join(ref.codeDir, 'main.sh'), 'v2\n');

  const toCurrent = await cli('snapshots', 'diff', OLD, '--against', 'current', '--json');
  assert.equal(toCurrent.code, 0, toCurrent.stderr);
  const c = JSON.parse(toCurrent.stdout) as SnapshotDiff;
  assert.deepEqual(c.to, { kind: 'current', path: ref.codeDir });
  assert.match(c.files.find((f) => f.path === 'main.sh')!.patch!, /-v0\n\+v2\n/);

  const toSnap = await cli('snapshots', 'diff', NEW, `--against=${OLD}`);
  assert.equal(toSnap.code, 0, toSnap.stderr);
  assert.ok(toSnap.stdout.startsWith(`${NEW} -> ${OLD}\n`), toSnap.stdout);
  assert.ok(toSnap.stdout.includes('\n-v1\n+v0\n'), toSnap.stdout);

  const same = await cli('snapshots', 'diff', NEW, '--against', NEW);
  assert.equal(same.code, 0);
  assert.match(same.stdout, /No changes \(1 file\(s\) the same\)\./);

  for (const [args, what] of [
    [['snapshots', 'diff'], /needs a snapshot name/],
    [['snapshots', 'diff', '../../etc/passwd'], /is not a snapshot name/],
    [['snapshots', 'diff', '20261201T060000Z-nope'], /There is no snapshot 20261201T060000Z-nope/],
    [['snapshots', 'diff', OLD, '--against', '20261201T060000Z-nope'], /There is no snapshot 20261201T060000Z-nope/],
    [['snapshots', 'diff', OLD, '--against'], /--against needs a snapshot name or current/],
    [['snapshots', 'diff', OLD, NEW], /takes one snapshot name/],
    [['snapshots', 'diff', OLD, '--bogus'], /has no option --bogus/],
    [['snapshots', 'bogus'], /takes no arguments other than diff/],
  ] as Array<[string[], RegExp]>) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, what);
    assert.match(r.stderr, /hint: /, 'the error says what to do');
  }

  rmSync(ref.codeDir, { recursive: true });
  symlinkSync(join(ref.jarvisRoot, '.jarvis_self_history', OLD, 'tree'), ref.codeDir);
  const linked = await cli('snapshots', 'diff', NEW, '--against', 'current');
  assert.equal(linked.code, 3, linked.stderr);
  assert.match(linked.stderr, new RegExp(`The agent code folder ${ref.codeDir} is a symbolic link`));
  assert.equal(linked.stdout, '');

  const help = await cli('snapshots', 'diff', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /stratam snapshots diff <name> \[--against <name>\|current\] \[--json\]/);
  const list = await cli('snapshots', '--json');
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    (JSON.parse(list.stdout) as { snapshots: Array<{ name: string }> }).snapshots.map((s) => s.name),
    [NEW, OLD],
    'the listing is as it was',
  );
});
