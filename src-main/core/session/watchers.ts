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
import type { FabricationWarning } from '../antifab/scan.js';
import type { FeedPositions } from '../audit/feed-position.js';
import { background } from '../log/logger.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';

export interface WatchSink {
  onAudit(item: FeedItem): void;
  onTripped(e: { by: string | null; at: string | null; reason: string | null; restarts: string[] }): void;
  onRearmed(e: { at: string | null }): void;
  /** critical: a safety action did not land (a breaker trip that could not be written), not just a watcher's trouble. */
  onFailure(what: 'breaker' | 'audit' | 'fabrication', message: string, severity?: 'critical'): void;
  onFabrication(w: FabricationWarning, excerpt: string): void;
}

export interface Watchers {
  stop(): void;
}

export function startBreakerWatch(droplet: Droplet, sink: WatchSink, via: string): Watchers {
  let stopped = false;
  let watcher: { stop(): void } | null = null;
  background(
    (async () => {
      try {
        const { BreakerWatcher } = await import('../breaker/breaker-watcher.js');
        if (stopped) return;
        const w = new BreakerWatcher(droplet, { via });
        watcher = w;
        w.on('tripped', (e) => sink.onTripped(e));
        w.on('rearmed', (e) => sink.onRearmed(e));
        w.on('failure', (err) => sink.onFailure('breaker', `The breaker could not be tripped, so the eternal loop may still run: ${describeError(err)}`, 'critical'));
        await w.start();
        if (stopped) w.stop();
      } catch (err) {
        if (!stopped) sink.onFailure('breaker', `The breaker watcher could not start: ${describeError(err)}`);
      }
    })(),
    'session',
    'starting the breaker watcher',
  );
  return {
    stop() {
      stopped = true;
      watcher?.stop();
    },
  };
}

export interface AuditFollowOptions {
  stateDir: string;
  lines: number;
  receipts: boolean;
  /** Resume each stream here (a saved catch-up point) instead of `lines` from the end. */
  resume?: FeedPositions | undefined;
  onPosition?: ((p: FeedPositions) => void) | undefined;
  onCaughtUp?: (() => void) | undefined;
  /** Keep the local mirror within this many bytes (0: none); see FeedOptions. */
  mirrorCapBytes?: number | undefined;
  onMirrorBehind?: (() => void) | undefined;
}

export interface AuditWatch extends Watchers {
  /** Settles once the feed has stopped and reported its last position. */
  readonly done: Promise<void>;
}

/**
 * The conversation archive's size now, for a fabrication watch that starts
 * later; undefined (the watch then starts at the end it finds) when it cannot
 * be read, with the reason logged.
 */
export async function archiveEnd(droplet: Droplet, logError: (err: unknown) => void): Promise<number | undefined> {
  try {
    return (await droplet.stat(homeFile(droplet.paths, CONTRACT_FILES.archive)))?.size ?? 0;
  } catch (err) {
    logError(err);
    return undefined;
  }
}

export function startAuditFollow(droplet: Droplet, sink: WatchSink, opts: AuditFollowOptions): AuditWatch {
  const ac = new AbortController();
  const done = (async () => {
    try {
      // A literal import (not second-line's lookup by computed name) so bundlers include the guard.
      const [{ AuditFeed }, guard, { controlPlane }] = await Promise.all([import('../audit/audit-feed.js'), import('../guard/blocklist.js'), import('../droplet/control-plane.js')]);
      const plane = controlPlane(droplet.paths, droplet.home);
      const checkCommand: CommandChecker = async (cmd) => {
        const v = await guard.checkCommand(cmd, { plane });
        return v.allowed ? { refused: false } : { refused: true, reason: v.reason };
      };
      if (ac.signal.aborted) return;
      await new AuditFeed(droplet, {
        follow: true,
        lines: opts.lines,
        receipts: opts.receipts,
        stateDir: opts.stateDir,
        signal: ac.signal,
        checkCommand,
        onItem: (i) => sink.onAudit(i),
        ...(opts.resume ? { resume: opts.resume } : {}),
        ...(opts.onPosition ? { onPosition: opts.onPosition } : {}),
        ...(opts.onCaughtUp ? { onCaughtUp: opts.onCaughtUp } : {}),
        ...(opts.mirrorCapBytes ? { mirrorCapBytes: opts.mirrorCapBytes } : {}),
        ...(opts.onMirrorBehind ? { onMirrorBehind: opts.onMirrorBehind } : {}),
      }).run();
    } catch (err) {
      if (!ac.signal.aborted) sink.onFailure('audit', `The live audit feed stopped: ${describeError(err)}`);
    }
  })();
  return { stop: () => ac.abort(), done };
}

export interface FabricationWatch extends Watchers {
  /** An activity record from the live audit feed (the turn's tool calls). */
  call(record: Record<string, unknown>): void;
}

/**
 * Live fabrication warnings: new replies from the conversation archive and the
 * audit feed's tool calls meet in the antifab LiveScanner, which judges each
 * reply once its turn is complete.
 */
export interface FabricationWatchOptions {
  /**
   * Read the archive from this offset: a saved catch-up point, or its end when
   * the droplet was connected. Undefined: its end when the watch starts.
   */
  startOffset?: number | undefined;
  onOffset?: ((offset: number) => void) | undefined;
  onCaughtUp?: (() => void) | undefined;
}

export function startFabricationWatch(droplet: Droplet, sink: WatchSink, opts: FabricationWatchOptions = {}): FabricationWatch {
  let stopped = false;
  let call: (record: Record<string, unknown>) => void = () => {};
  let stopAll = () => {};
  background(
    (async () => {
      try {
        const [{ LiveScanner }, { ArchiveWatcher, excerptAround }, { toolCallOf }, { loadKeyring }] = await Promise.all([
          import('../antifab/live.js'),
          import('../antifab/archive-watch.js'),
          import('../antifab/records.js'),
          import('../vault/keyring.js'),
        ]);
        const startOffset = opts.startOffset;
        if (stopped) return;
        const contents = new Map<string, string>();
        const scanner = new LiveScanner({
          onWarning: (w) => {
            sink.onFabrication(w, excerptAround(contents.get(`${w.turn}\n${w.ts}`) ?? '', w.phrase));
          },
        });
        const watcher = new ArchiveWatcher(droplet, {
          loadKeyring: () => loadKeyring(droplet),
          ...(startOffset !== undefined ? { startOffset } : {}),
          ...(opts.onOffset ? { onOffset: opts.onOffset } : {}),
          ...(opts.onCaughtUp ? { onCaughtUp: opts.onCaughtUp } : {}),
          onError: (message) => sink.onFailure('fabrication', message),
          onMessage: (m) => {
            if (m.role === 'assistant' && m.content !== null) {
              contents.set(`${m.turn}\n${m.ts}`, m.content);
              // Bounded: replies are only needed until their turn is judged.
              if (contents.size > 2000) contents.delete(contents.keys().next().value as string);
            }
            scanner.message(m);
          },
        });
        call = (record) => {
          const c = toolCallOf(record);
          if (c) scanner.call(c);
        };
        stopAll = () => {
          watcher.stop();
          scanner.stop();
        };
        watcher.start();
      } catch (err) {
        if (!stopped) sink.onFailure('fabrication', `The fabrication watch could not start: ${describeError(err)}`);
      }
    })(),
    'session',
    'starting the fabrication watch',
  );
  return {
    call: (record) => call(record),
    stop() {
      stopped = true;
      stopAll();
    },
  };
}
