/**
 * Operator receipts: every action the app takes on a droplet appends one
 * record to `<jarvisHome>/operator_actions.jsonl` (contract: same schema as
 * the audit log, channel `operator`, trust `owner`, its own seq), whether the
 * action succeeded, failed or was refused.
 *
 * seq is the last record's seq + 1. Two app instances appending in the same
 * millisecond could pick the same seq; the audit reader reports that as a
 * rollback rather than hiding it, and the O_APPEND write keeps lines whole.
 *
 * The receipts file is a control-plane file: a link, FIFO or device in its
 * place is never appended through (it would let the agent aim the operator's
 * writes at any file the SSH user can write). The seq is read and the line
 * appended through one handle that was checked to be the regular file at
 * that path (see droplet/sftp-regular.ts).
 *
 * When the receipt cannot be written safely, the action depends on which way
 * it moves the switch. An action that gives the agent power back or changes
 * the droplet (resume, trust, re-arm, vault, exec, export, ...) is not run at
 * all (exit 3, naming the file): every action leaves a receipt. An action
 * that only takes power away (FAIL_SAFE: pause, which hold-pause also uses,
 * and the breaker trip) still runs, and then fails with `actionSucceeded`
 * saying it took effect without its receipt: otherwise the agent could keep
 * the off switch from working by putting a link where the receipts go.
 */
import { describeType } from '../droplet/control-file.js';
import type { Droplet, FileStat, RegularFile } from '../droplet/droplet.js';
import { StratamError, refusedError } from '../errors.js';
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
  const file = await openReceipts(droplet, path, 'read');
  try {
    return file ? (await tailOf(file)).seq : 0;
  } finally {
    await file?.close();
  }
}

/** The last whole record's seq (0 if none), and whether the file ends inside a line (torn, or the agent's unfinished write). */
async function tailOf(file: RegularFile): Promise<{ seq: number; torn: boolean }> {
  const size = file.stat.size;
  if (size === 0) return { seq: 0, torn: false };
  const start = Math.max(0, size - TAIL_BYTES);
  const tail = await file.read(start, size - start);
  const torn = tail.length > 0 && tail[tail.length - 1] !== 0x0a;
  const lines = tail.toString('utf8').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (!line) continue;
    try {
      const seq = (JSON.parse(line) as { seq?: unknown }).seq;
      if (typeof seq === 'number' && Number.isSafeInteger(seq)) return { seq, torn };
    } catch {
      /* a torn or foreign line: keep looking further up */
    }
  }
  return { seq: 0, torn };
}

function receiptsNotRegular(path: string, type: FileStat['type'], what: string): StratamError {
  return refusedError(
    `${what}: ${path} (the operator receipts) is ${describeType(type)}, not a regular file, and receipts are never appended through anything else.`,
    `Inspect it on the droplet (ls -l ${path}); if it was not you, treat it as tampering. Put the real receipts file back (or move it away so a new one is started), then retry. To stop the agent meanwhile, stop its container on the droplet.`,
    { path, type, notRegular: true },
  );
}

function openReceipts(droplet: Droplet, path: string, how: 'read'): Promise<RegularFile | null>;
function openReceipts(droplet: Droplet, path: string, how: 'append'): Promise<RegularFile>;
async function openReceipts(droplet: Droplet, path: string, how: 'read' | 'append'): Promise<RegularFile | null> {
  try {
    return how === 'read' ? await droplet.openRegular(path, 'read') : await droplet.openRegular(path, 'append', 0o600);
  } catch (err) {
    const type = err instanceof StratamError ? err.detail?.type : undefined;
    if (typeof type === 'string') throw receiptsNotRegular(path, type as FileStat['type'], how === 'read' ? 'The receipts were not read' : 'No receipt was written');
    throw err;
  }
}

/**
 * Appends from this process to one droplet, one after another: the seq is
 * read and the line appended through one handle, and two appends in flight at
 * once (the watch's detection receipt beside an action's) would read the same
 * last seq.
 */
