/**
 * Issue 14, "See the change": diffSnapshot against the reference droplet over
 * real SSH/SFTP, with snapshot folders laid out on disk by the contract
 * (`.jarvis_self_history/<YYYYMMDDTHHMMSSZ>-<label>/tree`). Every kind of
 * change, links named and never followed, the bounds, what each side is by
 * default, and the refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { diffSnapshot, FILE_MAX_BYTES, MAX_FILES } from '../../../src-main/core/recovery/snapshot-diff.js';
import { PATCH_MAX_BYTES, PATCH_MAX_LINES } from '../../../src-main/core/recovery/file-patch.js';
import type { FileDiff } from '../../../src-main/core/recovery/recovery-types.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';

const OLD = '20261201T040000Z-faster-replies';
const NEW = '20261201T050000Z-second-try';
/** The first line of /etc/passwd: if a link were followed, this would show up in the diff. */
const PASSWD = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;

async function setup(t: import('node:test').TestContext) {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  return { ref, d };
}

const treeOf = (ref: ReferenceDroplet, name: string) => join(ref.jarvisRoot, '.jarvis_self_history', name, 'tree');

/** Write `files` (path -> content, or [content, mode]) into a fresh folder. */
function lay(root: string, files: Record<string, string | Buffer | [string | Buffer, number]>): void {
  mkdirSync(root, { recursive: true });
  for (const [p, v] of Object.entries(files)) {
    const [content, mode] = Array.isArray(v) ? v : [v, 0o644];
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
    chmodSync(join(root, p), mode);
  }
}

const byPath = (files: FileDiff[]) => new Map(files.map((f) => [f.path, f]));

test('every kind of change between two snapshots: modified, added, removed, mode, binary, type, a link named and never followed', async (t) => {
  const { ref, d } = await setup(t);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
  lay(treeOf(ref, OLD), {
    'main.sh': ['#!/bin/sh\necho "agent v1 starting"\nwhile true; do sleep 1; done\n', 0o755],
    'lib/gone.txt': 'old helper\n',
    'run.sh': ['echo run\n', 0o644],
    'logo.png': png,
    'latin1.txt': Buffer.from('caf\xe9\n', 'latin1'),
    tools: 'a file that becomes a folder\n',
    'same.txt': 'unchanged\n',
  });
  lay(treeOf(ref, NEW), {
    'main.sh': ['#!/bin/sh\necho "agent v2 starting"\nexit 3\n', 0o755],
    'lib/new.py': 'def reply_fast():\n    pass\n',
    'run.sh': ['echo run\n', 0o755],
    'logo.png': Buffer.concat([png, Buffer.from([1])]),
    'latin1.txt': Buffer.from('caf\xe8\n', 'latin1'),
    'new.bin': Buffer.from('text\0with a NUL\n'),
    'tools/web.py': 'print("web")\n',
    'same.txt': 'unchanged\n',
  });
  symlinkSync('/etc/passwd', join(treeOf(ref, NEW), 'evil'));
  symlinkSync('/etc/passwd', join(treeOf(ref, NEW), 'lib', 'gone.txt.link'));

  const r = await diffSnapshot(d, OLD, NEW);
  assert.deepEqual(r.from, { kind: 'snapshot', name: OLD });
  assert.deepEqual(r.to, { kind: 'snapshot', name: NEW });
  const f = byPath(r.files);
  assert.deepEqual(
    r.files.map((x) => [x.path, x.change]),
    [
      ['evil', 'type'],
      ['latin1.txt', 'binary'],
      ['lib/gone.txt', 'removed'],
      ['lib/gone.txt.link', 'type'],
      ['lib/new.py', 'added'],
      ['logo.png', 'binary'],
      ['main.sh', 'modified'],
      ['new.bin', 'added'],
      ['run.sh', 'mode'],
      ['tools', 'type'],
      ['tools/web.py', 'added'],
    ],
  );
  assert.equal(r.unchanged, 1, 'same.txt');
  assert.equal(r.omitted, 0);

  const main = f.get('main.sh')!;
  assert.equal(main.patch, '--- a/main.sh\n+++ b/main.sh\n@@ -1,3 +1,3 @@\n #!/bin/sh\n-echo "agent v1 starting"\n-while true; do sleep 1; done\n+echo "agent v2 starting"\n+exit 3\n');
  assert.equal(main.patchTruncated, false);
  assert.deepEqual([main.modeBefore, main.modeAfter], [0o755, 0o755]);

  assert.match(f.get('lib/gone.txt')!.patch!, /^--- a\/lib\/gone\.txt\n\+\+\+ \/dev\/null\n@@ -1,1 \+0,0 @@\n-old helper\n$/);
  assert.match(f.get('lib/new.py')!.patch!, /^--- \/dev\/null\n\+\+\+ b\/lib\/new\.py\n@@ -0,0 \+1,2 @@\n\+def reply_fast\(\):\n\+    pass\n$/);
  assert.equal(f.get('latin1.txt')!.patch, null, 'invalid UTF-8 is binary: named, no patch');
  assert.equal(f.get('new.bin')!.patch, null, 'an added file with a NUL is binary: named, no patch');
  assert.deepEqual(
    { ...f.get('run.sh')!, patch: f.get('run.sh')!.patch },
    { path: 'run.sh', change: 'mode', modeBefore: 0o644, modeAfter: 0o755, sizeBefore: 9, sizeAfter: 9, patch: null, patchTruncated: false },
  );
  assert.deepEqual([f.get('logo.png')!.sizeBefore, f.get('logo.png')!.sizeAfter, f.get('logo.png')!.patch], [12, 13, null]);
  const tools = f.get('tools')!;
  assert.deepEqual([tools.sizeBefore, tools.sizeAfter, tools.patch], [29, null, null], 'file -> folder: the folder has no size');

  const evil = f.get('evil')!;
  assert.deepEqual([evil.modeBefore, evil.sizeBefore, evil.sizeAfter, evil.patch], [null, null, null, null]);
  assert.ok(!JSON.stringify(r).includes(PASSWD), 'nothing of the link target reaches the diff');
});

