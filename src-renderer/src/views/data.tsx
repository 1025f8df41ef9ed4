import { useEffect, useRef, useState } from 'react';
import type { EventPayload, ResultOf } from '../../../src-main/ipc/api.js';
import { clock } from '../components/time.js';
import { WaitingText } from '../components/waiting-text.js';
import { settled } from '../state/app-store.js';
import { useStore } from '../state/hooks.js';
import { formatBytes, oneLine } from '../text/inert.js';
import { DeleteDataPanel, SignOutPanel } from './data-erase.js';

/**
 * Self-modify snapshots (each with its diff), backups (with their health),
 * Export with progress, and the sign-out and delete controls (data-erase.tsx).
 * In the app the export path comes from the OS save dialog (the main process
 * accepts no other); the browser harness has no dialog and keeps a text field.
 */
export function Data({ name }: { name: string }) {
  const app = useStore();
  const saveDialog = app.platform.kind === 'electron' && app.platform.has('exportChooseFile');
  const [snaps, setSnaps] = useState<ResultOf<'snapshotsList'> | null>(null);
  const [backups, setBackups] = useState<ResultOf<'backupsList'> | null>(null);
  const [errors, setErrors] = useState<{ snaps?: string; backups?: string }>({});
  const [out, setOut] = useState('');
  const [progress, setProgress] = useState<EventPayload<'progress'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  /** When this page last exported (the delete panel names it; the main side checks its own record). */
  const [exportedAt, setExportedAt] = useState<string | null>(null);
  const canDiff = app.platform.has('snapshotDiff');
  const op = useRef('');
  useEffect(() => app.api.on('progress', (p) => p.opId === op.current && setProgress(p)), [app]);
  useEffect(() => {
    // Each failure, the host's included (settled), is kept beside its card.
    app.background(
      settled(app.api.snapshotsList({ name })).then((r) => (r.error ? setErrors((e) => ({ ...e, snaps: r.error.message })) : setSnaps(r.result))),
      `Reading the snapshots of ${name}`,
    );
    app.background(
      settled(app.api.backupsList({ name })).then((r) => (r.error ? setErrors((e) => ({ ...e, backups: r.error.message })) : setBackups(r.result))),
      `Reading the backups of ${name}`,
    );
  }, [app, name]);

  const runExport = async () => {
    setDone(null);
    let target = out.trim();
    if (saveDialog) {
      const chosen = await app.call(app.api.exportChooseFile({ name }), 'Export');
      if (!chosen?.out) return; // cancelled
      target = chosen.out;
    }
    op.current = `export-${Date.now().toString(36)}`;
    setBusy(true);
    setProgress(null);
    const r = await app.call(app.api.exportData({ name, out: target, opId: op.current }), 'Export');
    setBusy(false);
    if (r) setExportedAt(new Date().toISOString());
    if (r)
      setDone(
        `Exported ${formatBytes(r.bytes)} to ${r.out}: ${r.counts.activity} activity records, ${r.counts.receipts} receipts, ${r.counts.conversation} messages, ${r.counts.waitlist} waitlist entries.${r.warnings.length ? ` ${r.warnings.join(' ')}` : ''}`,
      );
  };
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : undefined;
  const h = backups?.health;
  return (
    <section className="page" aria-label="Data">
      <h1>Data · {name}</h1>
      <div className="panel">
        <h2>Backups</h2>
        {!backups ? (
          errors.backups ? (
            <p className="problem p-warning">{oneLine(errors.backups, 300)}</p>
          ) : (
            <p className="muted">
              <WaitingText name={name} text="Reading the backups volume…" />
            </p>
          )
        ) : (
          <>
            <p>
              {h?.ok ? <span className="badge b-ok">healthy</span> : <span className="badge b-failed">needs attention</span>} {h?.count ?? 0} backup(s), {formatBytes(h?.totalBytes ?? 0)} in{' '}
              {backups.volume}
              {h?.latest ? `; newest ${h.latest.name}, ${Math.round(h.latest.ageHours)} h old` : ''}.
            </p>
            {h && h.problems.length > 0 && (
              <ul className="problems">
                {h.problems.map((p, i) => (
                  <li key={i} className="problem p-warning">
                    <span>{oneLine(p, 300)}</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
      <div className="panel">
        <h2>Self-modify snapshots</h2>
        {!snaps ? (
          <p className="muted">{errors.snaps ?? <WaitingText name={name} text="Reading snapshots…" />}</p>
        ) : snaps.snapshots.length === 0 ? (
          <p className="muted">
            No snapshots in {snaps.dir}.{snaps.warning ? ` ${snaps.warning}` : ''}
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>time</th>
                <th>label</th>
                <th className="num">size</th>
                {canDiff && <th>changes</th>}
              </tr>
            </thead>
            <tbody>
              {snaps.snapshots.map((s) => (
                <tr key={s.name}>
                  <td>{clock(s.time)}</td>
                  <td className="mono">{oneLine(s.label, 80)}</td>
                  <td className="num">{formatBytes(s.size)}</td>
                  {canDiff && (
                    <td>
                      <button type="button" onClick={() => app.openDiff(name, s.name, 'current')} aria-label={`Diff of snapshot ${s.name} against the code now`}>
                        Diff
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="panel">
        <h2>Export</h2>
        <p className="small muted">Everything the droplet holds about you, as JSON on this machine (vault tokens stay out). Browser cookies never leave the droplet.</p>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            app.background(runExport(), `Exporting ${name}`);
          }}
        >
          {!saveDialog && (
            <input className="grow mono" aria-label="Export to file (absolute path on this machine)" placeholder="/home/you/stratam-export.json" value={out} onChange={(e) => setOut(e.target.value)} />
          )}
          <button type="submit" className="primary" disabled={busy || (!saveDialog && !out.trim())}>
            {busy ? 'Exporting…' : saveDialog ? 'Export…' : 'Export'}
          </button>
        </form>
        {busy && (
          <div className="progress-wrap">
            <progress aria-label="Export progress" max={100} value={pct} />
            <span className="small muted">{progress ? `${progress.phase} ${progress.done}/${progress.total}` : 'starting…'}</span>
          </div>
        )}
        {done && <p role="status">{done}</p>}
      </div>
      {app.platform.has('signout') && <SignOutPanel name={name} />}
      {app.platform.has('dataDelete') && <DeleteDataPanel name={name} exportedAt={exportedAt} />}
    </section>
  );
}
