/**
 * Reading the two logs the scan needs: conversation archive lines (decrypted
 * with the droplet's keyring) and activity lines. Bad lines are counted and
 * skipped, never fatal: the contract's readers survive torn, malformed and
 * huge lines. Plaintext stays in memory only as the reply text itself.
 */
import type { ToolCall } from './backing.js';
import type { ArchiveMessage, DropletVerdict } from './scan.js';
import { describeForLog, logEvery } from '../log/logger.js';

export interface Decryptor {
  decrypt(token: string): Buffer;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function parseArchiveLine(line: Buffer | string, keyring: Decryptor): ArchiveMessage | null {
  let rec: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(typeof line === 'string' ? line : line.toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    rec = parsed as Record<string, unknown>;
  } catch {
    return null; // not a record: the scan counts it as a skipped line; the live watch has no reply in it to judge
  }
  const ts = str(rec.ts);
  const turn = str(rec.turn);
  const role = str(rec.role);
  if (ts === null || turn === null || role === null) return null;
  return {
    ts,
    turn,
    role,
    channel: str(rec.channel) ?? '',
    author: str(rec.author) ?? '',
    // Only replies are scanned: other roles are not decrypted at all.
    content: role === 'assistant' ? openContent(str(rec.enc), keyring) : null,
    antifab: verdictOf(rec.antifab),
  };
}

function openContent(token: string | null, keyring: Decryptor): string | null {
  if (token === null) return null;
  let plain: Buffer;
  try {
    plain = keyring.decrypt(token);
  } catch (err) {
    // The reply is shown as not checked (content null); why is worth a line (a keyring out of step with the vault).
    logEvery('antifab-decrypt', 10 * 60_000, 'warn', 'antifab', `A reply in the conversation archive could not be decrypted (${describeForLog(err)}), so it was not checked for fabrication.`);
    return null;
  }
  try {
    const body: unknown = JSON.parse(plain.toString('utf8'));
    const content = body && typeof body === 'object' ? (body as { content?: unknown }).content : undefined;
    return typeof content === 'string' ? content : null;
  } catch (err) {
    logEvery('antifab-body', 10 * 60_000, 'warn', 'antifab', `A decrypted reply is not the JSON the contract describes (${describeForLog(err)}), so it was not checked for fabrication.`);
    return null;
  } finally {
    plain.fill(0);
  }
}

function verdictOf(v: unknown): DropletVerdict | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as { tier?: unknown; phrases?: unknown };
  const tier = typeof o.tier === 'number' ? o.tier : null;
  const phrases = Array.isArray(o.phrases) ? o.phrases.filter((p): p is string => typeof p === 'string') : [];
  return { tier, phrases };
}

export function parseActivityLine(line: Buffer | string): ToolCall | null {
  try {
    const rec: unknown = JSON.parse(typeof line === 'string' ? line : line.toString('utf8'));
    return rec && typeof rec === 'object' && !Array.isArray(rec) ? toolCallOf(rec as Record<string, unknown>) : null;
  } catch {
    return null; // a malformed activity line: the scan counts it as skipped, and the audit feed reports it
  }
}

/** An already-parsed activity record (from the live audit feed) as a tool call. */
export function toolCallOf(r: Record<string, unknown>): ToolCall | null {
  if (typeof r.tool !== 'string') return null;
  return {
    seq: typeof r.seq === 'number' ? r.seq : undefined,
    ts: str(r.ts) ?? undefined,
    turn: str(r.turn),
    tool: r.tool,
    ok: r.ok === true,
    blocked: str(r.blocked),
  };
}
