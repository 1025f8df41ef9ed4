/**
 * Keeps one droplet's local audit mirror current while the app is connected
 * (docs/audit-mirror.md): the live feed appends what it reads when that
 * continues the mirror; this runs a sync (mirror-sync.ts, one feed run from
 * where the mirror ends) once the feed has first caught up (the history the
 * mirror does not have yet, read once) and whenever the live feed says it
 * could not place a frame. One sync at a time; a request during a sync runs
 * one more after it. A failed sync is logged and tried at the next request:
 * the mirror is a copy, and the live feed, pause and alerts never wait on it.
 */
import type { Droplet } from '../droplet/droplet.js';
import { background } from '../log/logger.js';

export class MirrorKeeper {
  private running = false;
  private again = false;
  private readonly ac = new AbortController();

  constructor(
    private readonly droplet: Droplet,
    private readonly stateDir: string,
    private readonly capBytes: number,
    private readonly logError: (err: unknown) => void,
  ) {}

  request(): void {
    if (this.capBytes === 0 || this.ac.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    background(this.run(), 'session', 'syncing the audit mirror');
  }

  stop(): void {
    this.ac.abort();
  }

  private async run(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          const { syncMirror } = await import('../audit/mirror-sync.js');
          await syncMirror(this.droplet, this.stateDir, { capBytes: this.capBytes, receipts: true, signal: this.ac.signal });
        } catch (err) {
          if (!this.ac.signal.aborted) this.logError(err);
        }
      } while (this.again && !this.ac.signal.aborted);
    } finally {
      this.running = false;
    }
  }
}
