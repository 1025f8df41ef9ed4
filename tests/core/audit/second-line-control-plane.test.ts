/**
 * The second line covers the control plane: an agent record reporting that a
 * host_exec (or docker_cmd) ran (`ok: true`) a command the blocklist refuses
 * raises the critical `blocklisted-command-ran` alert, with the blocklist
 * reading the connected droplet's own control plane (issue 13).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AuditFeed } from '../../../src-main/core/audit/audit-feed.js';
import { loadGuardChecker } from '../../../src-main/core/audit/second-line.js';
import { controlPlane } from '../../../src-main/core/droplet/control-plane.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { Collector, record } from './audit-helpers.js';

test('second line: host_exec records that rewrote .env or pruned volumes raise the critical alert; reads and refused calls do not', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const lines = [
    record(1, { tool: 'host_exec', args: { cmd: `sed -i s/=0/=1/ ${ref.envPath}` } }),
    record(2, { tool: 'host_exec', args: { cmd: 'docker system prune -af --volumes' } }),
    record(3, { tool: 'host_exec', args: { cmd: `cat ${ref.envPath}` } }),
    record(4, { tool: 'host_exec', args: { cmd: `cd ${ref.jarvisRoot} && echo JARVIS_SELF_MODIFY_ALLOWED=1 >> .env` } }),
    record(5, { tool: 'host_exec', args: { cmd: `sed -i s/=0/=1/ ${ref.envPath}` }, ok: false, blocked: 'flag' }),
    record(6, { tool: 'docker_cmd', args: { cmd: 'volume rm jarvis_backups' } }),
    record(7, { tool: 'host_exec', args: { cmd: `: > ${join(ref.home, 'activity.jsonl')}` } }),
    record(8, { tool: 'host_exec', args: { cmd: 'docker ps && docker volume ls' } }),
    record(9, { tool: 'host_exec', args: { cmd: `python3 -c 'import shutil; shutil.rmtree("${ref.jarvisRoot}/.jarvis_self_history")'` } }),
  ];
  writeFileSync(join(ref.home, 'activity.jsonl'), `${lines.join('\n')}\n`);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const c = new Collector();
  await new AuditFeed(d, { fromSeq: 1, checkCommand: await loadGuardChecker(controlPlane(d.paths, d.home)), onItem: c.push }).run();
  assert.deepEqual(c.seqs(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const alerts = c.diags('alert').map((a) => (a.kind === 'alert' ? [a.reason, a.severity, a.at_seq] : []));
  assert.deepEqual(alerts, [
    ['blocklisted-command-ran', 'critical', 1],
    ['blocklisted-command-ran', 'critical', 2],
    ['blocklisted-command-ran', 'critical', 4],
    ['blocklisted-command-ran', 'critical', 6],
    ['blocklisted-command-ran', 'critical', 7],
    ['blocklisted-command-ran', 'critical', 9],
  ]);
  const first = c.diags('alert')[0];
  assert.ok(first?.kind === 'alert' && /control plane/.test(first.detail), 'the alert says the control plane was written');
});

test("second line without a droplet plane: the contract defaults (the issue's own example commands)", async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const lines = [
    record(1, { tool: 'host_exec', args: { cmd: 'sed -i s/=0/=1/ /opt/jarvis/.env' } }),
    record(2, { tool: 'host_exec', args: { cmd: 'docker system prune -af --volumes' } }),
    record(3, { tool: 'host_exec', args: { cmd: 'tail -n 5 /opt/jarvis/.env' } }),
  ];
  writeFileSync(join(ref.home, 'activity.jsonl'), `${lines.join('\n')}\n`);
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  const c = new Collector();
  await new AuditFeed(d, { fromSeq: 1, checkCommand: await loadGuardChecker(), onItem: c.push }).run();
  const alerts = c.diags('alert').map((a) => (a.kind === 'alert' ? [a.reason, a.severity, a.at_seq] : []));
  assert.deepEqual(alerts, [
    ['blocklisted-command-ran', 'critical', 1],
    ['blocklisted-command-ran', 'critical', 2],
  ]);
});
