import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { listSnapshots } from '../../../src-main/core/data/snapshots.js';

function setup(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-snap-'));
  const hist = join(dir, 'root', '.jarvis_self_history');
  mkdirSync(hist, { recursive: true });
  for (let i = 0; i < n; i++) {
    const d = join(hist, `202611${String(10 + (i % 20)).padStart(2, '0')}T0${i % 10}0000Z-fix-${i}`);
    mkdirSync(join(d, 'src'), { recursive: true });
    writeFileSync(join(d, 'src', 'a.py'), 'x'.repeat(1000 + i));
    writeFileSync(join(d, 'README'), 'y'.repeat(10));
  }
  writeFileSync(join(hist, 'stray.txt'), 'z');
  const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: join(dir, 'home'), jarvisRoot: join(dir, 'root') }, dir);
  return { dir, droplet };
}

test('snapshots listed newest first with time, label and size; strays ignored', async () => {
  const { dir, droplet } = setup(3);
  try {
    const r = await listSnapshots(droplet);
    assert.deepEqual(
      r.snapshots.map((s) => [s.time, s.label]),
      [
        ['2026-11-12T02:00:00Z', 'fix-2'],
        ['2026-11-11T01:00:00Z', 'fix-1'],
        ['2026-11-10T00:00:00Z', 'fix-0'],
      ],
    );
    // du -b counts the folders themselves too; the file bytes are a floor.
    assert.ok(r.snapshots[0]!.size >= 1012, String(r.snapshots[0]!.size));
    assert.deepEqual(r.ignored, ['stray.txt']);
    assert.equal(r.warning, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('more than 50 snapshots gives a warning; an absent folder gives an empty list', async () => {
  const { dir, droplet } = setup(51);
  try {
    const r = await listSnapshots(droplet);
    assert.equal(r.snapshots.length, 51);
    assert.match(r.warning!, /51 snapshots: more than the 50/);
    rmSync(join(dir, 'root'), { recursive: true });
    assert.deepEqual((await listSnapshots(droplet)).snapshots, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
