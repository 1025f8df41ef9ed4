/**
 * Load one of the console's pure state modules under Node. The renderer is
 * built by Vite, not by the project's transpile step, so its sources are not
 * in the transpiled tree the tests run from; esbuild (already a dev
 * dependency) bundles the one module into a temp file, which is imported.
 * Only modules without DOM or React imports belong here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { repoRoot } from '../helpers/repo-root.js';

export async function loadRendererModule<T>(relPath: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-renderer-mod-'));
  try {
    const outfile = join(dir, 'module.mjs');
    await build({ entryPoints: [join(repoRoot(), 'src-renderer', 'src', relPath)], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile, logLevel: 'warning' });
    return (await import(pathToFileURL(outfile).href)) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
