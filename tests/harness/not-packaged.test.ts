/**
 * The browser harness is for development and tests only: the packaged app
 * must never contain it. electron-builder packs only what `files` includes;
 * every include must be one of the app's own build outputs.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/repo-root.js';

test('electron-builder packs no harness, test or dist/node file', () => {
  const yml = readFileSync(join(repoRoot(), 'electron-builder.yml'), 'utf8');
  const block = /^files:\n((?:[ \t]+(?:-.*|#.*)\n)+)/m.exec(yml);
  assert.ok(block, 'electron-builder.yml has a files list');
  const includes = block[1]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('-'))
    .map((l) =>
      l
        .slice(1)
        .trim()
        .replace(/^["']|["']$/g, ''),
    )
    .filter((p) => !p.startsWith('!'));
  assert.ok(includes.length > 0);
  for (const p of includes) {
    assert.ok(['package.json', 'dist/electron/**', 'dist/renderer/**', 'dist/assets/**'].includes(p), `unexpected include "${p}" could pack the harness`);
  }
});

test('the renderer source never imports the harness', () => {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n: string) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  for (const f of walk(join(repoRoot(), 'src-renderer', 'src'))) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /tests\/harness|harness-server/, f);
  }
});
