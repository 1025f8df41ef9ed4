/**
 * Sign-out against the reference droplet (real sshd, real SFTP, real find):
 * the browser profile is emptied and the agent paused, with receipts; a link
 * in the profile's place is refused and never emptied through; links inside
 * are removed as links; a link swapped in after the check deletes nothing.
 */
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { emptyFolder } from '../../../src-main/core/recovery/empty-folder.js';
import { signOut } from '../../../src-main/core/recovery/signout.js';
import { DEFAULT_ENV, startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';

let ref: ReferenceDroplet;
let ssh: SshDroplet;
let profile: string;
let n = 0;

before(async () => {
  ref = await startReferenceDroplet();
  ssh = await SshDroplet.connect(ref.profile());
  profile = join(ref.home, 'playwright_profile');
});
after(async () => {
  await ssh?.close();
  await ref?.teardown();
});
beforeEach(() => {
  writeFileSync(ref.envPath, DEFAULT_ENV);
  rmSync(profile, { recursive: true, force: true });
});

/** A folder outside the profile holding a canary file, as the agent's link target. */
function canary(): { dir: string; file: string } {
  const dir = join(ref.root, `outside-${++n}`);
  mkdirSync(dir);
  const file = join(dir, 'canary.txt');
  writeFileSync(file, 'canary\n');
  return { dir, file };
}

const receipts = (tool: string) => ref.readJsonl('operator_actions.jsonl').filter((r) => r.tool === tool);
const paused = () => /^JARVIS_SELF_MODIFY_ALLOWED=0$/m.test(ref.readEnv());

test('signout pauses, empties the profile (the folder stays), counts what went, and leaves receipts', async () => {
  mkdirSync(join(profile, 'Default', 'Cache'), { recursive: true });
  writeFileSync(join(profile, 'Default', 'Cookies'), 'x'.repeat(1000));
  writeFileSync(join(profile, 'Default', 'Cache', 'a'), 'y'.repeat(234));
  writeFileSync(join(profile, 'Local State'), '{}');
  const c = canary();
  // A link inside pointing outside: removed as a link, its target untouched.
  symlinkSync(c.file, join(profile, 'Default', 'evil-link'));
  symlinkSync(c.dir, join(profile, 'evil-dir-link'));
  const before = receipts('signout').length;

  const r = await signOut(ssh, { via: 'test' });

  assert.equal(r.folder, 'emptied');
  assert.equal(r.path, profile);
  assert.equal(r.paused, true);
  // Default, Cache, Cookies, a, Local State, evil-link, evil-dir-link.
  assert.equal(r.entries, 7);
  assert.equal(r.bytes, 1000 + 234 + 2);
  assert.ok(lstatSync(profile).isDirectory(), 'the folder itself stays');
  assert.deepEqual(readdirSync(profile), []);
  assert.equal(readFileSync(c.file, 'utf8'), 'canary\n', 'the link target survives');
  assert.ok(paused(), 'JARVIS_SELF_MODIFY_ALLOWED=0');
  assert.match(ref.readEnv(), /^OPENAI_API_KEY=sk-test-not-a-real-key$/m, 'no other line touched');
  const rs = receipts('signout');
  assert.equal(rs.length, before + 1);
  const last = rs.at(-1)!;
  assert.equal(last.ok, true);
  assert.deepEqual(last.result, { folder: 'emptied', entries: 7, bytes: 1236, paused: true });
  assert.equal((last.args as { via: string }).via, 'test');
  assert.ok(
    receipts('pause').some((p) => (p.args as { via: string }).via === 'signout'),
    'the pause has its own receipt',
  );
});

test('a playwright_profile that is a link is refused (exit 3) before the pause; the folder it points at is untouched', async () => {
  const c = canary();
  symlinkSync(c.dir, profile);
  const before = receipts('signout').length;
  await assert.rejects(signOut(ssh), (err: unknown) => {
    assert.ok(err instanceof StratamError);
    assert.equal(err.exitCode, 3);
    assert.match(err.message, /playwright_profile.*symbolic link.*nothing was deleted/);
    assert.ok(!err.message.includes(c.dir), 'the message does not tell the agent about its target');
    return true;
  });
  assert.equal(readFileSync(c.file, 'utf8'), 'canary\n');
  assert.ok(lstatSync(profile).isSymbolicLink(), 'the link itself is left for the operator to inspect');
  assert.ok(!paused(), 'refused before anything changed');
  const rs = receipts('signout');
  assert.equal(rs.length, before + 1, 'the refusal leaves a receipt');
  assert.equal(rs.at(-1)!.ok, false);
});

test('a link swapped in after the check: the delete itself does not go through it', async () => {
  // What emptyFolder meets if the agent swaps the folder for a link between signOut's lstat and find.
  const c = canary();
  writeFileSync(join(c.dir, 'second.txt'), 'second\n');
  symlinkSync(c.dir, profile);
  await assert.rejects(emptyFolder(ssh, profile), (err: unknown) => {
    assert.ok(err instanceof StratamError);
    assert.equal(err.exitCode, 3);
    assert.match(err.message, /replaced by a symbolic link while it was being emptied; nothing was deleted through it \(0 entries/);
    return true;
  });
  assert.deepEqual(readdirSync(c.dir).sort(), ['canary.txt', 'second.txt']);
});

test('no profile folder: nothing to do, still paused and receipted, and it says so', async () => {
  assert.ok(!existsSync(profile));
  const before = receipts('signout').length;
  const r = await signOut(ssh);
  assert.deepEqual(r, { path: profile, entries: 0, bytes: 0, paused: true, folder: 'absent' });
  assert.ok(paused());
  assert.ok(!existsSync(profile), 'no folder is created');
  const rs = receipts('signout');
  assert.equal(rs.length, before + 1);
  assert.equal((rs.at(-1)!.result as { folder: string }).folder, 'absent');
});
