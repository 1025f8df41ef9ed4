import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FOLLOWER_MARK } from '../../../src-main/core/audit/follower-script.js';
import { helpersWith } from '../../helpers/processes.js';
import type { FeedItem } from '../../../src-main/core/audit/diagnostics.js';

/** Follower processes on this machine (the reference droplet) reading files under `home`. */
export const followersFor = (home: string): number[] => helpersWith(FOLLOWER_MARK, home);

export const record = (seq: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    seq,
    ts: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    turn: 't_1',
    channel: 'discord',
    trust: 'owner',
    tool: 'read_file',
    args: { path: `/tmp/${seq}` },
    result: 'ok',
    ok: true,
    elapsed_ms: 3,
    blocked: null,
    ...extra,
  });

export function appendRecords(home: string, from: number, to: number, file = 'activity.jsonl'): void {
  let s = '';
  for (let i = from; i <= to; i++) s += `${record(i)}\n`;
  appendFileSync(join(home, file), s);
}

export async function until(what: string, cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export class Collector {
  items: FeedItem[] = [];
  push = (i: FeedItem) => {
    this.items.push(i.type === 'record' ? { type: 'record', record: i.record.detached() } : i);
  };
  seqs(stream = 'activity'): number[] {
    return this.items.flatMap((i) => (i.type === 'record' && i.record.stream === stream ? [i.record.seq] : []));
  }
  diags(kind?: string) {
    return this.items.flatMap((i) => (i.type === 'diagnostic' && (!kind || i.diagnostic.kind === kind) ? [i.diagnostic] : []));
  }
}

export const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** Rotate like the agent does: .4 -> .5, ..., current -> .1, then a new empty file. */
export function rotate(home: string, name = 'activity.jsonl'): void {
  const p = join(home, name);
  for (let i = 4; i >= 1; i--) if (existsSync(`${p}.${i}`)) renameSync(`${p}.${i}`, `${p}.${i + 1}`);
  renameSync(p, `${p}.1`);
  writeFileSync(p, '', { mode: 0o600 });
}
