/**
 * Vault rotation, 20,000 archive tokens (+ 5 vault entries), against Python's
 * MultiFernet.rotate on the same tokens, in one run.
 *
 *   ours/cli   `node bin/stratam.mjs --local ... vault rotate --yes`, wall time,
 *              start-up included (only when dist/cli/stratam.js is built)
 *   ours/core  rotateVault() in this process: keyring, vault.json, streamed
 *              archive rewrite, retire, full verify, receipt
 *   ours/mf    MultiFernet.rotate alone over the same tokens (in memory)
 *   anchor     python3 process, start-up included: read the archive, rotate
 *              every token with MultiFernet.rotate, write the file back
 *   anchor/mf  Python's MultiFernet.rotate loop alone (in memory)
 *
 * Each figure is the median of RUNS runs on a fresh copy of the same files.
 * Goal: ours/cli below the anchor (ratio < 1). STRATAM_CLI=path/to/stratam.js
 * times another build of the CLI (e.g. a private bundle while dist/ is stale).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../src-main/core/config/profile.js';
import { LocalDroplet } from '../src-main/core/droplet/local-droplet.js';
import { Fernet, MultiFernet, generateKey } from '../src-main/core/vault/fernet.js';
import { serializeKeyring } from '../src-main/core/vault/keyring.js';
import { rotateVault } from '../src-main/core/vault/rotate.js';
import { repoRoot } from '../tests/helpers/repo-root.js';
import { median, ms, report } from './stats.js';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PYTHON = '/usr/bin/python3';

const PY_FILE = String.raw`
import sys, json, time
from cryptography.fernet import Fernet, MultiFernet
t0 = time.perf_counter()
ring = json.load(open(sys.argv[1]))
new = Fernet.generate_key()
mf = MultiFernet([Fernet(new)] + [Fernet(k["key"]) for k in ring["keys"]])
out = []
rot = 0.0
with open(sys.argv[2]) as fh:
    for line in fh:
        rec = json.loads(line)
        t = time.perf_counter()
        rec["enc"] = mf.rotate(rec["enc"].encode()).decode()
        rot += time.perf_counter() - t
        out.append(json.dumps(rec))
v = json.load(open(sys.argv[3]))
for e in v["entries"].values():
    e["token"] = mf.rotate(e["token"].encode()).decode()
with open(sys.argv[2] + ".py", "w") as fh:
    fh.write("\n".join(out) + "\n")
print(json.dumps({"rotate_ms": rot * 1000, "inside_ms": (time.perf_counter() - t0) * 1000}))
`;

function makeHome(base: string): { home: string; root: string; tokens: string[] } {
  const home = join(base, 'home');
  const root = join(base, 'root');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  mkdirSync(root, { recursive: true });
  const key = generateKey();
  writeFileSync(join(home, 'vault.keys'), serializeKeyring({ version: 1, keys: [{ id: 'k-20260830', key, created: '2026-08-30T00:00:00Z', retired: null }] }), { mode: 0o600 });
  const f = new Fernet(key);
  const entries: Record<string, { token: string; updated: string }> = {};
  for (const n of ['discord', 'telegram', 'gmail', 'twilio', 'github']) entries[n] = { token: f.encrypt(`refresh-${n}`), updated: '2026-11-01T00:00:00Z' };
  writeFileSync(join(home, 'vault.json'), JSON.stringify({ version: 1, entries }), { mode: 0o600 });
  const tokens: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < TOKENS; i++) {
    const enc = f.encrypt(JSON.stringify({ content: `message ${i}: ${'lorem ipsum '.repeat(1 + (i % 12))}` }), { now: 1_790_000_000 + i });
    tokens.push(enc);
    lines.push(`{"ts": "2026-11-28T01:02:00.001Z", "turn": "t_${i >> 2}", "role": "${i % 2 ? 'assistant' : 'user'}", "channel": "discord", "author": "stratam", "enc": "${enc}"}`);
  }
  writeFileSync(join(home, 'conversation_archive.jsonl'), `${lines.join('\n')}\n`, { mode: 0o600 });
  return { home, root, tokens };
}

function freshCopy(from: string, base: string): { home: string; root: string } {
  rmSync(base, { recursive: true, force: true });
  const home = join(base, 'home');
  const root = join(base, 'root');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  mkdirSync(root, { recursive: true });
  for (const n of ['vault.keys', 'vault.json', 'conversation_archive.jsonl']) copyFileSync(join(from, n), join(home, n));
  return { home, root };
}

export async function benchVaultRotate(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'stratam-bench-rotate-'));
  try {
    const src = makeHome(join(work, 'src'));
    const cli = process.env.STRATAM_CLI ?? join(repoRoot(), 'dist', 'cli', 'stratam.js');
    let hasCli = existsSync(cli);
    let cliNote = hasCli ? '' : `${cli} is not built yet (npm run build)`;
    const fig: Record<string, number[]> = { cli: [], core: [], mf: [], anchor: [], anchorMf: [] };
    for (let run = 0; run < RUNS; run++) {
      // Python: whole process, start-up included.
      const py = freshCopy(src.home, join(work, `py${run}`));
      const t0 = performance.now();
      const r = spawnSync(PYTHON, ['-c', PY_FILE, join(py.home, 'vault.keys'), join(py.home, 'conversation_archive.jsonl'), join(py.home, 'vault.json')]);
      fig.anchor!.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`python failed: ${r.stderr.toString()}`);
      fig.anchorMf!.push((JSON.parse(r.stdout.toString()) as { rotate_ms: number }).rotate_ms);

      if (hasCli) {
        const c = freshCopy(src.home, join(work, `cli${run}`));
        const entry = process.env.STRATAM_CLI ?? join(repoRoot(), 'bin', 'stratam.mjs');
        const t1 = performance.now();
        const cr = spawnSync(process.execPath, [entry, '--local', '--jarvis-home', c.home, '--jarvis-root', c.root, '--state-dir', join(work, `state${run}`), 'vault', 'rotate', '--yes'], {
          cwd: repoRoot(),
        });
        fig.cli!.push(performance.now() - t1);
        if (cr.status !== 0) {
          // A dist/ built before the vault command existed: say so rather than fail the run.
          hasCli = false;
          cliNote = `the CLI at ${cli} failed (exit ${cr.status}): ${cr.stderr.toString().split('\n')[0]}`;
        }
      }

      const o = freshCopy(src.home, join(work, `core${run}`));
      const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: o.home, jarvisRoot: o.root }, work);
      const t2 = performance.now();
      const res = await rotateVault(droplet);
      fig.core!.push(performance.now() - t2);
      if (res.archiveTokens !== TOKENS || !res.verify.ok) throw new Error('rotation did not cover every token');

      const ring = JSON.parse(readFileSync(join(src.home, 'vault.keys'), 'utf8')) as { keys: Array<{ key: string }> };
      const mf = new MultiFernet([new Fernet(generateKey()), ...ring.keys.map((k) => new Fernet(k.key))]);
      const t3 = performance.now();
      for (const t of src.tokens) mf.rotate(t);
      fig.mf!.push(performance.now() - t3);
      mf.destroy();
    }
    const anchor = median(fig.anchor!);
    const anchorMf = median(fig.anchorMf!);
    const what = `${TOKENS} archive tokens + 5 vault entries`;
    const anchorText = `python3 MultiFernet.rotate process (start-up, read, rotate, write) ${ms(anchor)}`;
    if (hasCli) {
      const c = median(fig.cli!);
      report({ benchmark: `vault rotate, whole CLI (${what})`, figure: ms(c), anchor: anchorText, ratio: (c / anchor).toFixed(2), goal: 'faster than Python (ratio < 1)', met: c < anchor });
    } else {
      report({ benchmark: `vault rotate, whole CLI (${what})`, figure: `not measured: ${cliNote}`, anchor: anchorText, ratio: '-', goal: 'faster than Python (ratio < 1)', met: null });
    }
    const core = median(fig.core!);
    report({
      benchmark: `vault rotate, rotateVault() in-process incl. verify (${what})`,
      figure: ms(core),
      anchor: anchorText,
      ratio: (core / anchor).toFixed(2),
      goal: 'faster than Python (ratio < 1)',
      met: core < anchor,
    });
    const m = median(fig.mf!);
    report({
      benchmark: `MultiFernet.rotate loop only (${TOKENS} tokens, in memory)`,
      figure: ms(m),
      anchor: `Python MultiFernet.rotate loop ${ms(anchorMf)}`,
      ratio: (m / anchorMf).toFixed(2),
      goal: 'faster than Python (ratio < 1)',
      met: m < anchorMf,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchVaultRotate();
