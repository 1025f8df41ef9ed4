import { useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../../src-main/ipc/api.js';
import { Confirm } from '../components/confirm.js';
import { clock } from '../components/time.js';
import { useAppState, useStore } from '../state/hooks.js';

type Progress = EventPayload<'progress'>;

/** The credential vault: key age, entry names (never values), Rotate with progress, Verify. */
export function Vault({ name }: { name: string }) {
  const app = useStore();
  const s = useAppState();
  const v = s.details[name]?.vault ?? null;
  const err = s.details[name]?.vaultError ?? null;
  const [confirm, setConfirm] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [busy, setBusy] = useState<'rotate' | 'verify' | null>(null);
  const [verify, setVerify] = useState<string | null>(null);
  const op = useRef('');
  useEffect(() => app.api.on('progress', (p) => p.opId === op.current && setProgress(p)), [app]);

  const run = async (what: 'rotate' | 'verify') => {
    setConfirm(false);
    op.current = `${what}-${Date.now().toString(36)}`;
    setBusy(what);
    setProgress(null);
    if (what === 'rotate') {
      const r = await app.call(app.api.vaultRotate({ name, confirm: true, opId: op.current }), 'Rotation');
      if (r)
        app.toast(
          `Rotated: new key ${r.newKeyId}; ${r.vaultEntries} entries and ${r.archiveTokens} archive tokens re-encrypted; verify ${r.verify.ok ? 'passed' : 'FAILED'}.`,
          r.verify.ok ? 'ok' : 'error',
        );
    } else {
      const r = await app.call(app.api.vaultVerify({ name, opId: op.current }), 'Verify');
      if (r)
        setVerify(
          r.ok
            ? `Every token opens: ${r.vault.tokens} vault entries, ${r.archive.tokens} archive messages.`
            : `Problems: ${r.vault.badEntries.length} vault entries and ${r.archive.badCount} archive lines do not open.`,
        );
    }
    setBusy(null);
    await app.refresh(name);
  };

  if (!v)
    return (
      <section className="page" aria-label="Vault">
        <h1>Vault · {name}</h1>
        <p className="empty">{err ?? 'Reading the vault…'}</p>
      </section>
    );
  const pct = progress && progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : null;
  return (
    <section className="page" aria-label="Vault">
      <h1>Vault · {name}</h1>
      <div className="panel">
        <h2>Key</h2>
        <dl className="facts grid2">
          <dt>Primary key</dt>
          <dd className="mono">{v.primary.id}</dd>
          <dt>Created</dt>
          <dd>
            {clock(v.primary.created)} ({Math.floor(v.primary.ageDays)} days old)
          </dd>
          <dt>Rotation</dt>
          <dd>{v.primary.rotationDue ? <span className="badge b-paused">due now</span> : `due ${v.primary.rotationDueAt.slice(0, 10)}`}</dd>
          <dt>Keyring file</dt>
          <dd>
            mode {v.keyringMode} {v.keyringModeOk ? '' : <span className="badge b-failed">should be 0600</span>}
          </dd>
          <dt>Retired keys</dt>
          <dd>{v.retired.length === 0 ? 'none' : v.retired.map((r) => `${r.id}${r.purgeable ? ' (purgeable)' : ''}`).join(', ')}</dd>
        </dl>
        <div className="row">
          <button type="button" className="primary" disabled={busy !== null} onClick={() => setConfirm(true)}>
            Rotate key…
          </button>
          <button type="button" disabled={busy !== null} onClick={() => app.background(run('verify'), `Verifying the vault of ${name}`)}>
            Verify vault
          </button>
        </div>
        {busy && (
          <div className="progress-wrap">
            <progress aria-label={busy === 'rotate' ? 'Rotation progress' : 'Verify progress'} max={100} value={pct ?? undefined} />
            <span className="small muted">{progress ? `${progress.phase} ${progress.done}/${progress.total}` : 'starting…'}</span>
          </div>
        )}
        {verify && <p role="status">{verify}</p>}
      </div>
      <div className="panel">
        <h2>Entries</h2>
        {v.entries.length === 0 ? (
          <p className="muted">No credentials stored.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>name</th>
                <th>updated</th>
              </tr>
            </thead>
            <tbody>
              {v.entries.map((e) => (
                <tr key={e.name}>
                  <td className="mono">{e.name}</td>
                  <td>{clock(e.updated)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {confirm && (
        <Confirm title="Rotate the vault key?" confirmLabel="Rotate" onConfirm={() => app.background(run('rotate'), `Rotating the vault key of ${name}`)} onCancel={() => setConfirm(false)}>
          <p>A new primary key is made; every vault entry and every archived message is re-encrypted under it. The old key is kept (retired) while backups may need it.</p>
        </Confirm>
      )}
    </section>
  );
}
