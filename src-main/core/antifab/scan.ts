/**
 * The fabrication scan over records: conversation archive messages (already
 * decrypted) and activity records, grouped by turn. Every assistant reply is
 * checked against every tool call of its turn.
 */
import type { ToolCall } from './backing.js';
import { unbacked } from './backing.js';
import { type Tier, detectClaims } from './detect.js';
import type { ClaimKind } from './lexicon.js';

export interface DropletVerdict {
  tier: number | null;
  phrases: string[];
}

/** An archive record with its `enc` opened: content is null when it could not be. */
export interface ArchiveMessage {
  ts: string;
  turn: string;
  role: string;
  channel: string;
  author: string;
  content: string | null;
  antifab?: DropletVerdict | undefined;
}

export interface CallSummary {
  seq: number | null;
  tool: string;
  ok: boolean;
  blocked: string | null;
}

export interface FabricationWarning {
  turn: string;
  tier: Tier;
  phrase: string;
  claim: ClaimKind;
  ts: string;
  /** The turn's tool calls (none, or only ones that do not back the claim). */
  calls: CallSummary[];
  /** The agent's own verdict on the reply, when its record has one. */
  droplet: DropletVerdict | null;
}

export interface ScanResult {
  warnings: FabricationWarning[];
  scanned: { replies: number; unreadable: number };
}

export const summarize = (c: ToolCall): CallSummary => ({ seq: c.seq ?? null, tool: c.tool, ok: c.ok, blocked: c.blocked });

/** Warnings for one reply given all the calls of its turn. */
export function scanReply(message: ArchiveMessage, calls: readonly ToolCall[]): FabricationWarning[] {
  if (message.content === null) return [];
  return unbacked(detectClaims(message.content), calls).map((c) => ({
    turn: message.turn,
    tier: c.tier,
    phrase: c.phrase,
    claim: c.claim,
    ts: message.ts,
    calls: calls.map(summarize),
    droplet: message.antifab ?? null,
  }));
}

export function scanRecords(messages: Iterable<ArchiveMessage>, calls: Iterable<ToolCall>): ScanResult {
  const byTurn = new Map<string, ToolCall[]>();
  for (const c of calls) {
    if (c.turn === null) continue;
    const list = byTurn.get(c.turn) ?? [];
    list.push(c);
    byTurn.set(c.turn, list);
  }
  const warnings: FabricationWarning[] = [];
  let replies = 0;
  let unreadable = 0;
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    if (m.content === null) {
      unreadable++;
      continue;
    }
    replies++;
    warnings.push(...scanReply(m, byTurn.get(m.turn) ?? []));
  }
  return { warnings, scanned: { replies, unreadable } };
}
