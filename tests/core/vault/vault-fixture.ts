/**
 * A temp jarvis home with a keyring, a vault.json and a conversation archive,
 * reached through a real LocalDroplet. Tokens are written by our Fernet; the
 * tests judge results with Python.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { Fernet, generateKey } from '../../../src-main/core/vault/fernet.js';
import { type KeyRecord, parseKeyring, serializeKeyring } from '../../../src-main/core/vault/keyring.js';

export interface Fixture {
  dir: string;
  home: string;
  root: string;
  droplet: LocalDroplet;
  key: KeyRecord;
  /** Plaintext per archive line (content), in order. */
  contents: string[];
  /** Entry name -> plaintext refresh token. */
  secrets: Record<string, string>;
  cleanup(): void;
}

export const TS0 = 1_790_000_000;

export function archiveLine(f: Fernet, i: number, content: string, ts = TS0 + i): string {
  const enc = f.encrypt(JSON.stringify({ content }), { now: ts });
  // Python's json.dumps spacing, as the agent writes it.
  return `{"ts": "2026-11-28T01:02:00.001Z", "turn": "t_${i}", "role": "${i % 2 ? 'assistant' : 'user'}", "channel": "discord", "author": "stratam", "enc": "${enc}"}`;
}

export function makeFixture(opts: { lines?: number; entries?: number; keyCreated?: string } = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'stratam-vault-'));
  const home = join(dir, 'home');
  const root = join(dir, 'root');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(root);
  const key: KeyRecord = { id: 'k-20260830', key: generateKey(), created: opts.keyCreated ?? '2026-08-30T00:00:00Z', retired: null };
  writeFileSync(join(home, 'vault.keys'), serializeKeyring({ version: 1, keys: [key] }), { mode: 0o600 });
  const f = new Fernet(key.key);
  const secrets: Record<string, string> = {};
  const entries: Record<string, { token: string; updated: string }> = {};
  for (let i = 0; i < (opts.entries ?? 3); i++) {
    const name = ['discord', 'telegram', 'gmail', 'twilio', 'github'][i % 5] + (i >= 5 ? `_${i}` : '');
    secrets[name] = `refresh-${name}-${i}-Ünïcode`;
    entries[name] = { token: f.encrypt(secrets[name]!, { now: TS0 - 100 + i }), updated: `2026-11-0${(i % 9) + 1}T00:00:00Z` };
  }
  writeFileSync(join(home, 'vault.json'), JSON.stringify({ version: 1, entries }), { mode: 0o600 });
  const contents: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < (opts.lines ?? 50); i++) {
    const content = i % 7 === 3 ? `binary-ish \u0000\u0001 ${i} ✓` : `message ${i}: ${'x'.repeat(i % 40)}`;
    contents.push(content);
    lines.push(archiveLine(f, i, content));
  }
  writeFileSync(join(home, 'conversation_archive.jsonl'), lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
  const droplet = new LocalDroplet({ ...DEFAULT_PATHS, jarvisHome: home, jarvisRoot: root }, dir);
  return { dir, home, root, droplet, key, contents, secrets, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file of a folder with its bytes and mode, for "nothing changed" checks. */
export function snapshotDir(dir: string): Record<string, { mode: number; mtimeMs: number; bytes: string }> {
  const out: Record<string, { mode: number; mtimeMs: number; bytes: string }> = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isFile()) out[name] = { mode: st.mode & 0o777, mtimeMs: st.mtimeMs, bytes: readFileSync(p).toString('base64') };
  }
  return out;
}

export const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;

/**
 * What a (possibly killed) rotation left in the fixture's home, read as the
 * agent would: the keyring's keys, the entry names, the archive lines, and
 * every token (the vault entries in `names` order, then the archive's).
 */
export function tokensOnDisk(fx: Fixture): { keys: string[]; names: string[]; lines: string[]; tokens: string[] } {
  const keys = parseKeyring(readFileSync(join(fx.home, 'vault.keys'))).keys.map((k) => k.key);
  const vault = readJson<{ entries: Record<string, { token: string }> }>(join(fx.home, 'vault.json'));
  const names = Object.keys(fx.secrets);
  const lines = readFileSync(join(fx.home, 'conversation_archive.jsonl'), 'utf8').split('\n').filter(Boolean);
  const tokens = [...names.map((n) => vault.entries[n]!.token), ...lines.map((l) => (JSON.parse(l) as { enc: string }).enc)];
  return { keys, names, lines, tokens };
}
