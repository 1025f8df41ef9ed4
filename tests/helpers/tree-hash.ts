/**
 * The whole-tree hash of a folder on this machine: path, type, mode, and the
 * content or link target of every entry, sorted. An independent reading of
 * the rule the rollback's droplet-side script hashes by (tree-ops-script.ts),
 * so a test can say "this folder is exactly that tree".
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeHash(root: string): string {
  const lines: Buffer[] = [Buffer.from(`.\0dir\0${(lstatSync(root).mode & 0o7777).toString(8)}\0\n`)];
  const walk = (dir: string, rel: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(p);
      const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
      const digest = type === 'file' ? createHash('sha256').update(readFileSync(p)).digest('hex') : type === 'symlink' ? readlinkSync(p) : '';
      lines.push(Buffer.from(`${r}\0${type}\0${(st.mode & 0o7777).toString(8)}\0${digest}\n`));
      if (type === 'dir') walk(p, r);
    }
  };
  walk(root, '');
  lines.sort(Buffer.compare);
  return createHash('sha256').update(Buffer.concat(lines)).digest('hex');
}
