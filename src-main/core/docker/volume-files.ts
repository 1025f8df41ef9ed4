/**
 * The files at the top of a Docker volume (the backups volume). Read over SFTP
 * from the volume's mount point when the SSH user may (root), otherwise by a
 * throwaway sandbox container that mounts the volume read-only and `stat`s
 * its files: the same policy as every sandbox (no network, read-only root,
 * 128 MiB), and a receipt like any sandbox run.
 */
import type { BackupFile } from '../data/backups.js';
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { sandboxRun } from '../sandbox/sandbox-run.js';
import { dockerFor, isNotFound } from './docker-client.js';

/**
 * `allowContainer: false` (status, polled by the tray) never starts a
 * container: a volume this user cannot read then fails with EACCES.
 */
export async function listVolumeFiles(droplet: Droplet, volume: string, opts: { allowContainer?: boolean } = {}): Promise<BackupFile[]> {
  let mountpoint: string;
  try {
    mountpoint = ((await dockerFor(droplet).docker.getVolume(volume).inspect()) as { Mountpoint: string }).Mountpoint;
  } catch (err) {
    if (isNotFound(err))
      throw new StratamError('failed', `The Docker volume ${volume} does not exist on the droplet.`, { hint: 'Check the backupsVolume setting, or that the backup job has run at least once.' });
    throw err;
  }
  try {
    return (await droplet.readdir(mountpoint)).filter((e) => e.stat.isFile).map((e) => ({ name: e.name, mtime: e.stat.mtimeMs, size: e.stat.size }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EACCES' || opts.allowContainer === false) throw err;
  }
  let out = '';
  const r = await sandboxRun(droplet, {
    cmd: ['sh', '-c', 'for f in /v/*; do [ -f "$f" ] && stat -c "%s %Y %n" "$f"; done; true'],
    readOnlyVolumes: { [volume]: '/v' },
    timeoutSec: 30,
    via: 'backups-list',
    onStdout: (c) => (out += c.toString('utf8')),
  });
  if (r.exitCode !== 0)
    throw new StratamError('failed', `Listing the volume ${volume} failed (exit ${r.exitCode}).`, { hint: 'The sandbox image needs `sh` and `stat`; or connect as a user that can read the volume.' });
  return out
    .split('\n')
    .map((l) => /^(\d+) (\d+) \/v\/(.+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[3]!, size: Number(m[1]), mtime: Number(m[2]) * 1000 }));
}
