/**
 * Restarting this machine's Docker daemon for the fault campaign. There is
 * no systemd here: dockerd is started the way .ci/run starts it (detached,
 * output to /tmp/ci-dockerd.log). ensureDockerd() brings a daemon back even
 * after a failed test, so the rest of the run has Docker.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function dockerAnswers(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function dockerdPid(): number | null {
  try {
    const out = execFileSync('pidof', ['dockerd'], { encoding: 'utf8' }).trim();
    return out ? Number(out.split(/\s+/)[0]) : null;
  } catch {
    return null;
  }
}

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Start dockerd detached, as .ci/run does, and wait until `docker info` answers. */
export async function startDockerd(): Promise<void> {
  const log = openSync('/tmp/ci-dockerd.log', 'a');
  const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
  await waitFor('dockerd to answer', dockerAnswers, 60_000);
}

/** SIGTERM dockerd (it stops its containers on the way out), wait until it is gone. */
export async function stopDockerd(): Promise<void> {
  const pid = dockerdPid();
  if (pid === null) return;
  process.kill(pid, 'SIGTERM');
  await waitFor(`dockerd (pid ${pid}) to exit`, () => !existsSync(`/proc/${pid}`), 60_000);
}

export async function restartDockerd(): Promise<{ downMs: number }> {
  const t0 = performance.now();
  await stopDockerd();
  await startDockerd();
  return { downMs: performance.now() - t0 };
}

/** After any outcome: a running, answering daemon. */
export async function ensureDockerd(): Promise<void> {
  if (dockerAnswers()) return;
  if (dockerdPid() === null) await startDockerd();
  else await waitFor('dockerd to answer', dockerAnswers, 60_000);
}
