import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { runDoctor } from '../../../src-main/core/doctor/doctor.js';
import { checkEdge } from '../../../src-main/core/doctor/edge-checks.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { startCaddyEdge } from '../../helpers/caddy-edge.js';

test('doctor over SSH: handshake, Docker RTT, SFTP, versions, agent, file modes', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  const t0 = performance.now();
  const d = await SshDroplet.connect(ref.profile());
  const handshake = Math.round(performance.now() - t0);
  t.after(async () => {
    releaseDocker(d);
    await d.close();
  });
  writeFileSync(join(ref.home, 'vault.keys'), '{}', { mode: 0o644 });
  chmodSync(join(ref.home, 'vault.keys'), 0o644);

  const r = await runDoctor(d, { sshHandshakeMs: handshake });
  const why = JSON.stringify(r.findings.filter((x) => x.level === 'fail'));
  assert.equal(r.sshHandshakeMs, handshake);
  assert.ok(r.dockerRttMs && r.dockerRttMs.p50 > 0 && r.dockerRttMs.p99 >= r.dockerRttMs.p50, why);
  assert.ok(r.sftpReadMBps !== null && r.sftpReadMBps > 0, why);
  assert.match(r.versions?.ssh ?? '', /OpenSSH/);
  assert.match(r.versions?.docker ?? '', /^\d+\.\d+/);
  assert.equal(r.agent?.state, 'running');
  const keys = r.files.find((f) => f.file === 'vault.keys');
  assert.deepEqual([keys?.verdict, keys?.mode], ['unsafe-mode', '0644']);
  const f = r.findings.find((x) => x.check === 'files' && x.level === 'fail');
  assert.ok(f && /vault\.keys has mode 0644/.test(f.message) && /chmod 600/.test(f.hint ?? ''));
  assert.equal(r.edge, null);

  chmodSync(join(ref.home, 'vault.keys'), 0o600);
  const ok = await runDoctor(d, { sshHandshakeMs: handshake, pings: 5 });
  assert.equal(ok.files.find((x) => x.file === 'vault.keys')?.verdict, 'ok');
  assert.ok(ok.findings.some((x) => x.check === 'files' && x.level === 'ok'));
});

test('edge checks against caddy with tls internal: a good edge and a bad one', async (t) => {
  const good = await startCaddyEdge();
  t.after(() => good.stop());
  const r = await checkEdge({ url: good.url, ca: good.ca, httpPort: good.httpPort, token: good.token });
  assert.equal(r.tls.trusted, true);
  assert.ok(r.tls.daysLeft !== null && r.tls.daysLeft >= 0);
  assert.match(r.hsts ?? '', /max-age=31536000/);
  assert.equal(r.httpRedirect.ok, true);
  assert.match(r.httpRedirect.location ?? '', /^https:\/\/localhost/);
  assert.equal(r.activity.queryKeyRefused, true);
  assert.equal(r.activity.bearerAccepted, true);

  // Without the CA file the internal certificate is not trusted, and that is reported.
  const untrusted = await checkEdge({ url: good.url, httpPort: good.httpPort });
  assert.equal(untrusted.tls.trusted, false);
  assert.ok(untrusted.tls.daysLeft !== null);

  const bad = await startCaddyEdge({ secure: false });
  t.after(() => bad.stop());
  const b = await checkEdge({ url: bad.url, ca: bad.ca, httpPort: bad.httpPort, token: bad.token });
  assert.equal(b.hsts, null);
  assert.equal(b.httpRedirect.ok, false);
  assert.equal(b.activity.queryKeyRefused, false);
  assert.equal(b.activity.queryKeyStatus, 200);
  assert.equal(b.activity.bearerAccepted, true);
  assert.ok(!JSON.stringify(b).includes(bad.token), 'the token never appears in the report');
});
