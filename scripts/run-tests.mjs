// Runs test files with Node's own test runner.
//   node scripts/run-tests.mjs [--dist DIR] [--transpile] [substring ...]
// --dist: where the transpiled tree is (default dist/node, made by `npm run build`).
// --transpile: transpile into --dist first (quick iteration without a full build).
// --faults: run only tests/faults, one file at a time (some restart dockerd or
//   kill sshd, which must not overlap other suites). Without it they are left out.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { transpile } from './transpile.mjs';

const args = process.argv.slice(2);
let root = 'dist/node';
let doTranspile = false;
let faults = false;
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--dist') root = args[++i];
  else if (args[i] === '--transpile') doTranspile = true;
  else if (args[i] === '--faults') faults = true;
  else filters.push(args[i]);
}
if (doTranspile) await transpile(root);

const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.test.js') && (filters.length === 0 || filters.some((f) => p.includes(f)))) {
      if (p.includes('/tests/faults/') === faults) files.push(p);
    }
  }
};
for (const top of ['tests', 'src-main']) {
  try {
    walk(join(root, top));
  } catch {
    /* absent */
  }
}
if (files.length === 0) {
  console.error(`No test files matched under ${root}. Run \`npm run build\` first, or pass --transpile.`);
  process.exit(1);
}
files.sort();
// node:test applies --test-timeout to each file as a whole too. The fault
// campaign's soak runs for STRATAM_SOAK_MINUTES (10 by default) on its own, so
// its files get that much more room; a stuck file still ends the run.
const soakMinutes = Number(process.env.STRATAM_SOAK_MINUTES ?? 10);
const fileTimeoutMs = faults ? (soakMinutes + 10) * 60_000 : 600_000;
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${faults ? 1 : 2}`, `--test-timeout=${fileTimeoutMs}`, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
