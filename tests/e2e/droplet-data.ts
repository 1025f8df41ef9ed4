/** Writers for the reference droplet's files, as the agent would leave them. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fernet, generateKey } from '../../src-main/core/vault/fernet.js';
import type { ReferenceDroplet } from '../helpers/reference-droplet.js';

export function lastSeq(ref: ReferenceDroplet): number {
  const text = readFileSync(join(ref.home, 'activity.jsonl'), 'utf8');
  const m = [...text.matchAll(/"seq":\s*(\d+)/g)].pop();
  return m ? Number(m[1]) : 0;
}

export function activityLine(seq: number, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify({
    seq,
    ts: new Date().toISOString(),
    turn: 't_bulk',
    channel: 'discord',
    trust: 'owner',
    tool: 'read_file',
    args: { path: `/srv/app/file-${seq}.txt` },
    result: `contents of file ${seq}`,
    ok: true,
    elapsed_ms: 3 + (seq % 40),
    blocked: null,
    ...fields,
  })}\n`;
}

export function appendActivity(ref: ReferenceDroplet, lines: string): void {
  appendFileSync(join(ref.home, 'activity.jsonl'), lines);
}

/** A keyring, a vault with two entries and an encrypted archive; returns a function that appends messages. */
export function writeVault(ref: ReferenceDroplet): (msg: { turn: string; role: string; content: string; antifab?: unknown }) => void {
  const key = generateKey();
  const created = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 19) + 'Z';
  writeFileSync(join(ref.home, 'vault.keys'), JSON.stringify({ version: 1, keys: [{ id: 'k-e2e', key, created, retired: null }] }), { mode: 0o600 });
  const f = new Fernet(key);
  const now = new Date().toISOString();
  writeFileSync(
    join(ref.home, 'vault.json'),
    JSON.stringify({ version: 1, entries: { discord: { token: f.encrypt('refresh-discord'), updated: now }, gmail: { token: f.encrypt('refresh-gmail'), updated: now } } }),
    { mode: 0o600 },
  );
  return (msg) => {
    const rec = {
      ts: new Date().toISOString(),
      turn: msg.turn,
      role: msg.role,
      channel: 'discord',
      author: msg.role === 'assistant' ? 'stratam' : 'owner',
      enc: f.encrypt(JSON.stringify({ content: msg.content })),
      ...(msg.antifab ? { antifab: msg.antifab } : {}),
    };
    appendFileSync(join(ref.home, 'conversation_archive.jsonl'), `${JSON.stringify(rec)}\n`);
  };
}