const appending = new WeakMap<Droplet, Promise<unknown>>();

export function appendReceipt(droplet: Droplet, input: ReceiptInput): Promise<ReceiptRecord> {
  const run = (appending.get(droplet) ?? Promise.resolve()).then(() => appendNow(droplet, input));
  // The queue only orders appends; each caller gets (and handles) its own outcome.
  appending.set(
    droplet,
    run.catch(() => undefined),
  );
  return run;
}

async function appendNow(droplet: Droplet, input: ReceiptInput): Promise<ReceiptRecord> {
  const path = receiptsPath(droplet);
  await droplet.mkdirp(droplet.paths.jarvisHome);
  const file = await openReceipts(droplet, path, 'append');
  try {
    const tail = await tailOf(file);
    const record: ReceiptRecord = {
      seq: tail.seq + 1,
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
    // A file that ends inside a line would swallow this record into it: start a line of our own.
    await file.append(Buffer.from(`${tail.torn ? '\n' : ''}${JSON.stringify(record)}\n`, 'utf8'));
    return record;
  } finally {
    await file.close();
  }
}

/** Actions that only take power away from the agent: run even when their receipt cannot be written (see above). */
export const FAIL_SAFE_TOOLS: ReadonlySet<string> = new Set(['pause', 'breaker_trip']);

/**
 * Why `tool`'s receipt could not be appended safely, or null: one lstat, so
 * an action costs one SFTP round trip more, not an exec. The append itself
 * checks again (and refuses a link swapped in meanwhile).
 */
export async function receiptsProblem(droplet: Droplet, tool: string): Promise<StratamError | null> {
  const path = receiptsPath(droplet);
  const st = await droplet.lstat(path);
  if (!st || st.type === 'file') return null;
  return receiptsNotRegular(path, st.type, FAIL_SAFE_TOOLS.has(tool) ? `${tool} ran, but no receipt was written` : `${tool} was not run, because its receipt could not be written`);
}

function withoutReceipt(err: unknown, receiptErr: unknown): StratamError {
  const note = ` (and its receipt could not be written: ${receiptErr instanceof Error ? receiptErr.message : String(receiptErr)})`;
  if (err instanceof StratamError)
    return new StratamError(err.kind, `${err.message}${note}`, { ...(err.hint ? { hint: err.hint } : {}), detail: { ...err.detail, receiptWritten: false }, cause: err });
  return new StratamError('failed', `${err instanceof Error ? err.message : String(err)}${note}`, { detail: { receiptWritten: false }, cause: err });
}

/**
 * Run an action and leave its receipt, success or failure. The error is
 * rethrown after the receipt is written; a receipt that cannot be written is
 * reported on the action's result instead of masking the action's own error.
 */
export async function withReceipt<T>(droplet: Droplet, tool: string, args: Record<string, unknown>, action: () => Promise<T>, summarize: (value: T) => unknown = (v) => v): Promise<T> {
  const problem = await receiptsProblem(droplet, tool);
  if (problem && !FAIL_SAFE_TOOLS.has(tool)) throw problem;
  const started = performance.now();
  let value: T;
  try {
    value = await action();
  } catch (err) {
    if (problem) throw err;
    const blocked = (err as { blocked?: BlockedBy }).blocked ?? null;
    try {
      await appendReceipt(droplet, {
        tool,
        args,
        ok: false,
        result: { error: err instanceof Error ? err.message : String(err) },
        elapsedMs: performance.now() - started,
        blocked,
      });
    } catch (receiptErr) {
      // The action's own error stays the one reported; that it left no receipt is said beside it, not lost.
      throw withoutReceipt(err, receiptErr);
    }
    throw err;
  }
  // A fail-safe action that ran without a place for its receipt: it took effect, and the error says why there is no receipt.
  if (problem) throw new StratamError('failed', problem.message, { hint: problem.hint, detail: { ...problem.detail, actionSucceeded: true } });
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