test('a link on both sides and a file replaced by a link: named as type, never read', async (t) => {
  const { ref, d } = await setup(t);
  lay(treeOf(ref, OLD), { 'cfg.txt': 'x=1\n' });
  symlinkSync('/etc/passwd', join(treeOf(ref, OLD), 'both'));
  lay(treeOf(ref, NEW), {});
  symlinkSync('/etc/hostname', join(treeOf(ref, NEW), 'both'));
  symlinkSync('/etc/passwd', join(treeOf(ref, NEW), 'cfg.txt'));
  const r = await diffSnapshot(d, OLD, NEW);
  assert.deepEqual(
    r.files.map((x) => [x.path, x.change, x.patch]),
    [
      ['both', 'type', null],
      ['cfg.txt', 'type', null],
    ],
  );
  assert.ok(!JSON.stringify(r).includes(PASSWD));
});

test('bounds: a file over 1 MiB is compared by bytes, not diffed; a long patch is cut at 400 lines; past 500 changes the rest are counted', async (t) => {
  const { ref, d } = await setup(t);
  const big = Buffer.alloc(FILE_MAX_BYTES + 4096, 'a');
  const bigChanged = Buffer.from(big);
  bigChanged[FILE_MAX_BYTES + 100] = 0x62;
  const many: Record<string, string> = {};
  const manyNew: Record<string, string> = {};
  for (let i = 0; i < MAX_FILES + 20; i++) {
    many[`many/f${String(i).padStart(4, '0')}.txt`] = `v1 ${i}\n`;
    manyNew[`many/f${String(i).padStart(4, '0')}.txt`] = `v2 ${i}\n`;
  }
  const long = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n');
  const longNew = Array.from({ length: 3000 }, (_, i) => `changed ${i}`).join('\n');
  lay(treeOf(ref, OLD), { 'a-big.bin': big, 'a-big-same.bin': big, 'a-long.txt': long, ...many });
  lay(treeOf(ref, NEW), { 'a-big.bin': bigChanged, 'a-big-same.bin': big, 'a-long.txt': longNew, ...manyNew });

  const r = await diffSnapshot(d, OLD, NEW);
  const f = byPath(r.files);
  const bigDiff = f.get('a-big.bin')!;
  assert.deepEqual([bigDiff.change, bigDiff.patch, bigDiff.sizeBefore], ['too-large', null, big.length], 'same size, one byte differs past 1 MiB: found by bytes');
  assert.ok(!f.has('a-big-same.bin'), 'an identical large file is unchanged');
  const longDiff = f.get('a-long.txt')!;
  assert.equal(longDiff.change, 'modified');
  assert.equal(longDiff.patchTruncated, true);
  assert.equal(longDiff.patch!.split('\n').length - 1, PATCH_MAX_LINES);
  assert.ok(Buffer.byteLength(longDiff.patch!) <= PATCH_MAX_BYTES);
  assert.match(longDiff.patch!, /^--- a\/a-long\.txt\n\+\+\+ b\/a-long\.txt\n@@ -1,3000 \+1,3000 @@\n-line 0\n/);
  assert.equal(r.files.length, MAX_FILES);
  assert.equal(r.omitted, 2 + MAX_FILES + 20 - MAX_FILES, 'the changes past the bound are counted');
  assert.equal(r.unchanged, 1);
  assert.ok(
    r.files.every((x) => x.patch !== null || x.change === 'too-large'),
    'every listed text change has its patch',
  );
});

