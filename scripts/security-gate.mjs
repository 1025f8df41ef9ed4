// The CI security gate:
//  1. electron-builder.yml keeps its fuses, asar and targets (scripts/check-builder-config.mjs);
//  2. Electronegativity over src-main reports no HIGH or CRITICAL finding.
// Electronegativity runs through npx, outside the project's dependencies (it
// pulls a large tree we do not want in the app's lockfile). It exits 0 even
// when it finds something, so its CSV is parsed here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ELECTRONEGATIVITY = '@doyensec/electronegativity@1.10.3';
const ELECTRON_VERSION = '45.5.0';

const builder = spawnSync(process.execPath, ['scripts/check-builder-config.mjs', '--built'], { stdio: 'inherit' });
if (builder.status !== 0) process.exit(1);

const out = join(mkdtempSync(join(tmpdir(), 'eneg-')), 'report.csv');
const r = spawnSync('npx', ['--yes', ELECTRONEGATIVITY, '-i', 'src-main', '-r', ELECTRON_VERSION, '-o', out], { encoding: 'utf8', timeout: 5 * 60_000 });
let csv;
try {
  csv = readFileSync(out, 'utf8');
} catch {
  console.error(`security gate: Electronegativity produced no report (exit ${r.status ?? r.signal}).\n${(r.stderr ?? '').slice(-2000)}`);
  process.exit(1);
}
// issue, severity, confidence, filename, location, sample, description, url
const rows = csv
  .trim()
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => {
    const cells = [...line.matchAll(/("([^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
    return { issue: cells[0], severity: cells[1], confidence: cells[2], file: cells[3], location: cells[4] };
  });
const counts = rows.reduce((m, x) => ((m[x.severity] = (m[x.severity] ?? 0) + 1), m), {});
console.log(`Electronegativity ${ELECTRONEGATIVITY.split('@').pop()} on src-main: ${rows.length} finding(s) ${JSON.stringify(counts)}`);
for (const x of rows) console.log(`  ${x.severity.padEnd(8)} ${x.confidence.padEnd(9)} ${x.issue} ${x.file}:${x.location}`);
const high = rows.filter((x) => x.severity === 'HIGH' || x.severity === 'CRITICAL');
if (high.length) {
  console.error(`security gate: ${high.length} HIGH/CRITICAL finding(s); fix them or explain why they are false positives in docs/desktop.md.`);
  process.exit(1);
}
console.log('security gate: passed');
