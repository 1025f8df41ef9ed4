/**
 * Roll the agent's code back to a self-modify snapshot (issue 14; contract v2,
 * "Agent code, snapshots and rollback"), in the contract's order:
 *
 *   preflight               refuse (exit 3) before anything changes: no agent
 *                           container, no tree/, a link or device anywhere in
 *                           the snapshot, agentCodeDir a link, no python3 or no
 *                           atomic folder swap on that filesystem
 *   pause                   JARVIS_SELF_MODIFY_ALLOWED=0 (core/controls/pause.ts)
 *   pre-rollback-snapshot   agentCodeDir copied to `<ts>-pre-rollback` (made in a
 *                           hidden partial folder, renamed into place when whole)
 *   stage                   the snapshot's tree/ copied beside agentCodeDir
 *   swap                    renameat2 RENAME_EXCHANGE: one atomic rename, so a
 *                           crash leaves the old or the new tree, complete
 *   clean-up                the replaced tree (now at the staging name) removed
 *   restart                 `docker restart` through the Docker API
 *   watch                   healthy / died / unhealthy (rollback-watch.ts)
 *
 * It never resumes and never re-arms: `next` says what those would do. Each
 * step that changes the droplet leaves its own receipt (pause, then
 * rollback_snapshot, rollback_stage, rollback_swap, rollback_clean_up,
 * rollback_restart), and the whole leaves a `rollback` receipt with the
 * outcome. An interrupted rollback leaves hidden leftovers that the next one
 * removes first; it leaves agentCodeDir whole either way, so running the
 * rollback again finishes the job.
 */
import { readBreaker } from '../breaker/breaker-file.js';
import { pause } from '../controls/pause.js';
import { snapshotsDir } from '../data/snapshots.js';
import type { Droplet } from '../droplet/droplet.js';
import { dirnameOf } from '../droplet/paths.js';
import { describeError, StratamError, usageError } from '../errors.js';
import { reportError } from '../log/logger.js';
import { withReceipt } from '../receipts/receipts.js';
import type { RollbackResult, RollbackStep, RollbackStepName } from './recovery-types.js';
import { preflight, type RollbackPlan } from './rollback-preflight.js';
import { restartAgent, watchAgent, type WatchOutcome } from './rollback-watch.js';
import { anchorOf, PARTIAL_PREFIX, parentAnchor, stagingPrefix, treeOp, type SnapshotOut, type StageOut, type SwapOut } from './tree-ops.js';

export const PRE_ROLLBACK_LABEL = 'pre-rollback';
export const DEFAULT_HEALTH_SECONDS = 60;
const MAX_HEALTH_SECONDS = 3600;

export interface RollbackOptions {
  healthSeconds?: number;
  via?: string;
  signal?: AbortSignal;
  onStep?: (s: RollbackStep) => void;
}

/** Where the rollback stands, for the error of a step that failed: what is at agentCodeDir, and how to go on. */
interface Progress {
  preRollback: string | null;
  swapped: boolean;
}

function stepFailed(err: unknown, step: RollbackStepName, name: string, p: Progress): unknown {
  if (p.preRollback === null) return err;
  const e = err instanceof StratamError ? err : new StratamError('failed', describeError(err), { cause: err });
  const where = p.swapped ? `agentCodeDir holds the restored code of ${name}, complete` : 'agentCodeDir still holds the code it had, complete';
  return new StratamError(e.kind === 'usage' ? 'failed' : e.kind, `${e.message} (rollback step ${step}; ${where}; the droplet stays paused)`, {
    hint: `Run \`stratam rollback ${name} --yes\` again to finish (it removes what this one left), or \`stratam rollback ${p.preRollback} --yes\` to put back the code it replaced.`,
    detail: { ...e.detail, step, preRollback: p.preRollback, swapped: p.swapped },
    cause: err,
  });
}