test('one huge minified line: the patch is cut inside the line at 64 KiB', async (t) => {
  const { ref, d } = await setup(t);
  lay(treeOf(ref, OLD), { 'app.min.js': `var a=${'1'.repeat(200_000)};\n` });
  lay(treeOf(ref, NEW), { 'app.min.js': `var a=${'2'.repeat(200_000)};\n` });
  const [f] = (await diffSnapshot(d, OLD, NEW)).files;
  assert.equal(f!.patchTruncated, true);
  assert.ok(Buffer.byteLength(f!.patch!) <= PATCH_MAX_BYTES && Buffer.byteLength(f!.patch!) > PATCH_MAX_BYTES - 100, String(f!.patch!.length));
});

test('what each side is: by default the next newer snapshot, and current for the newest; --against either explicitly', async (t) => {
  const { ref, d } = await setup(t);
  lay(treeOf(ref, OLD), { 'main.sh': 'v0\n' });
  lay(treeOf(ref, NEW), { 'main.sh': 'v1\n' });
  writeFileSync(join(ref.codeDir, 'main.sh'), 'v2\n');
  const patchOf = (r: { files: FileDiff[] }) => r.files.find((x) => x.path === 'main.sh')?.patch ?? '';

  const byDefault = await diffSnapshot(d, OLD);
  assert.deepEqual(byDefault.to, { kind: 'snapshot', name: NEW });
  assert.match(patchOf(byDefault), /-v0\n\+v1\n/);

  const newest = await diffSnapshot(d, NEW);
  assert.deepEqual(newest.to, { kind: 'current', path: ref.codeDir });
  assert.match(patchOf(newest), /-v1\n\+v2\n/);
  assert.deepEqual(
    newest.files.map((x) => [x.path, x.change]),
    [
      ['lib/replies.txt', 'added'],
      ['main.sh', 'modified'],
    ],
    'a folder with files in it is not listed on its own',
  );

  const vsCurrent = await diffSnapshot(d, OLD, 'current');
  assert.deepEqual(vsCurrent.to, { kind: 'current', path: ref.codeDir });
  assert.match(patchOf(vsCurrent), /-v0\n\+v2\n/);

  const itself = await diffSnapshot(d, OLD, OLD);
  assert.deepEqual([itself.files, itself.unchanged], [[], 1]);
});

test('refusals: a bad name and a missing snapshot are usage errors; a snapshot without tree/ and an agentCodeDir that is a link are refused', async (t) => {
  const { ref, d } = await setup(t);
  lay(treeOf(ref, OLD), { 'main.sh': 'v0\n' });
  const kindOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof StratamError ? `${e.kind}: ${e.message}` : `other: ${String(e)}`),
    );
  assert.match(await kindOf(diffSnapshot(d, '../../etc')), /^usage: .*not a snapshot name/);
  assert.match(await kindOf(diffSnapshot(d, '20261201T060000Z-nope')), /^usage: There is no snapshot 20261201T060000Z-nope/);
  assert.match(await kindOf(diffSnapshot(d, OLD, '20261201T060000Z-nope')), /^usage: There is no snapshot/);
  mkdirSync(join(ref.jarvisRoot, '.jarvis_self_history', NEW));
  assert.match(await kindOf(diffSnapshot(d, NEW, 'current')), /^refused: The snapshot .* has no tree\//);
  assert.match(await kindOf(diffSnapshot(d, OLD)), /^refused: The next newer snapshot, 20261201T050000Z-second-try .*has no tree/, 'the default side names itself when it cannot be read');

  const real = join(ref.root, 'real-app');
  lay(real, { 'main.sh': 'v9\n' });
  rmSync(ref.codeDir, { recursive: true });
  symlinkSync(real, ref.codeDir);
  assert.match(await kindOf(diffSnapshot(d, OLD, 'current')), /^refused: The agent code folder .* is a symbolic link/);
  rmSync(ref.codeDir);
  assert.match(await kindOf(diffSnapshot(d, OLD, 'current')), /^refused: The agent code folder .* does not exist/);

  // The snapshot folder itself a link (to a real copy elsewhere): refused, never read through.
  const history = join(ref.jarvisRoot, '.jarvis_self_history');
  renameSync(history, join(ref.root, 'elsewhere'));
  symlinkSync(join(ref.root, 'elsewhere'), history);
  assert.match(await kindOf(diffSnapshot(d, OLD, OLD)), /^refused: .*\.jarvis_self_history is a symbolic link, not a folder/);
});
