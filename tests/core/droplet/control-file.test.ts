/**
 * Control-plane files are regular files, never followed (contract v2): the
 * checked open, read, append and atomic write, over real SFTP (the reference
 * droplet's sshd) and on this machine (LocalDroplet), on real links, FIFOs
 * and folders.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants as fsc, existsSync, lstatSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { appendControlFile, readControlFile } from '../../../src-main/core/droplet/control-file.js';
import { writeAtomic } from '../../../src-main/core/droplet/atomic-write.js';
import type { Droplet } from '../../../src-main/core/droplet/droplet.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { openRegularOverSftp, type SftpOps } from '../../../src-main/core/droplet/sftp-regular.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';

const SECRET = 'TOP-SECRET-do-not-copy-7f3a\n';

let ref: ReferenceDroplet;
let ssh: SshDroplet;
let local: LocalDroplet;
let n = 0;

before(async () => {
  ref = await startReferenceDroplet();
  ssh = await SshDroplet.connect(ref.profile());
  local = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: ref.home, jarvisRoot: ref.jarvisRoot }, ref.root);
});
after(async () => {
  await ssh?.close();
  await ref?.teardown();
});

/** A fresh folder with a secret file outside the control plane, as an attacker's link target. */
function scene() {
  const dir = join(ref.home, `scene-${++n}`);
  mkdirSync(dir);
  const secret = join(ref.root, `secret-${n}.txt`);
  writeFileSync(secret, SECRET, { mode: 0o600 });
  return { dir, secret, path: join(dir, 'control.json') };
}

const droplets = (): Array<[string, Droplet]> => [
  ['ssh', ssh],
  ['local', local],
];

/** A refusal (exit 3) naming the path, saying what it is, and carrying none of the target's bytes. */
function assertNotRegular(err: unknown, path: string, type: string): true {
  assert.ok(err instanceof StratamError, String(err));
  assert.equal(err.kind, 'refused');
  assert.equal(err.exitCode, 3);
  assert.ok(err.message.includes(path), err.message);
  assert.equal(err.detail?.type, type);
  assert.ok(!err.message.includes('TOP-SECRET') && !JSON.stringify(err.detail).includes('TOP-SECRET'));
  return true;
}

test('a regular file is read whole; an absent one is null', async () => {
  for (const [kind, d] of droplets()) {
    const { path } = scene();
    writeFileSync(path, '{"a":1}\n', { mode: 0o640 });
    const r = await readControlFile(d, path);
    assert.equal(r?.bytes.toString(), '{"a":1}\n', kind);
    assert.equal(r?.stat.type, 'file');
    assert.equal(r?.stat.mode, 0o640);
    assert.equal(await readControlFile(d, `${path}.absent`), null, kind);
  }
});

test('a symlink (to a secret, or dangling), a FIFO and a folder are refused, never read or followed', async () => {
  for (const [kind, d] of droplets()) {
    const { dir, secret, path } = scene();
    symlinkSync(secret, path);
    await assert.rejects(readControlFile(d, path), (e) => assertNotRegular(e, path, 'symlink'), kind);
    const dangling = join(dir, 'dangling');
    symlinkSync(join(dir, 'nowhere'), dangling);
    await assert.rejects(readControlFile(d, dangling), (e) => assertNotRegular(e, dangling, 'symlink'), `${kind}: a dangling link is not "absent"`);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Refused at once: opening it would block (the test runner's timeout is the hang detector).
    await assert.rejects(readControlFile(d, fifo), (e) => assertNotRegular(e, fifo, 'fifo'), kind);
    await assert.rejects(readControlFile(d, dir), (e) => assertNotRegular(e, dir, 'dir'), kind);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
    assert.equal(readlinkSync(path), secret);
  }
});

test('append: creates an absent file exclusively; refuses a link (live or dangling) and a FIFO without writing through', async () => {
  for (const [kind, d] of droplets()) {
    const { dir, secret, path } = scene();
    await appendControlFile(d, path, Buffer.from('one\n'), 0o600);
    await appendControlFile(d, path, Buffer.from('two\n'), 0o600);
    assert.equal(readFileSync(path, 'utf8'), 'one\ntwo\n', kind);
    assert.equal(lstatSync(path).mode & 0o777, 0o600);

    const link = join(dir, 'receipts.jsonl');
    symlinkSync(secret, link);
    await assert.rejects(appendControlFile(d, link, Buffer.from('x\n')), (e) => assertNotRegular(e, link, 'symlink'), kind);
    assert.equal(readFileSync(secret, 'utf8'), SECRET, `${kind}: the target is byte-identical`);

    const target = join(dir, 'would-be-created');
    const dangling = join(dir, 'dangling.jsonl');
    symlinkSync(target, dangling);
    await assert.rejects(appendControlFile(d, dangling, Buffer.from('x\n')), (e) => assertNotRegular(e, dangling, 'symlink'), kind);
    assert.equal(existsSync(target), false, `${kind}: a dangling link's target is not created`);

    const fifo = join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(appendControlFile(d, fifo, Buffer.from('x\n')), (e) => assertNotRegular(e, fifo, 'fifo'), kind);
  }
});

test('writeAtomic: a compare-and-swap edit of a link is refused; a plain replace swaps the link itself, never its target', async () => {
  for (const [kind, d] of droplets()) {
    const { dir, secret, path } = scene();
    symlinkSync(secret, path);
    await assert.rejects(writeAtomic(d, path, Buffer.from('new\n'), { mode: 0o600, expect: Buffer.from(SECRET) }), (e) => assertNotRegular(e, path, 'symlink'), kind);
    assert.equal(readlinkSync(path), secret, `${kind}: the link is left as it was`);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
    // expect null ("must not exist"): a dangling or live link is not "absent".
    await assert.rejects(writeAtomic(d, path, Buffer.from('new\n'), { mode: 0o600, expect: null }), (e) => assertNotRegular(e, path, 'symlink'), kind);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.stratam-')),
      [],
      `${kind}: no temp file left`,
    );

    // No compare (hold-pause's restore): rename replaces the link with a regular file; the target is untouched.
    await writeAtomic(d, path, Buffer.from('restored\n'), { mode: 0o600 });
    assert.ok(lstatSync(path).isFile(), kind);
    assert.equal(readFileSync(path, 'utf8'), 'restored\n');
    assert.equal(readFileSync(secret, 'utf8'), SECRET, `${kind}: rename never writes through the link it replaces`);

    // The temp file is created with O_EXCL: a link already at that name is never followed.
    const tmpName = join(dir, '.control.json.stratam-aaaaaaaaaaaa.tmp');
    symlinkSync(secret, tmpName);
    // (EEXIST locally; over SFTP protocol 3 it arrives as a generic failure, which has no "exists" code.)
    await assert.rejects(d.writeNew(tmpName, Buffer.from('x'), 0o600), (e: NodeJS.ErrnoException) => e.code === (kind === 'ssh' ? 'EIO' : 'EEXIST'), kind);
    assert.equal(readlinkSync(tmpName), secret);
    assert.equal(readFileSync(secret, 'utf8'), SECRET);
  }
});

