/**
 * The shapes of the way back from a tripped breaker (issue 14; contract v2,
 * "Agent code, snapshots and rollback"): the incident, a snapshot diff, a
 * rollback, and the two data controls (sign-out, delete). One file of types,
 * so the CLI, the IPC schemas (tied to these by exact type equality) and the
 * console all read the same names.
 */

/** `<jarvisRoot>/.jarvis_self_history/<name>/snapshot.json`, as the agent writes it (fields it left out are null). */
export interface SnapshotMeta {
  created: string | null;
  label: string | null;
  turn: string | null;
  seq: number | null;
  reason: string | null;
  files: string[];
}

/** One entry of a code tree (a snapshot's `tree/` or agentCodeDir), described, never followed. */
export interface TreeEntry {
  /** Relative to the tree's root, `/`-separated. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  /** Permission bits (mode & 0o7777). */
  mode: number;
  size: number;
}

// ---- the incident: why did the breaker trip? ----

export interface IncidentLogLine {
  stream: 'stdout' | 'stderr';
  /** Docker's timestamp for the line (RFC 3339), or null when it had none. */
  ts: string | null;
  /** Terminal-unsafe characters are the reader's concern; this is the text as logged (UTF-8, lossy). */
  text: string;
}

export interface IncidentRestart {
  /** When the container started again (droplet time, ISO). */
  at: string;
  /** The exit code of the run that ended just before this start; null when Docker no longer has the `die` event. */
  exitCode: number | null;
  /** When that run died (ISO), or null. */
  diedAt: string | null;
  /** The last lines the dying run logged (both streams, oldest first, bounded). */
  logs: IncidentLogLine[];
  /** True when more lines were logged than are shown. */
  logsTruncated: boolean;
}

export interface IncidentChange {
  /** The `self_modify_code` audit record. */
  seq: number;
  ts: string;
  turn: string | null;
  ok: boolean;
  /** The snapshot it names (`args.snapshot`), or null when the record names none. */
  snapshot: string | null;
  /** The snapshot folder was found on the droplet (and is a real folder). */
  snapshotFound: boolean;
  label: string | null;
  reason: string | null;
  files: string[];
  /** The agent's reply in that turn, decrypted from the conversation archive; null with `replyNote` saying why. */
  reply: string | null;
  replyNote: string | null;
}

export interface Incident {
  /** Where the trip came from: breaker.json (tripped now) or the last `breaker_trip` receipt (re-armed since). */
  source: 'breaker' | 'receipt';
  trippedAt: string | null;
  reason: string | null;
  by: string | null;
  /** Whether the breaker is still tripped now. */
  stillTripped: boolean;
  container: string;
  restarts: IncidentRestart[];
  /** `self_modify_code` records before the first restart of the window, oldest first (bounded to the last 20). */
  changes: IncidentChange[];
  /** The suggested fix: the snapshot taken just before the last change that preceded the cascade. */
  suggestion: { snapshot: string; seq: number; why: string } | null;
  /** Things that could not be gathered, each naming why (never fatal). */
  warnings: string[];
}

// ---- see the change ----

export type FileChange = 'modified' | 'added' | 'removed' | 'mode' | 'binary' | 'type' | 'too-large';

export interface FileDiff {
  path: string;
  change: FileChange;
  modeBefore: number | null;
  modeAfter: number | null;
  sizeBefore: number | null;
  sizeAfter: number | null;
  /** A unified diff (text files) or null (binary, too large, added/removed folders, mode only). */
  patch: string | null;
  /** The patch was cut at the output bound. */
  patchTruncated: boolean;
}

export interface SnapshotDiff {
  /** What the left side is: a snapshot's tree (the code before that change). */
  from: { kind: 'snapshot'; name: string };
  /** The right side: another snapshot's tree, or agentCodeDir as it is now. */
  to: { kind: 'snapshot'; name: string } | { kind: 'current'; path: string };
  files: FileDiff[];
  /** Unchanged files (counted, not listed). */
  unchanged: number;
  /** Files left out because the listing bound was reached. */
  omitted: number;
}

// ---- roll back ----

export type RollbackStepName = 'preflight' | 'pause' | 'pre-rollback-snapshot' | 'stage' | 'swap' | 'clean-up' | 'restart' | 'watch';

export interface RollbackStep {
  step: RollbackStepName;
  ok: boolean;
  /** Wall-clock milliseconds the step took. */
  ms: number;
  /** What the step did, in a line. */
  detail: string;
}

export interface RollbackResult {
  /** The snapshot rolled back to. */
  snapshot: string;
  /** The snapshot of the code that was replaced (roll back to it to undo). */
  preRollback: string;
  /** healthy: running with no new restart for the whole watch (and healthy where the image has a check). */
  outcome: 'healthy' | 'died' | 'unhealthy';
  /** The seconds watched. */
  healthSeconds: number;
  container: { state: string; health: string | null; restartCount: number; startedAt: string | null };
  steps: RollbackStep[];
  /** The droplet is still paused and the breaker as it was: these are the person's next, separate steps. */
  next: { resume: string; rearm: string | null; undo: string };
}

// ---- sign out, delete ----

export interface SignoutResult {
  path: string;
  /** Entries removed from inside the folder (the folder itself stays, empty). */
  entries: number;
  bytes: number;
  paused: true;
}

export interface DeletedItem {
  what: string;
  path: string;
  /** Bytes it held (0 when it was absent). */
  bytes: number;
  /** absent: there was nothing to delete. */
  status: 'deleted' | 'emptied' | 'absent';
}

export interface DataDeleteResult {
  droplet: string;
  /** When the export this relied on was written (ISO), or null with --without-export. */
  exportAt: string | null;
  deleted: DeletedItem[];
  /** What was kept on purpose, and why (the audit log and receipts are the evidence; the keyring until backups expire). */
  kept: Array<{ what: string; path: string; why: string }>;
  bytes: number;
}
