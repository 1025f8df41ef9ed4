/**
 * What a self-modification changed: the snapshot's tree (the code before the
 * change) against the code just after it (the next snapshot, else the code now), the code now, or another snapshot. Text files as a
 * unified diff (added and removed lines marked); binary, too-large, mode-only,
 * type changes and added or removed files are named, not shown.
 */
import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { UnifiedDiff } from '../components/unified-diff.js';
import { describe, settled, type DiffTarget } from '../state/app-store.js';
import { useStore } from '../state/hooks.js';
import { formatBytes, oneLine } from '../text/inert.js';

type FileDiff = ResultOf<'snapshotDiff'>['files'][number];
const mode = (m: number | null) => (m === null ? '—' : `0${m.toString(8)}`);
const size = (n: number | null) => (n === null ? '—' : formatBytes(n));

function described(f: FileDiff): string {
  switch (f.change) {
    case 'modified':
      return `${size(f.sizeBefore)} → ${size(f.sizeAfter)}${f.modeBefore !== f.modeAfter ? `, mode ${mode(f.modeBefore)} → ${mode(f.modeAfter)}` : ''}`;
    case 'added':
      return `added since the snapshot (${size(f.sizeAfter)})`;
    case 'removed':
      return `removed since the snapshot (was ${size(f.sizeBefore)})`;
    case 'mode':
      return `mode changed ${mode(f.modeBefore)} → ${mode(f.modeAfter)}`;
    case 'binary':
      return `binary file changed (${size(f.sizeBefore)} → ${size(f.sizeAfter)}); not shown`;
    case 'type':
      return 'changed type (file, folder or link); not shown';
    case 'too-large':
      return `too large to diff (${size(f.sizeBefore)} → ${size(f.sizeAfter)}); not shown`;
  }
}

export function Diff({ name, target }: { name: string; target: DiffTarget | null }) {
  const app = useStore();
  const [diff, setDiff] = useState<ResultOf<'snapshotDiff'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const snapshot = target?.snapshot ?? null;
  const against = target?.against ?? null;
  useEffect(() => {
    if (!snapshot) return;
    setDiff(null);
    setError(null);
    app.background(
      settled(app.api.snapshotDiff({ name, snapshot, ...(against ? { against } : {}) })).then((r) => (r.error ? setError(describe(r.error, 'Reading the diff')) : setDiff(r.result))),
      `Reading the diff of ${snapshot}`,
    );
  }, [app, name, snapshot, against]);

  if (!target) return <p className="empty">Pick a snapshot in the Data view or the incident to see what it changed.</p>;
  return (
    <section className="page" aria-label="Diff">
      <div className="page-head row">
        <h1>
          Diff · <span className="mono">{target.snapshot}</span>
        </h1>
        <span className="spacer" />
        <button type="button" onClick={() => app.set({ view: target.back })}>
          Back
        </button>
      </div>
      <p className="muted small">
        Left: the code in the snapshot (before that change). Right:{' '}
        {diff ? (
          diff.to.kind === 'current' ? (
            `the code as it is now on the droplet (${oneLine(diff.to.path, 200)})`
          ) : (
            <>
              the snapshot <span className="mono">{oneLine(diff.to.name, 200)}</span> (the code just after that change)
            </>
          )
        ) : (
          (against ?? 'the code just after that change: the next snapshot, or the code now')
        )}
        .
      </p>
      {error && (
        <p className="problem p-critical" role="alert">
          {oneLine(error, 600)}
        </p>
      )}
      {!diff ? (
        !error && <p className="muted">Comparing the trees…</p>
      ) : (
        <>
          <p data-testid="diff-summary">
            {diff.files.length} file(s) differ, {diff.unchanged} unchanged{diff.omitted > 0 ? `, ${diff.omitted} more left out (listing bound reached)` : ''}.
          </p>
          {diff.files.map((f) => (
            <section className="panel diff-file" key={f.path} aria-label={`Changes to ${f.path}`}>
              <h2 className="mono">{oneLine(f.path, 200)}</h2>
              <p className="small">
                <span className="badge">{f.change}</span> {described(f)}
              </p>
              {f.patch !== null && <UnifiedDiff patch={f.patch} label={`Unified diff of ${f.path}`} />}
              {f.patchTruncated && <p className="small muted">The diff was cut at the output bound.</p>}
            </section>
          ))}
        </>
      )}
    </section>
  );
}
