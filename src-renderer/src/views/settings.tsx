import { useState } from 'react';
import { clock } from '../components/time.js';
import { describe, settled } from '../state/app-store.js';
import { useAppState, useStore } from '../state/hooks.js';
import { MirrorCapSettings } from './mirror-cap-setting.js';
import { ShortcutsSetting } from './shortcuts-setting.js';

/** Droplet profiles (with the pinned host key), the audit copy each keeps here, notification mutes, keyboard. */
export function Settings() {
  const app = useStore();
  const s = useAppState();
  const mute = async (hours: 0 | 1 | 8 | 24) => {
    const r = await app.call(app.api.notificationsMute({ hours }), 'Muting notifications');
    if (r) app.set({ mutedUntil: r.mutedUntil });
  };
  const remove = async (name: string) => {
    if (await app.call(app.api.profilesRemove({ name }), 'Remove')) await app.refreshProfiles();
  };
  return (
    <section className="page" aria-label="Settings">
      <h1>Settings</h1>
      <div className="panel">
        <h2>Droplets</h2>
        <table className="table">
          <thead>
            <tr>
              <th>name</th>
              <th>address</th>
              <th>host key (pinned)</th>
              <th>agent home</th>
              <th>
                <span className="sr-only">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {s.profiles.map((p) => (
              <tr key={p.name}>
                <td>{p.name}</td>
                <td className="mono small">{p.transport === 'local' ? 'this machine' : `${p.user}@${p.host}:${p.port}`}</td>
                <td className="mono small">{p.fingerprint ?? <span className="muted">not pinned — confirmed on first connect</span>}</td>
                <td className="mono small">{p.paths.jarvisHome}</td>
                <td className="row end">
                  {s.droplets[p.name]?.link.state === 'connected' ? (
                    <button type="button" onClick={() => app.background(app.call(app.api.disconnect({ name: p.name }), 'Disconnect'), `Disconnecting ${p.name}`)} aria-label={`Disconnect ${p.name}`}>
                      Disconnect
                    </button>
                  ) : (
                    <button type="button" onClick={() => app.background(app.connect(p.name), `Connecting to ${p.name}`)} aria-label={`Connect ${p.name}`}>
                      Connect
                    </button>
                  )}
                  <button type="button" className="link danger-text" aria-label={`Remove ${p.name}`} onClick={() => app.background(remove(p.name), `Removing ${p.name}`)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <AddProfile />
      </div>
      <MirrorCapSettings />
      <div className="panel">
        <h2>Notifications</h2>
        <p>{s.mutedUntil ? `Muted until ${clock(s.mutedUntil)}. Critical alerts (a tripped breaker, a fabricated "done") still show in the app.` : 'Notifications are on.'}</p>
        <div className="row">
          {([1, 8, 24] as const).map((h) => (
            <button type="button" key={h} onClick={() => app.background(mute(h), 'Muting notifications')}>
              Mute {h} h
            </button>
          ))}
          <button type="button" disabled={!s.mutedUntil} onClick={() => app.background(mute(0), 'Unmuting notifications')}>
            Unmute
          </button>
        </div>
      </div>
      <ShortcutsSetting />
    </section>
  );
}

function AddProfile() {
  const app = useStore();
  const [f, setF] = useState({ name: '', host: '', port: '22', user: 'root', identityFile: '' });
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const env = await settled(
      app.api.profilesAdd({
        profile: { name: f.name, host: f.host, port: Number(f.port), user: f.user, ...(f.identityFile ? { identityFile: f.identityFile } : {}) },
      }),
    );
    if (env.error) return setError(describe(env.error, 'Adding the droplet'));
    setError(null);
    await app.refreshProfiles();
    // Connect's own failures are toasted by connect(); the form is done either way.
    app.background(app.connect(env.result.profile.name), `Connecting to ${env.result.profile.name}`);
  };
  const field = (k: keyof typeof f, label: string, ph: string) => (
    <label className="field">
      <span>{label}</span>
      <input aria-label={label} placeholder={ph} value={f[k]} onChange={(e) => setF({ ...f, [k]: e.target.value })} />
    </label>
  );
  return (
    <form
      className="add-profile"
      onSubmit={(e) => {
        e.preventDefault();
        app.background(submit(), 'Adding the droplet');
      }}
    >
      <h3>Add a droplet</h3>
      <div className="row wrap">
        {field('name', 'Name', 'prod')}
        {field('host', 'Host', 'droplet.example.com')}
        {field('port', 'SSH port', '22')}
        {field('user', 'SSH user', 'root')}
        {field('identityFile', 'Key file', 'empty = ssh-agent')}
        <button type="submit" className="primary">
          Add droplet
        </button>
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
    </form>
  );
}
