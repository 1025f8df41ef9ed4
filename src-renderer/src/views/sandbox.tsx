import { useEffect, useRef, useState } from 'react';
import { useAppState, useStore } from '../state/hooks.js';
import { legible } from '../text/inert.js';

const MAX_OUT = 256 * 1024;

/** Sandbox policy violations, and a run box whose output streams in as it is produced. */
export function Sandbox({ name }: { name: string }) {
  const app = useStore();
  const s = useAppState();
  const sb = s.details[name]?.sandbox ?? null;
  const [cmd, setCmd] = useState('echo hello from the sandbox');
  const [out, setOut] = useState('');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const op = useRef('');
  useEffect(
    () =>
      app.api.on('output', (o) => {
        if (o.opId !== op.current) return;
        setOut((prev) => (prev.length > MAX_OUT ? prev : prev + (o.stream === 'stderr' ? o.text : o.text)));
      }),
    [app],
  );
  const run = async () => {
    op.current = `run-${Date.now().toString(36)}`;
    setOut('');
    setResult(null);
    setRunning(true);
    const r = await app.call(app.api.sandboxRun({ name, cmd: ['/bin/sh', '-c', cmd], opId: op.current }), 'Sandbox run');
    setRunning(false);
    if (r) setResult(`exit ${r.exitCode}${r.timedOut ? ' (timed out)' : ''} · ${r.elapsedMs} ms · ${r.image}`);
    await app.refresh(name);
  };
  return (
    <section className="page" aria-label="Sandbox">
      <h1>Sandbox · {name}</h1>
      <div className="panel">
        <h2>Policy</h2>
        {!sb ? (
          <p className="muted">{s.details[name]?.sandboxError ?? 'Checking…'}</p>
        ) : sb.violations.length === 0 && sb.checked === 0 ? (
          <p>
            <span className="badge b-ok">compliant</span> No sandbox container is running now; each one is checked as it appears here.
          </p>
        ) : sb.violations.length === 0 ? (
          <p>
            <span className="badge b-ok">compliant</span> {sb.checked} sandbox container(s) checked: no network, read-only root, 128 MiB.
          </p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>container</th>
                <th>setting</th>
                <th>expected</th>
                <th>actual</th>
              </tr>
            </thead>
            <tbody>
              {sb.violations.map((v, i) => (
                <tr key={i}>
                  <td className="mono">{legible(v.name)}</td>
                  <td>{v.setting}</td>
                  <td>{String(v.expected)}</td>
                  <td className="danger-text">{String(v.actual)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <button type="button" onClick={() => app.background(app.refresh(name), `Checking the sandboxes of ${name}`)}>
          Check again
        </button>
      </div>
      <div className="panel">
        <h2>Run in a sandbox</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            app.background(run(), `Running a command in a sandbox on ${name}`);
          }}
        >
          <input className="grow mono" aria-label="Command to run in the sandbox" value={cmd} onChange={(e) => setCmd(e.target.value)} />
          <button type="submit" className="primary" disabled={running || !cmd.trim()}>
            {running ? 'Running…' : 'Run'}
          </button>
        </form>
        <p className="small muted">Runs /bin/sh -c in a fresh container: no network, read-only, 128 MiB, removed on exit. Leaves a receipt.</p>
        {/* The name is on a figure: a <pre> is generic and may not carry one. It scrolls, so it takes focus (arrow keys scroll it). */}
        <figure className="text-block" aria-label="Sandbox output">
          <pre className="value terminal" aria-live="polite" tabIndex={0}>
            {legible(out) || (running ? 'Waiting for output…' : 'Output appears here as the command runs.')}
          </pre>
        </figure>
        {result && <p role="status">{result}</p>}
      </div>
    </section>
  );
}
