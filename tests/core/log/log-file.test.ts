import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { LogFile, logFilePath } from '../../../src-main/core/log/log-file.js';

const LOG_FILE_MODULE = new URL('../../../src-main/core/log/log-file.js', import.meta.url).href;

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const linesOf = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);

test('the log file rotates at its cap, keeps at most N files, 0600 in a 0700 folder', (t) => {
  const state = scratch(t);
  // A folder made earlier with a looser mode is tightened: the log names droplets and paths.
  mkdirSync(join(state, 'logs'), { mode: 0o755 });
  chmodSync(join(state, 'logs'), 0o755);
  const path = logFilePath(state);
  const f = new LogFile(path, { maxBytes: 1000, files: 3 });
  for (let i = 1; i <= 200; i++) f.write(`line ${String(i).padStart(4, '0')} ${'x'.repeat(40)}`);
  f.close();

  assert.deepEqual(readdirSync(join(state, 'logs')).sort(), ['stratam.log', 'stratam.log.1', 'stratam.log.2'], 'three files, no fourth');
  assert.equal(statSync(join(state, 'logs')).mode & 0o777, 0o700);
  for (const name of ['stratam.log', 'stratam.log.1', 'stratam.log.2']) {
    const st = statSync(join(state, 'logs', name));
    assert.equal(st.mode & 0o777, 0o600, `${name} is 0600`);
    assert.ok(st.size <= 1000, `${name} is within the cap (${st.size})`);
  }
  // Newest in the live file, older ones shifted, the oldest dropped; nothing torn or reordered.
  const kept = [...linesOf(`${path}.2`), ...linesOf(`${path}.1`), ...linesOf(path)];
  const nums = kept.map((l) => Number(/^line (\d+) x{40}$/.exec(l)?.[1]));
  assert.equal(nums.at(-1), 200);
  assert.deepEqual(
    nums,
    nums.map((_, i) => (nums[0] as number) + i),
    'consecutive lines, none torn',
  );
  assert.ok((nums[0] as number) > 1, 'the oldest lines were dropped');

  // A line longer than the whole cap is cut to fit, not rotated forever.
  const g = new LogFile(path, { maxBytes: 1000, files: 3 });
  g.write('y'.repeat(5000));
  g.close();
  assert.ok(statSync(path).size <= 1000);
  assert.match(readFileSync(path, 'utf8'), /^y+…\n$/);
});

test('two processes appending and rotating one log: every line whole, each once, never past the cap', async (t) => {
  const state = scratch(t);
  const path = logFilePath(state);
  const child = (tag: string) =>
    new Promise<number | null>((resolve) => {
      const p = spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
        const { LogFile } = await import(${JSON.stringify(LOG_FILE_MODULE)});
        const f = new LogFile(${JSON.stringify(path)}, { maxBytes: 20000, files: 4 });
        for (let i = 0; i < 400; i++) f.write('${tag} ' + String(i).padStart(4, '0') + ' ' + 'z'.repeat(40));
        f.close();
      `,
        ],
        { stdio: 'inherit' },
      );
      p.once('close', resolve);
    });
  assert.deepEqual(await Promise.all([child('a'), child('b')]), [0, 0]);
  const names = readdirSync(join(state, 'logs')).filter((n) => !n.includes('lock'));
  assert.ok(names.length >= 2 && names.length <= 4, `rotated, within the file count (${names.join(', ')})`);
  const all: string[] = [];
  for (const n of names) {
    assert.ok(statSync(join(state, 'logs', n)).size <= 20000, `${n} within the cap`);
    all.push(...linesOf(join(state, 'logs', n)));
  }
  for (const l of all) assert.match(l, /^[ab] \d{4} z{40}$/, 'no torn or glued line');
  // 800 lines of 48 bytes fit in four files of 20 kB: a double rotation would have dropped some.
  assert.equal(new Set(all).size, 800);
  assert.equal(all.length, 800);
});
