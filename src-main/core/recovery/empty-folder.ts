/**
 * Emptying a folder the agent can write (the browser profile, the snapshot
 * folder) without ever deleting through a link.
 *
 * The agent can put a link where the folder should be (to /etc, to the SSH
 * user's home), or links inside it. So: the folder is checked with lstat
 * (a link, or anything but a real folder, is refused, exit 3), and the delete
 * itself is one `find -P <dir> -mindepth 1 -printf '%y %s\n' -delete` run as
 * argv. GNU find in -P mode never follows a link: a start point that is a
 * link is examined as a link (so with -mindepth 1 nothing under it is
 * touched), links inside are deleted as links, and it descends with
 * O_NOFOLLOW and a device/inode check. A link swapped in between our check
 * and find's start therefore deletes nothing through it, which the tests
 * check by running this on a link directly. find prints each entry's type
 * and size (never its name, never its bytes) just before deleting it, so the
 * count is of what went, and nothing from the folder leaves the droplet.
 */
import { describeType } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { StratamError, refusedError } from '../errors.js';

export interface Emptied {
  /** Entries removed from inside the folder (files, folders, links). */
  entries: number;
  /** Bytes of the regular files removed (folders and links are not counted). */
  bytes: number;
}

/**
 * null when absent; refused (exit 3) when the path is a link or anything but
 * a real folder. `what` names it for people ("the browser profile").
 */
export async function realFolderOrAbsent(droplet: Droplet, path: string, what: string): Promise<'dir' | null> {
  const st = await droplet.lstat(path);
  if (!st) return null;
  if (st.type === 'dir') return 'dir';
  throw refusedError(
    `${path} (${what}) is ${describeType(st.type)}, not a folder; it is never emptied through anything else, so nothing was deleted.`,
    `Inspect it on the droplet (ls -ld ${path}); the agent can write there, so if it was not you, treat it as tampering. Replace it with a real folder, then retry.`,
    { path, type: st.type, notRegular: true },
  );
}

/** Delete everything inside `dir` (which stays, empty), never following a link. */
export async function emptyFolder(droplet: Droplet, dir: string): Promise<Emptied> {
  if (!dir.startsWith('/') || dir.endsWith('/') || dir.split('/').includes('..')) {
    // A trailing slash would make find follow a link at the start point; a relative path could read as an option.
    throw new StratamError('failed', `Refusing to empty "${dir}": not a plain absolute path.`, { hint: 'Check the droplet paths in the profile (--jarvis-home, --jarvis-root).' });
  }
  let entries = 0;
  let bytes = 0;
  let rest = '';
  let stderr = '';
  const take = (line: string) => {
    const m = /^(\S) (\d+)$/.exec(line);
    if (!m) return;
    entries++;
    if (m[1] === 'f') bytes += Number(m[2]);
  };
  const r = await droplet.exec(['find', '-P', dir, '-mindepth', '1', '-printf', '%y %s\\n', '-delete'], {
    collect: false,
    onStdout: (chunk) => {
      const lines = (rest + chunk.toString('latin1')).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) take(l);
    },
    onStderr: (chunk) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    },
  });
  take(rest);
  if (r.code !== 0) {
    const why = stderr.trim().split('\n').slice(0, 3).join('; ').slice(0, 400) || `find exited with ${r.code ?? r.signal}`;
    throw new StratamError('failed', `${dir} could not be emptied completely (${entries} entries removed before it stopped): ${why}.`, {
      hint: "Something may still be writing there (the agent's browser). Stop the agent container on the droplet, then run the command again; what is left will be removed.",
      detail: { path: dir, entries, bytes },
    });
  }
  // find does not go through a link at its start point; say so plainly if one was swapped in meanwhile.
  const after = await droplet.lstat(dir);
  if (after && after.type !== 'dir') {
    throw refusedError(
      `${dir} was replaced by ${describeType(after.type)} while it was being emptied; nothing was deleted through it (${entries} entries removed from the real folder before that).`,
      `Inspect it on the droplet (ls -ld ${dir}); treat it as tampering.`,
      { path: dir, type: after.type, notRegular: true, entries, bytes },
    );
  }
  return { entries, bytes };
}
