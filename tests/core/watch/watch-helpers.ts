/**
 * Shared by the control-plane watch tests: a ControlWatch on the reference
 * droplet (real sshd) whose events are collected, and a wait for a matching
 * event with a deadline (a hang guard, not a timing assertion).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import type { SwitchReading } from '../../../src-main/core/controls/switch-state.js';
import { ControlWatch, type WatchEvent } from '../../../src-main/core/watch/control-watch.js';
import { startReferenceDroplet, type ReferenceDroplet, type ReferenceDropletOptions } from '../../helpers/reference-droplet.js';

export interface Watched {
  ref: ReferenceDroplet;
  droplet: SshDroplet;
  watch: ControlWatch;
  events: WatchEvent[];
  readings: SwitchReading[];
  /** Resolves with the first event (from now on, or already seen after `from`) matching `pred`. */
  next(pred: (e: WatchEvent) => boolean, from?: number, ms?: number): Promise<WatchEvent>;
}

export async function watched(t: TestContext, opts: { hold?: boolean; ref?: ReferenceDropletOptions; graceMs?: number } = {}): Promise<Watched> {
  const ref = await startReferenceDroplet(opts.ref ?? {});
  t.after(() => ref.teardown());
  const droplet = await SshDroplet.connect(ref.profile(), { reconnect: true });
  t.after(() => droplet.close());
  const events: WatchEvent[] = [];
  const readings: SwitchReading[] = [];
  const watch = new ControlWatch(droplet, {
    via: 'test',
    hold: opts.hold ?? false,
    graceMs: opts.graceMs ?? 1000,
    onEvent: (e) => events.push(e),
    onReading: (r) => readings.push(r),
  });
  t.after(async () => {
    watch.stop();
    await watch.done;
  });
  await watch.start();
  const next = async (pred: (e: WatchEvent) => boolean, from = events.length, ms = 15_000) => {
    const end = Date.now() + ms;
    for (;;) {
      const hit = events.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no matching watch event in ${ms} ms; saw: ${JSON.stringify(events.slice(from).map((e) => `${e.kind} ${e.detail}`))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ref, droplet, watch, events, readings, next };
}

/** Edit the droplet's .env the way a hostile agent would: sed -i (a rename from sed's own temp file). */
export function sedEnv(ref: ReferenceDroplet, expr: string): void {
  execFileSync('sed', ['-i', expr, ref.envPath]);
}

/** What python-dotenv (the agent's loader) reads for a key of the droplet's .env. */
export function agentReads(ref: ReferenceDroplet, key: string): string | null {
  const out = execFileSync('/usr/bin/python3', ['-c', JUDGE, ref.envPath, key], { encoding: 'utf8' });
  return JSON.parse(out) as string | null;
}

const run = promisify(execFile);
const JUDGE = 'import sys, json; from dotenv import dotenv_values; print(json.dumps(dotenv_values(sys.argv[1]).get(sys.argv[2])))';

/**
 * agentReads without blocking the event loop: a test that hosts the app's
 * session in its own process must never stall it with a synchronous child.
 */
export async function agentReadsAsync(ref: ReferenceDroplet, key: string): Promise<string | null> {
  const { stdout } = await run('/usr/bin/python3', ['-c', JUDGE, ref.envPath, key], { encoding: 'utf8' });
  return JSON.parse(stdout) as string | null;
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
