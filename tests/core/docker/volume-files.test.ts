import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { listVolumeFiles } from '../../../src-main/core/docker/volume-files.js';
import { backupHealth } from '../../../src-main/core/data/backups.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { AGENT_IMAGE, ensureAgentImage } from '../../helpers/agent-image.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { runCli } from '../../helpers/run-cli.js';

const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');

test('backups volume: listed over SFTP as root, through a read-only sandbox as a plain docker-group user', async (t) => {
  ensureAgentImage();
  const volume = `jarvis_backups_test_${randomBytes(3).toString('hex')}`;
  execFileSync('docker', ['volume', 'create', volume], { stdio: 'ignore' });
  t.after(() => execFileSync('docker', ['volume', 'rm', '-f', volume], { stdio: 'ignore' }));
  // Three daily backups, the newest made an hour ago.
  const script = [0, 1, 2].map((d) => `echo backup > /b/jarvis-${day(d)}.tar.gz && touch -d @${Math.floor(Date.now() / 1000) - d * 86400 - 3600} /b/jarvis-${day(d)}.tar.gz`).join(' && ');
  execFileSync('docker', ['run', '--rm', '--network=none', '-v', `${volume}:/b`, AGENT_IMAGE, 'sh', '-c', script]);

  for (const user of ['root', 'stratam-bench']) {
    const ref = await startReferenceDroplet(user === 'root' ? {} : { user });
    try {
      const profile = ref.profile();
      profile.paths.sandboxImage = AGENT_IMAGE;
      profile.paths.backupsVolume = volume;
      const d = await SshDroplet.connect(profile);
      try {
        const files = await listVolumeFiles(d, volume);
        assert.deepEqual(files.map((f) => f.name).sort(), [0, 1, 2].map((x) => `jarvis-${day(x)}.tar.gz`).sort(), user);
        assert.ok(files.every((f) => f.size === 7));
        const health = backupHealth(files);
        assert.equal(health.ok, true, health.problems.join('; '));
        if (user !== 'root') {
          // status never starts a container: for this user it reports the section unavailable
          await assert.rejects(listVolumeFiles(d, volume, { allowContainer: false }), { code: 'EACCES' });
          const sandboxes = execFileSync('docker', ['ps', '-aq', '--filter', 'label=us.stratam.role=sandbox'], { encoding: 'utf8' }).trim();
          assert.equal(sandboxes, '', 'the listing container is gone');
        }
      } finally {
        await d.close();
      }
      const cli = await runCli([...ref.cliArgs(), '--backups-volume', volume, '--sandbox-image', AGENT_IMAGE, 'backups', '--json']);
      assert.equal(cli.code, 0, cli.stderr);
      assert.equal(JSON.parse(cli.stdout).health.count, 3);
    } finally {
      await ref.teardown();
    }
  }
});

test('a missing backups volume is a clear error', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());
  await assert.rejects(listVolumeFiles(d, 'no_such_volume_here'), /does not exist on the droplet/);
});
