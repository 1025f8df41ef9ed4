/**
 * Settings → Audit trail on this desktop: per droplet, how much of its audit
 * trail this desktop keeps (the mirror, docs/audit-mirror.md), how big that
 * copy is now, and its cap in MB (`mirrorCapSet`, saved in the profile as
 * `--mirror-cap-mb` saves it). The size is the `auditWindow` channel asked
 * with the name alone: the mirror's description, no file read. A connection
 * reads the cap when it dials, so a change to a connected droplet takes
 * effect at its next connect, and the form says so.
 */
import { useEffect, useState } from 'react';
import type { ProfileView, ResultOf } from '../../../src-main/ipc/api.js';
import { describe, settled } from '../state/app-store.js';
import { useAppState, useStore } from '../state/hooks.js';

/** DEFAULT_MIRROR_CAP_BYTES in MiB (core/audit/mirror/mirror-types.ts); the renderer does not import core code. */
const DEFAULT_CAP_MB = 2048;
const MIB = 1024 * 1024;

type Kept = ResultOf<'auditWindow'>;

/** Binary units, named MB/GB like the cap (which the CLI and the profile count in MiB). */
export function keptSize(bytes: number): string {
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MB`;
  return `${(bytes / 1024 / MIB).toFixed(1)} GB`;
}

export function MirrorCapSettings() {
  const app = useStore();
  const s = useAppState();
  // A host from before the setting has no channel to save it with: nothing to offer.
  if (s.profiles.length === 0 || !app.platform.has('mirrorCapSet')) return null;
  return (
    <div className="panel">
      <h2>Audit trail on this desktop</h2>
      <p className="small muted">
        This desktop keeps a copy of each droplet's audit trail, so the feed and search read it here, and it outlasts the droplet's own log. When a copy goes over its cap, the oldest whole files are
        dropped at the next sync.
      </p>
      {s.profiles.map((p) => (
        <MirrorCap key={p.name} profile={p} />
      ))}
    </div>
  );
}

function MirrorCap({ profile }: { profile: ProfileView }) {
  const app = useStore();
  const s = useAppState();
  const name = profile.name;
  const cap = profile.mirrorCapMB ?? DEFAULT_CAP_MB;
  const connected = s.droplets[name]?.link.state === 'connected';
  const [value, setValue] = useState(String(cap));
  const [kept, setKept] = useState<Kept | null>(null);
  const [sizeError, setSizeError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [reads, setReads] = useState(0);

  useEffect(() => setValue(String(cap)), [cap]);
  useEffect(() => {
    if (!connected || !app.platform.has('auditWindow')) {
      setKept(null);
      setSizeError(null);
      return;
    }
    let live = true;
    const read = async () => {
      const env = await settled(app.api.auditWindow({ name }));
      if (!live) return;
      setKept(env.error ? null : env.result);
      setSizeError(env.error ? describe(env.error, 'Reading the size of the copy') : null);
    };
    app.background(read(), `Reading the audit copy of ${name}`);
    return () => {
      live = false;
    };
  }, [app, name, connected, reads]);

  const typed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
  const bytes = kept?.mirror?.bytes ?? 0;
  const save = async (mb: number | null) => {
    setSaved(null);
    const env = await settled(app.api.mirrorCapSet({ name, mb }));
    if (env.error) return setError(describe(env.error, 'Saving the cap'));
    setError(null);
    setSaved(env.result.reconnect ? 'Saved. It takes effect at the next connect: Disconnect, then Connect, to apply it now.' : 'Saved. It takes effect when you connect.');
    await app.refreshProfiles();
    setReads((n) => n + 1);
  };
  const submit = () => {
    if (typed === null) return setError('The cap is a whole number of MB, for example 2048 (0 keeps no copy). Type digits only.');
    app.background(save(typed), `Saving the audit copy cap of ${name}`);
  };
  const id = `mirror-cap-${name}`;
  return (
    <form
      aria-label={`Audit trail kept for ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>{name}</h3>
      <p data-testid={`mirror-kept-${name}`}>{keptLine(cap, profile.mirrorCapMB === null, connected ? (app.platform.has('auditWindow') ? 'read' : 'unread') : 'disconnected', kept)}</p>
      {sizeError && (
        <p role="alert" className="field-error">
          {sizeError}
        </p>
      )}
      <div className="row wrap">
        <label className="field">
          <span>Cap in MB</span>
          <input
            aria-label={`Cap in MB for ${name}`}
            aria-describedby={`${id}-note`}
            aria-invalid={error ? true : undefined}
            inputMode="numeric"
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setError(null);
              setSaved(null);
            }}
          />
        </label>
        <button type="submit" className="primary" aria-label={`Save the cap for ${name}`}>
          Save
        </button>
        <button type="button" aria-label={`Use the default cap for ${name}`} disabled={profile.mirrorCapMB === null} onClick={() => app.background(save(null), `Saving the audit copy cap of ${name}`)}>
          Use the default
        </button>
      </div>
      <p id={`${id}-note`} className="small muted">
        {capNote(typed, bytes)}
      </p>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      {saved && <p role="status">{saved}</p>}
    </form>
  );
}

function keptLine(capMB: number, isDefault: boolean, size: 'read' | 'unread' | 'disconnected', kept: Kept | null): string {
  const of = `${capMB.toLocaleString()} MB${isDefault ? ' (the default)' : ''}`;
  if (capMB === 0) return 'No copy is kept on this desktop (cap 0).';
  if (size === 'disconnected') return `Cap ${of}. Connect to see how much is kept now.`;
  if (size === 'unread') return `Cap ${of}.`;
  if (!kept) return `Cap ${of}. Reading how much is kept…`;
  if (!kept.kept) return 'No copy is kept on this desktop (cap 0).';
  const m = kept.mirror;
  if (!m || m.endSeq === null) return `Audit trail kept on this desktop: nothing yet, of ${of}. The first sync runs once the feed has caught up.`;
  const seqs = `seq ${(m.startSeq ?? 1).toLocaleString()}–${m.endSeq.toLocaleString()}`;
  const dropped = m.droppedThroughSeq !== null ? ` Records through seq ${m.droppedThroughSeq.toLocaleString()} were dropped by the cap.` : '';
  return `Audit trail kept on this desktop: ${keptSize(m.bytes)} of ${of}, ${seqs}.${dropped}`;
}

function capNote(typed: number | null, bytes: number): string {
  if (typed === 0) return 'Keep no copy: search reads the droplet, slower; the feed loads history from the droplet. A copy already kept here is not deleted.';
  if (typed !== null && bytes > typed * MIB)
    return `The copy is ${keptSize(bytes)} now, over ${typed.toLocaleString()} MB: the oldest whole files will be dropped at the next sync (never the file still being written).`;
  return 'The cap counts the activity and operator-action logs together; the size above is the activity log. At most 1,048,576 MB.';
}
