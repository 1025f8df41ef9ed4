/**
 * Keeps the droplet-side watcher running: one process over one exec channel,
 * its stdout split into JSON lines. When the process or the connection goes,
 * it is started again with a growing pause (reset once a run got going), and
 * the owner is told, so a dropped link is an interruption, never the end of
 * the watch. The first start is different: its failure is the caller's error
 * (python3 missing, a droplet that refuses exec), not something to retry.
 */
import type { Droplet } from '../droplet/droplet.js';
import { describeError } from '../errors.js';
import { watcherArgv, type WatchedPath, type WatcherLine } from './watcher-script.js';
import { abortableDelay } from '../time/abortable-delay.js';

export interface WatcherProcessHandlers {
  /** A line from run number `run` (1 for the first start). */
  onLine(msg: WatcherLine, run: number): void;
  /** Something the owner should log: a line that is not JSON, an interrupted run. */
  onTrouble(detail: string): void;
  /** True until the first run reported ready: a failure then ends the loop (start() rejects). */
  starting(): boolean;
  onStartFailed(err: unknown): void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export async function runWatcherProcess(droplet: Droplet, paths: readonly WatchedPath[], signal: AbortSignal, h: WatcherProcessHandlers): Promise<void> {
  let delay = FIRST_DELAY_MS;
  for (let run = 1; !signal.aborted; run++) {
    let buf = '';
    let lines = 0;
    try {
      const r = await droplet.exec(watcherArgv(paths), {
        collect: false,
        signal,
        onStdout: (chunk) => {
          buf += chunk.toString('utf8');
          for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            lines++;
            let msg: WatcherLine;
            try {
              msg = JSON.parse(line) as WatcherLine;
            } catch {
              h.onTrouble('The droplet-side watcher wrote a line that is not JSON; ignoring it.');
              continue;
            }
            h.onLine(msg, run);
          }
        },
      });
      if (signal.aborted) return;
      const why = r.code === 127 ? 'python3 is not installed on the droplet' : `the droplet-side watcher exited (code ${r.code ?? r.signal})`;
      if (h.starting()) throw new Error(why);
      h.onTrouble(`The control-plane watch lost its watcher (${why}); restarting it.`);
    } catch (err) {
      if (signal.aborted) return;
      if (h.starting()) return h.onStartFailed(err);
      h.onTrouble(`The control-plane watch was interrupted (${describeError(err)}); it resumes when the droplet answers.`);
    }
    // A run that got going earns a quick restart; one that died at once backs off.
    delay = lines > 1 ? FIRST_DELAY_MS : Math.min(delay * 2, MAX_DELAY_MS);
    // abortableDelay drops its listener when the wait ends: one left per restart piled up on the
    // session's signal over reconnects (the soak saw MaxListenersExceededWarning at 11).
    await abortableDelay(delay, signal);
  }
}
