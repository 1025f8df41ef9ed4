/**
 * The background watchers a connected droplet gets in the app: the breaker
 * watcher (restart counting, droplet-side trips) and the live audit feed
 * (records for the dashboard, alerts such as a blocked command that ran).
 * Each failure to start is reported as a warning, never swallowed, and never
 * stops the connection itself: pause must keep working when Docker does not.
 */
import type { Droplet } from '../droplet/droplet.js';
import { describeError } from '../errors.js';
import type { FeedItem } from '../audit/diagnostics.js';
import type { CommandChecker } from '../audit/second-line.js';

export interface WatchSink {
  onAudit(item: FeedItem): void;
  onTripped(e: { by: string | null; at: string | null; reason: string | null; restarts: string[] }): void;
  onRearmed(e: { at: string | null }): void;
  onFailure(what: 'breaker' | 'audit', message: string): void;
}

export interface Watchers {
  stop(): void;
}

export function startBreakerWatch(droplet: Droplet, sink: WatchSink, via: string): Watchers {
  let stopped = false;
  let watcher: { stop(): void } | null = null;
  void (async () => {
    try {
      const { BreakerWatcher } = await import('../breaker/breaker-watcher.js');
      if (stopped) return;
      const w = new BreakerWatcher(droplet, { via });
      watcher = w;
      w.on('tripped', (e) => sink.onTripped(e));
      w.on('rearmed', (e) => sink.onRearmed(e));
      w.on('failure', (err) => sink.onFailure('breaker', `The breaker could not be tripped: ${describeError(err)}`));
      await w.start();
      if (stopped) w.stop();
    } catch (err) {
      if (!stopped) sink.onFailure('breaker', `The breaker watcher could not start: ${describeError(err)}`);
    }
  })();
  return {
    stop() {
      stopped = true;
      watcher?.stop();
    },
  };
}

export function startAuditFollow(droplet: Droplet, sink: WatchSink, opts: { stateDir: string; lines: number; receipts: boolean }): Watchers {
  const ac = new AbortController();
  void (async () => {
    try {
      // A literal import (not second-line's lookup by computed name) so bundlers include the guard.
      const [{ AuditFeed }, guard] = await Promise.all([import('../audit/audit-feed.js'), import('../guard/blocklist.js')]);
      const checkCommand: CommandChecker = async (cmd) => {
        const v = await guard.checkCommand(cmd);
        return v.allowed ? { refused: false } : { refused: true, reason: v.reason };
      };
      if (ac.signal.aborted) return;
      await new AuditFeed(droplet, { follow: true, lines: opts.lines, receipts: opts.receipts, stateDir: opts.stateDir, signal: ac.signal, checkCommand, onItem: (i) => sink.onAudit(i) }).run();
    } catch (err) {
      if (!ac.signal.aborted) sink.onFailure('audit', `The live audit feed stopped: ${describeError(err)}`);
    }
  })();
  return { stop: () => ac.abort() };
}