async function nextSteps(droplet: Droplet, preRollback: string): Promise<RollbackResult['next']> {
  const resume = '`stratam resume --yes`: sets JARVIS_SELF_MODIFY_ALLOWED=1, so the agent may modify its code, restart itself and run host commands again.';
  const undo = `\`stratam rollback ${preRollback} --yes\`: puts back the code this rollback replaced (an ordinary rollback).`;
  let rearm: string | null;
  try {
    const b = await readBreaker(droplet);
    rearm =
      b.state === 'armed'
        ? null
        : `\`stratam breaker rearm --yes\`: marks the breaker ${b.state === 'tripped' ? 'armed again' : 'armed (breaker.json is unreadable now)'} and sets JARVIS_ETERNAL_LOOP=1, turning the eternal-improvement loop back on; four restarts within 60 minutes trip it again.`;
  } catch (err) {
    // The rollback is done; a breaker that cannot be read only leaves this advice vaguer.
    reportError('rollback', err, 'reading breaker.json for the next steps');
    rearm = `\`stratam breaker status\` first: breaker.json could not be read (${describeError(err)}).`;
  }
  return { resume, rearm, undo };
}

/** Roll back to snapshot `name`. Returns for every outcome of the watch; throws StratamError for refusals and failed steps. */
export async function rollback(droplet: Droplet, name: string, opts: RollbackOptions = {}): Promise<RollbackResult> {
  const healthSeconds = opts.healthSeconds ?? DEFAULT_HEALTH_SECONDS;
  if (!Number.isInteger(healthSeconds) || healthSeconds < 0 || healthSeconds > MAX_HEALTH_SECONDS) {
    throw usageError(`--health-seconds must be a whole number of seconds from 0 to ${MAX_HEALTH_SECONDS} (got ${String(healthSeconds)}).`, 'e.g. --health-seconds 60');
  }
  const via = opts.via ?? 'cli';
  // Filled in once the pre-rollback snapshot exists: the whole's receipt is appended at the end, with it.
  const receiptArgs: Record<string, unknown> = { snapshot: name, pre_rollback: null, via };
  return withReceipt(
    droplet,
    'rollback',
    receiptArgs,
    () => run(droplet, name, healthSeconds, via, opts, receiptArgs),
    (r) => ({ outcome: r.outcome, pre_rollback: r.preRollback, health_seconds: r.healthSeconds, container: r.container }),
  );
}

