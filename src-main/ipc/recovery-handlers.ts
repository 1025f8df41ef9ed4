/**
 * Handlers of the recovery channels (recovery-channels.ts). The arguments
 * arrive validated (the typed confirmation already equals the droplet's
 * name); the rollback and data-delete confirmations are checked once more
 * here, where the core is called, so a future caller that skips the schema
 * still cannot act without them. The core does the work and leaves the
 * receipts; these only pass the app's `via` and state folder and push the
 * rollback's steps as progress.
 */
import { refusedError } from '../core/errors.js';
import type { RollbackStep } from '../core/recovery/recovery-types.js';
import { reportError } from '../core/log/logger.js';
import type { Session } from '../core/session/session.js';
import type { ParsedArgsOf, ResultOf } from './channels.js';

type RecoveryChannel = 'incident' | 'snapshotDiff' | 'rollback' | 'signout' | 'dataDelete';
export type RecoveryImpl = { [C in RecoveryChannel]: (args: ParsedArgsOf<C>) => Promise<ResultOf<C>> };

/** The steps a rollback reports, in order (RollbackStepName): the progress total. */
const ROLLBACK_STEPS = 8;

function requireTypedName(name: string, confirm: string, what: string): void {
  if (confirm !== name) throw refusedError(`The confirmation does not match the droplet's name, so nothing was ${what}.`, `Type the droplet's name (${name}) exactly to confirm.`);
}

export function recoveryImplementations(session: Session): RecoveryImpl {
  const via = session.via;
  // Rollback, sign-out and delete pause the droplet: the pushed state should say so now, not at the next timed read.
  const refreshAfter = async (name: string, what: string) => {
    await session.refresh(name).catch((err: unknown) => reportError('ipc', err, `Refreshing the state of ${name} after ${what}`));
  };
  return {
    incident: async ({ name }) => (await import('../core/recovery/incident.js')).gatherIncident(session.droplet(name)),
    snapshotDiff: async ({ name, snapshot, against }) => (await import('../core/recovery/snapshot-diff.js')).diffSnapshot(session.droplet(name), snapshot, against),
    rollback: async ({ name, snapshot, confirm, healthSeconds, opId }) => {
      requireTypedName(name, confirm, 'rolled back');
      const { rollback } = await import('../core/recovery/rollback.js');
      let done = 0;
      try {
        return await rollback(session.droplet(name), snapshot, {
          via,
          ...(healthSeconds !== undefined ? { healthSeconds } : {}),
          onStep: (s: RollbackStep) => {
            done += 1;
            session.push({ type: 'progress', opId: opId ?? null, name, op: 'rollback', phase: `${s.step}${s.ok ? '' : ' FAILED'}: ${s.detail}`, done, total: ROLLBACK_STEPS });
          },
        });
      } finally {
        await refreshAfter(name, 'a rollback');
      }
    },
    signout: async ({ name }) => {
      const { signOut } = await import('../core/recovery/signout.js');
      try {
        return await signOut(session.droplet(name), { via });
      } finally {
        await refreshAfter(name, 'signing the agent out');
      }
    },
    dataDelete: async ({ name, confirm, withoutExport }) => {
      requireTypedName(name, confirm, 'deleted');
      const { deleteData } = await import('../core/data/data-delete.js');
      try {
        return await deleteData(session.droplet(name), { dropletName: name, confirm, withoutExport: withoutExport === true, stateDir: session.opts.stateDir, via });
      } finally {
        await refreshAfter(name, 'deleting data');
      }
    },
  };
}
