/**
 * Which claims a turn's tool calls back (contract: "A claim is backed when the
 * same turn holds a tool call of a kind that does that action ... A claim
 * backed only by a blocked or failed call is still a mismatch for tier 1").
 */
import { type Claim } from './detect.js';
import { BACKED_BY, TOOL_KINDS } from './lexicon.js';

export interface ToolCall {
  seq?: number | undefined;
  ts?: string | undefined;
  turn: string | null;
  tool: string;
  ok: boolean;
  blocked: string | null;
}

export function isBacked(claim: Claim, calls: readonly ToolCall[]): boolean {
  for (const call of calls) {
    const known = Object.hasOwn(TOOL_KINDS, call.tool);
    // An unknown tool backs nothing but a tier-3 "check".
    const fits = known ? BACKED_BY[claim.claim].includes(call.tool) : claim.tier === 3 && claim.claim === 'check';
    if (!fits) continue;
    if (claim.tier === 1 && (!call.ok || call.blocked !== null)) continue;
    return true;
  }
  return false;
}

export const unbacked = (claims: readonly Claim[], calls: readonly ToolCall[]) => claims.filter((c) => !isBacked(c, calls));