async function run(droplet: Droplet, name: string, healthSeconds: number, via: string, opts: RollbackOptions, receiptArgs: Record<string, unknown>): Promise<RollbackResult> {
  const steps: RollbackStep[] = [];
  const progress: Progress = { preRollback: null, swapped: false };
  const step = async <T>(s: RollbackStepName, action: () => Promise<T>, detail: (v: T) => string, okOf: (v: T) => boolean = () => true): Promise<T> => {
    if (opts.signal?.aborted) throw stepFailed(new StratamError('failed', `The rollback was interrupted before step ${s}.`), s, name, progress);
    const t0 = performance.now();
    let v: T;
    try {
      v = await action();
    } catch (err) {
      const failed: RollbackStep = { step: s, ok: false, ms: Math.round(performance.now() - t0), detail: describeError(err) };
      steps.push(failed);
      opts.onStep?.(failed);
      throw stepFailed(err, s, name, progress);
    }
    const done: RollbackStep = { step: s, ok: okOf(v), ms: Math.round(performance.now() - t0), detail: detail(v) };
    steps.push(done);
    opts.onStep?.(done);
    return v;
  };
  const code = droplet.paths.agentCodeDir;
  const codeAnchor = anchorOf(droplet, code);
  const codeName = codeAnchor[1].slice(codeAnchor[1].lastIndexOf('/') + 1);
  const parent = parentAnchor(droplet, code);
  const container = droplet.paths.agentContainer;

  const plan: RollbackPlan = await step(
    'preflight',
    () => preflight(droplet, name),
    (p) => `snapshot ${name}: ${p.entries} entries, no links; container ${container} is ${p.container.state}; python3 ${p.python} can swap folders atomically`,
  );
  await step(
    'pause',
    () => pause(droplet, 'rollback', { rollback_to: name, rollback_via: via }),
    (r) => `JARVIS_SELF_MODIFY_ALLOWED=0${r.changed ? '' : ' (already paused)'}, verified`,
  );
  const snap = await step(
    'pre-rollback-snapshot',
    () =>
      withReceipt(
        droplet,
        'rollback_snapshot',
        { of: code, rollback_to: name, via },
        () =>
          treeOp<SnapshotOut>(
            droplet,
            'snapshot',
            {
              hist: anchorOf(droplet, snapshotsDir(droplet)),
              code: codeAnchor,
              against: anchorOf(droplet, plan.tree),
              partialPrefix: PARTIAL_PREFIX,
              suffix: `-${PRE_ROLLBACK_LABEL}`,
              meta: { label: PRE_ROLLBACK_LABEL, turn: null, seq: null, reason: `before rolling back to ${name}` },
            },
            `Snapshotting ${code} before the rollback`,
          ),
        (o) => ({ snapshot: o.name, files: o.files.length, skipped: o.skipped, removed_leftovers: o.removed.length }),
      ),
    (o) =>
      `${o.name}: ${o.existed ? `${o.entries} entries` : `${code} was absent, an empty tree`}, ${o.files.length} path(s) differ from ${name}` +
      (o.skipped.length ? `; not copied (not files, folders or links): ${o.skipped.slice(0, 5).join(', ')}` : '') +
      (o.removed.length ? `; removed ${o.removed.length} partial snapshot(s) an interrupted rollback left` : ''),
  );
  progress.preRollback = snap.name;
  receiptArgs.pre_rollback = snap.name;

  const staged = await step(
    'stage',
    () =>
      withReceipt(
        droplet,
        'rollback_stage',
        { snapshot: name, into: dirnameOf(code), via },
        () => treeOp<StageOut>(droplet, 'stage', { parent, tree: anchorOf(droplet, plan.tree), prefix: stagingPrefix(code) }, `Copying the snapshot ${name} beside ${code}`),
        (o) => ({ staging: o.staging, entries: o.entries, removed_leftovers: o.removed }),
      ),
    (o) => `${o.entries} entries copied to ${dirnameOf(code)}/${o.staging}` + (o.removed.length ? `; removed ${o.removed.length} staging folder(s) an interrupted rollback left` : ''),
  );
  const stagingPath = `${dirnameOf(code)}/${staged.staging}`;

  await step(
    'swap',
    () =>
      withReceipt(droplet, 'rollback_swap', { path: code, staging: stagingPath, via }, async () => {
        const o = await treeOp<SwapOut>(droplet, 'swap', { parent, code: codeName, staging: staged.staging, ino: staged.ino }, `Putting the restored code in place at ${code}`);
        progress.swapped = true;
        if (o.hash !== staged.hash) {
          throw new StratamError('failed', `The code now at ${code} is not what was copied from ${name}: it changed between the copy and the swap`, {
            hint: 'Something on the droplet wrote into the staged folder (the agent should be paused; check who else writes there).',
            detail: { staged: staged.hash, found: o.hash },
          });
        }
        return o;
      }),
    (o) => `${o.method === 'exchange' ? 'swapped atomically (renameat2 RENAME_EXCHANGE)' : `renamed into place (${code} was absent)`}; the tree there is the one copied, verified by hash`,
  );

  await step(
    'clean-up',
    () =>
      withReceipt(droplet, 'rollback_clean_up', { path: stagingPath, via }, () =>
        treeOp<{ removed: number }>(droplet, 'remove', { parent, name: staged.staging }, `Removing the replaced code from ${stagingPath}`),
      ),
    (o) => `removed the replaced code (${o.removed} entries; it is kept in ${snap.name})`,
  );

  const restarted = await step(
    'restart',
    () =>
      withReceipt(
        droplet,
        'rollback_restart',
        { container, via },
        () => restartAgent(droplet, container),
        (f) => ({ state: f.state, started_at: f.startedAt, restart_count: f.restartCount }),
      ),
    (f) => `docker restart ${container}: ${f.state} since ${f.startedAt ?? '?'}`,
  );

  const watched: WatchOutcome = await step(
    'watch',
    () => watchAgent(droplet, restarted, healthSeconds, opts.signal),
    (w) => `${w.outcome}: ${w.detail}`,
    // The watch ran either way; its step is ok only when the agent stayed up.
    (w) => w.outcome === 'healthy',
  );
  return {
    snapshot: name,
    preRollback: snap.name,
    outcome: watched.outcome,
    healthSeconds,
    container: watched.container,
    steps,
    next: await nextSteps(droplet, snap.name),
  };
}
