import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { type BackupFile, backupHealth, listBackupsWith } from '../../../src-main/core/data/backups.js';

const NOW = new Date('2026-12-01T06:00:00Z');
const H = 3_600_000;
/** Daily backups at 03:00 UTC for the given days before NOW's day (0 = today). */
function daily(daysBack: number[]): BackupFile[] {
  return daysBack.map((d) => {
    const t = Date.parse('2026-12-01T03:00:00Z') - d * 24 * H;
    const day = new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
    return { name: `jarvis-${day}.tar.gz`, mtime: t, size: 1000 + d };
  });
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test('a healthy month: latest 3 h old, 31 days (today back to 30 days ago), no gap', () => {
  const h = backupHealth(daily(range(0, 30)), NOW);
  assert.deepEqual(h.problems, []);
  assert.equal(h.ok, true);
  assert.equal(h.count, 31);
  assert.equal(h.latest!.name, 'jarvis-20261201.tar.gz');
  assert.equal(h.latest!.ageHours, 3);
});

test('latest must be under 26 hours old', () => {
  const files = daily(range(1, 10)); // yesterday 03:00 -> 27 h
  const h = backupHealth(files, NOW);
  assert.equal(h.ok, false);
  assert.match(h.problems.join(), /latest backup \(jarvis-20261130\.tar\.gz\) is 27 h old/);
  const fresh = backupHealth(files, new Date('2026-12-01T04:59:00Z'));
  assert.equal(fresh.ok, true, '25.98 h is still fine');
});

test('backups older than 30 days are flagged (retention not applied)', () => {
  const h = backupHealth(daily(range(0, 32)), NOW);
  assert.equal(h.ok, false);
  assert.deepEqual(h.expired, ['jarvis-20261030.tar.gz', 'jarvis-20261031.tar.gz']);
  assert.deepEqual(h.missingDays, []);
});

test('a missing day inside the window is flagged; days before the first backup are not', () => {
  const h = backupHealth(daily([0, 1, 2, 4, 5, 8]), NOW);
  assert.equal(h.ok, false);
  assert.deepEqual(h.missingDays, ['2026-11-24', '2026-11-25', '2026-11-28']);
  const young = backupHealth(daily([0, 1, 2]), NOW);
  assert.equal(young.ok, true);
});

test('no backups at all, and foreign files listed but not judged', () => {
  assert.equal(backupHealth([], NOW).ok, false);
  const h = backupHealth([...daily([0]), { name: 'notes.txt', mtime: 0, size: 3 }], NOW);
  assert.equal(h.ok, true);
  assert.deepEqual(h.foreign, ['notes.txt']);
  assert.equal(h.totalBytes, 1003);
});

test('listBackupsWith takes the droplet volume name and any lister', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-backups-'));
  try {
    const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: join(dir, 'h'), jarvisRoot: join(dir, 'r'), backupsVolume: 'vol_x' }, dir);
    const asked: string[] = [];
    const r = await listBackupsWith(droplet, async (v) => (asked.push(v), daily([2, 0, 1])), NOW);
    assert.deepEqual(asked, ['vol_x']);
    assert.deepEqual(
      r.files.map((f) => f.name),
      ['jarvis-20261201.tar.gz', 'jarvis-20261130.tar.gz', 'jarvis-20261129.tar.gz'],
    );
    assert.equal(r.files[0]!.time, '2026-12-01T03:00:00.000Z');
    assert.equal(r.health.ok, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
