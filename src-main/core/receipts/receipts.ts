/**
 * Operator receipts: every action the app takes on a droplet appends one
 * record to `<jarvisHome>/operator_actions.jsonl` (contract: same schema as
 * the audit log, channel `operator`, trust `owner`, its own seq), whether the
 * action succeeded, failed or was refused.
 *
 * seq is the last record's seq + 1. Two app instances appending in the same
 * millisecond could pick the same seq; the audit reader reports that as a
 * rollback rather than hiding it, and the O_APPEND write keeps lines whole.
 */
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';

export type BlockedBy = null | 'flag' | 'trust' | 'blocklist' | 'confirmation';

export interface ReceiptInput {
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  result: unknown;
  elapsedMs: number;
  blocked?: BlockedBy;
}

export interface ReceiptRecord {
  seq: number;
  ts: string;
  turn: null;
  channel: 'operator';
  trust: 'owner';
  tool: string;
  args: Record<string, unknown>;
  result: unknown;
  ok: boolean;
  elapsed_ms: number;
  blocked: BlockedBy;
}

const TAIL_BYTES = 64 * 1024;

export const receiptsPath = (droplet: Droplet) => homeFile(droplet.paths, CONTRACT_FILES.receipts);

/** The seq of the last whole record in the file, or 0. */
export async function lastSeq(droplet: Droplet, path: string): Promise<number> {
  const st = await droplet.stat(path);
  if (!st || st.size === 0) return 0;
  const start = Math.max(0, st.size - TAIL_BYTES);
  const lines = (await droplet.readRange(path, start, st.size)).toString('utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      const seq = (JSON.parse(line) as { seq?: unknown }).seq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq)) return seq;
    } catch {
      /* a torn or foreign line: keep looking further up */
    }
  }
  return 0;
}

export async function appendReceipt(droplet: Droplet, input: ReceiptInput): Promise<ReceiptRecord> {
  const path = receiptsPath(droplet);
  await droplet.mkdirp(droplet.paths.jarvisHome);
  const record: ReceiptRecord = {
    seq: (await lastSeq(droplet, path)) + 1,
    ts: new Date().toISOString(),
    turn: null,
    channel: 'operator',
    trust: 'owner',
    tool: input.tool,
    args: input.args,
    result: input.result,
    ok: input.ok,
    elapsed_ms: Math.round(input.elapsedMs),
    blocked: input.blocked ?? null,
  };
  await droplet.append(path, Buffer.from(`${JSON.stringify(record)}\n`, 'utf8'), 0o600);
  return record;
}

/**
 * Run an action and leave its receipt, success or failure. The error is
 * rethrown after the receipt is written; a receipt that cannot be written is
 * reported on the action's result instead of masking the action's own error.
 */
export async function withReceipt<T>(
  droplet: Droplet,
  tool: string,
  args: Record<string, unknown>,
  action: () => Promise<T>,
  summarize: (value: T) => unknown = (v) => v,
): Promise<T> {
  const started = performance.now();
  let value: T;
  try {
    value = await action();
  } catch (err) {
    const blocked = (err as { blocked?: BlockedBy }).blocked ?? null;
    await appendReceipt(droplet, {
      tool,
      args,
      ok: false,
      result: { error: err instanceof Error ? err.message : String(err) },
      elapsedMs: performance.now() - started,
      blocked,
    }).catch(() => undefined);
    throw err;
  }
  try {
    await appendReceipt(droplet, { tool, args, ok: true, result: summarize(value), elapsedMs: performance.now() - started });
  } catch (err) {
    // The action took effect; say so plainly rather than let it read as a failed action.
    throw new StratamError('failed', `${tool} took effect, but its receipt could not be written: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'Run `stratam status` to confirm the state; the next action will append receipts again once the droplet is reachable.',
      detail: { actionSucceeded: true },
    });
  }
  return value;
}
