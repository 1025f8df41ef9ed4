/**
 * Issue 15, defect 7: a droplet whose sshd has no SFTP subsystem. Against a
 * real sshd started without the `Subsystem sftp` line: the droplet still
 * connects, every file operation refuses with the cause and the exact
 * sshd_config line, `doctor` reports it as a failed check, and the CLI says
 * the same (status exits 4, doctor 3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { runDoctor } from '../../../src-main/core/doctor/doctor.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { runCli } from '../../helpers/run-cli.js';

const LINE = 'Subsystem sftp /usr/lib/openssh/sftp-server';

test('no SFTP subsystem: file operations refuse with the sshd_config line; doctor and the CLI say so', async (t) => {
  const ref = await startReferenceDroplet({ sftp: false });
  t.after(() => ref.teardown());

  const d = await SshDroplet.connect(ref.profile());
  t.after(async () => {
    releaseDocker(d);
    await d.close();
  });
  assert.equal(d.home, (await d.exec(['sh', '-c', 'cd && pwd'])).stdout.toString().trim(), 'home found through the shell');

  for (const op of [() => d.readFile(d.paths.envFile), () => d.stat(d.paths.envFile), () => d.append(`${ref.home}/x.jsonl`, Buffer.from('x\n'))]) {
    const err = await op().then(
      () => assert.fail('a file operation succeeded without SFTP'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StratamError, `a StratamError, not ${String(err)}`);
    assert.equal(err.kind, 'connect');
    assert.match(err.message, /has no SFTP subsystem/);
    assert.match(err.message, /Unable to start subsystem: sftp/, 'what sshd said is quoted');
    assert.ok(err.hint?.includes(LINE) && err.hint.includes('Subsystem sftp internal-sftp'), err.hint);
  }
  // Exec still works: only the file channel is missing.
  assert.equal((await d.exec(['printf', 'ok'])).stdout.toString(), 'ok');

  const r = await runDoctor(d, { sshHandshakeMs: 1, pings: 2 });
  const sftp = r.findings.find((f) => f.check === 'sftp');
  assert.equal(sftp?.level, 'fail');
  assert.match(sftp?.message ?? '', /no SFTP subsystem/);
  assert.ok(sftp?.hint?.includes(LINE), sftp?.hint ?? 'no hint');
  assert.equal(r.findings.filter((f) => f.check === 'files').length, 0, 'no second failure for the same cause');

  const doctor = await runCli([...ref.cliArgs(), 'doctor'], { timeoutMs: 180_000 });
  assert.equal(doctor.code, 3, doctor.stderr);
  assert.match(doctor.stdout, /FAIL sftp +The droplet's sshd .* has no SFTP subsystem/);
  assert.ok(doctor.stdout.includes(LINE), doctor.stdout);

  const status = await runCli([...ref.cliArgs(), 'status'], { timeoutMs: 180_000 });
  assert.equal(status.code, 4, status.stderr);
  assert.match(status.stderr, /has no SFTP subsystem/);
  assert.ok(status.stderr.includes(LINE), status.stderr);
});