/**
 * The SFTP races, made deterministic: these ops are the droplet's own on a
 * real session, except that the lstat looks at a stand-in regular file, as if
 * the path had been swapped right after the check and swapped back before
 * the second one (the worst interleaving for the app).
 */
async function racedOps(statPath: string, file: string): Promise<{ ops: SftpOps; session: unknown }> {
  const priv = ssh as unknown as { sftp(): Promise<unknown>; opsOn(s: unknown, f: string): SftpOps };
  const session = await priv.sftp();
  const real = priv.opsOn(session, file);
  return { ops: { ...real, lstat: () => real.lstat(statPath) }, session };
}

test('SFTP: a link swapped in between the checks is caught by the handle check and never read (refused after three tries)', async () => {
  const { dir, secret, path } = scene();
  const standIn = join(dir, 'stand-in');
  writeFileSync(standIn, '{"looks":"fine"}\n');
  symlinkSync(secret, path);
  const { ops } = await racedOps(standIn, path);
  // sftp-server follows the link when it opens (no O_NOFOLLOW over SFTP): fstat of that handle is the secret's, lstat the stand-in's.
  await assert.rejects(openRegularOverSftp(ops, path, 'read', 0o600, 10_000), (e: unknown) => {
    assert.ok(e instanceof StratamError && e.kind === 'refused' && e.detail?.changedWhileOpening === true, String(e));
    assert.ok(e.message.includes(path) && !e.message.includes('TOP-SECRET'));
    return true;
  });
  assert.equal(readFileSync(secret, 'utf8'), SECRET);
});

test('SFTP: a FIFO swapped in between the check and the open cannot hang the app: the open is refused at its deadline and the session replaced', async (t) => {
  const { dir, path } = scene();
  const standIn = join(dir, 'stand-in');
  writeFileSync(standIn, 'ok\n');
  execFileSync('mkfifo', [path]);
  // Release the sftp-server blocked in open(2) on the FIFO, whatever happens: a writer completes its open.
  t.after(() => {
    try {
      closeSync(openSync(path, fsc.O_WRONLY | fsc.O_NONBLOCK));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err; // ENXIO: no reader left to release
    }
  });
  // A file already open on the session that is about to be dropped.
  const held = await ssh.openRegular(standIn, 'read');
  assert.ok(held);
  const { ops } = await racedOps(standIn, path);
  const opening = openRegularOverSftp(ops, path, 'read', 0o600, 1000);
  // A request sent on the same session once the server is blocked (or, on a slow machine, before).
  await new Promise((r) => setTimeout(r, 200));
  const queued = ssh.stat(standIn).then(
    () => 'answered',
    (e: Error) => e.message,
  );
  await assert.rejects(opening, (e: unknown) => {
    assert.ok(e instanceof StratamError && e.kind === 'refused' && e.detail?.openTimedOut === true, String(e));
    assert.ok(e.message.includes(path));
    return true;
  });
  // The queued request settles too (failed with the session, or answered before the block), instead of waiting forever...
  assert.match(await queued, /answered|No response|SFTP session ended/);
  // A handle of the dropped session fails its next read at once (ssh2 would never answer it) and closes quietly...
  await assert.rejects(held.read(0, 3), /SFTP session ended/);
  await held.close();
  // ...and the droplet goes on with a new session.
  assert.equal((await ssh.stat(standIn))?.type, 'file');
  assert.equal((await readControlFile(ssh, standIn))?.bytes.toString(), 'ok\n');
});

test('SFTP: any open is bounded, so a plain readFile of a FIFO (no check first) cannot wedge the shared session', async (t) => {
  const { dir } = scene();
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  t.after(() => {
    try {
      closeSync(openSync(fifo, fsc.O_WRONLY | fsc.O_NONBLOCK));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
    }
  });
  const deadline = ssh.openDeadlineMs;
  ssh.openDeadlineMs = 300;
  t.after(() => void (ssh.openDeadlineMs = deadline));
  await assert.rejects(ssh.readFile(fifo), (e: unknown) => e instanceof StratamError && e.detail?.openTimedOut === true);
  assert.equal((await readControlFile(ssh, ref.envPath))?.bytes.toString(), readFileSync(ref.envPath, 'utf8'));
});
