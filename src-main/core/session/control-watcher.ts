/**
 * The session's control-plane watch for one droplet: the core's ControlWatch,
 * started lazily (its module is loaded on first use); alerts.ts turns its
 * events into what the faces show.
 * A failure to start is reported, never swallowed, and never stops the
 * connection: pause must keep working when the watch does not.
 */
import type { SwitchReading } from '../controls/switch-state.js';
import type { Droplet } from '../droplet/droplet.js';
import { describeError } from '../errors.js';
import type { WatchEvent } from '../watch/control-watch.js';
import { background } from '../log/logger.js';

export interface ControlSink {
  onEvent(e: WatchEvent): void;
  onReading(r: SwitchReading): void;
  onHolding(): void;
  onFailure(message: string): void;
}

export interface ControlHandle {
  stop(): void;
  setHold(on: boolean): void;
  /** Hold-pause is holding a pause in place right now. */
  readonly holding: boolean;
}

export function startControlWatch(droplet: Droplet, sink: ControlSink, opts: { via: string; hold: boolean }): ControlHandle {
  let stopped = false;
  let hold = opts.hold;
  let watch: import('../watch/control-watch.js').ControlWatch | null = null;
  background(
    (async () => {
      try {
        const { ControlWatch } = await import('../watch/control-watch.js');
        if (stopped) return;
        watch = new ControlWatch(droplet, { via: opts.via, hold, onEvent: (e) => sink.onEvent(e), onReading: (r) => sink.onReading(r), onHolding: () => sink.onHolding() });
        await watch.start();
        if (stopped) watch.stop();
      } catch (err) {
        if (!stopped) sink.onFailure(`The control-plane watch could not start: ${describeError(err)}`);
      }
    })(),
    'session',
    'starting the control-plane watch',
  );
  return {
    stop() {
      stopped = true;
      watch?.stop();
    },
    setHold(on) {
      hold = on;
      watch?.setHold(on);
    },
    get holding() {
      return watch?.holding ?? false;
    },
  };
}
