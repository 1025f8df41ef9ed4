/**
 * The two data controls that remove things on the droplet: sign the agent
 * out everywhere (empty its browser profile, after a pause) behind a
 * confirmation that says so, and delete the operator's data behind the CLI's
 * checks: an export from this app in the last 24 hours (or the explicit
 * choice to go without one) and the droplet's name typed. The main side
 * checks both again and refuses with the reason.
 */
import { useState } from 'react';
import type { ResultOf } from '../../../src-main/ipc/api.js';
import { Confirm } from '../components/confirm.js';
import { TypedConfirm } from '../components/typed-confirm.js';
import { clock } from '../components/time.js';
import { describe, settled } from '../state/app-store.js';
import { useStore } from '../state/hooks.js';
import { formatBytes, oneLine } from '../text/inert.js';

export function SignOutPanel({ name }: { name: string }) {
  const app = useStore();
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ResultOf<'signout'> | null>(null);
  const run = async () => {
    setAsk(false);
    setBusy(true);
    const r = await app.call(app.api.signout({ name, confirm: true }), 'Signing the agent out');
    setBusy(false);
    if (r) setDone(r);
  };
  return (
    <section className="panel" aria-label="Sign the agent out">
      <h2>Sign the agent out everywhere</h2>
      <p className="small muted">Empties the agent's browser profile on the droplet (its cookies never leave it). The agent is then logged out of every website.</p>
      <button type="button" className="danger" disabled={busy} onClick={() => setAsk(true)}>
        {busy ? 'Signing out…' : 'Sign the agent out everywhere…'}
      </button>
      {done && (
        <p role="status">
          Signed out: {done.entries} item(s), {formatBytes(done.bytes)} removed from {oneLine(done.path, 200)}. Destructive tools are paused.
        </p>
      )}
      {ask && (
        <Confirm
          title={`Sign the agent on ${name} out everywhere?`}
          confirmLabel="Sign out everywhere"
          danger
          onConfirm={() => app.background(run(), `Signing the agent on ${name} out`)}
          onCancel={() => setAsk(false)}
        >
          <p>
            This first pauses destructive tools, then empties the agent's browser profile (playwright_profile) on the droplet: every website it was logged in to will ask it to log in again. Nothing is
            copied off the droplet.
          </p>
          <p>It cannot be undone; the agent stays paused until you resume it.</p>
        </Confirm>
      )}
    </section>
  );
}

export function DeleteDataPanel({ name, exportedAt }: { name: string; exportedAt: string | null }) {
  const app = useStore();
  const [ask, setAsk] = useState(false);
  const [withoutExport, setWithoutExport] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ResultOf<'dataDelete'> | null>(null);
  const run = async () => {
    setAsk(false);
    setBusy(true);
    setError(null);
    const r = await settled(app.api.dataDelete({ name, confirm: name, ...(withoutExport ? { withoutExport: true } : {}) }));
    setBusy(false);
    if (r.error) setError(describe(r.error, 'Deleting the data'));
    else setDone(r.result);
  };
  return (
    <section className="panel" aria-label="Delete my data">
      <h2>Delete my data</h2>
      <p className="small muted">
        Deletes the conversation archive, the vault entries, the waitlist, the browser profile and the snapshots on the droplet, after pausing. The audit log and the receipts are kept (they are the
        evidence), and so is the vault keyring until the backups that need it expire. It needs an export from this app in the last 24 hours{exportedAt ? ` (you exported at ${clock(exportedAt)})` : ''}
        , or the explicit choice to delete without one.
      </p>
      <button type="button" className="danger" disabled={busy} onClick={() => setAsk(true)}>
        {busy ? 'Deleting…' : 'Delete my data…'}
      </button>
      {error && (
        <p className="problem p-critical" role="alert">
          {oneLine(error, 600)}
        </p>
      )}
      {done && (
        <div role="status">
          <p>
            Deleted {formatBytes(done.bytes)} from {done.droplet}
            {done.exportAt ? ` (the export of ${clock(done.exportAt)} holds a copy)` : ' without an export'}.
          </p>
          <ul className="small">
            {done.deleted.map((d) => (
              <li key={d.path}>
                {oneLine(d.what, 80)}: {d.status}
                {d.status === 'absent' ? '' : `, ${formatBytes(d.bytes)}`}
              </li>
            ))}
            {done.kept.map((k) => (
              <li key={k.path}>
                kept {oneLine(k.what, 80)}: {oneLine(k.why, 200)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {ask && (
        <TypedConfirm
          title={`Delete your data on ${name}?`}
          expected={name}
          confirmLabel="Delete my data"
          onCancel={() => setAsk(false)}
          onConfirm={() => app.background(run(), `Deleting the data on ${name}`)}
          extra={
            <label className="check">
              <input type="checkbox" checked={withoutExport} onChange={(e) => setWithoutExport(e.target.checked)} /> Delete without an export (nothing of it is kept anywhere)
            </label>
          }
        >
          <p>
            This pauses destructive tools and then deletes, on the droplet: the conversation archive, the vault entries, the waitlist, the browser profile and the self-modify snapshots. It cannot be
            undone.
          </p>
          <p>Without an export from this app in the last 24 hours it is refused, unless you tick the box below.</p>
        </TypedConfirm>
      )}
    </section>
  );
}
