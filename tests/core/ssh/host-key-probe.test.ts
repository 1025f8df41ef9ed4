/**
 * The first-connect probe, now on the link's own dial (dial.ts): it learns
 * the key the droplet offers and ends the handshake there, before any
 * authentication; an unreachable droplet says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { probeHostKey } from '../../../src-main/core/ssh/host-key-probe.js';
import { freePort, startReferenceDroplet } from '../../helpers/reference-droplet.js';

test('the probe returns the offered host key and never authenticates; a closed port is reported as unreachable', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const offered = await probeHostKey('127.0.0.1', ref.port);
  assert.equal(offered.fingerprint, ref.hostFingerprint);
  assert.equal(offered.keyType, 'ssh-ed25519');
  assert.doesNotMatch(readFileSync(ref.sshdLog, 'utf8'), /stratam-host-key-probe|Accepted|publickey/);

  const closed = await freePort();
  await assert.rejects(probeHostKey('127.0.0.1', closed), (err: Error) => {
    assert.match(err.message, new RegExp(`Could not reach 127\\.0\\.0\\.1:${closed} over SSH \\(connection refused\\)`));
    return true;
  });
});
