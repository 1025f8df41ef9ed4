/**
 * The boot test's side: builds the real Electron bundle (scripts/build.mjs
 * --only electron) into a temp folder laid out like the packaged app
 * (dist/electron, dist/assets, node_modules beside dist), and boots it in a
 * child process with the electron double (boot-child.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { IPC_PREFIX } from '../../src-main/ipc/channel-names.js';
import { repoRoot } from '../helpers/repo-root.js';
import type { ChildEvent, ChildReply, Request } from './boot-protocol.js';
import type { Snapshot } from './electron-double.js';

export interface BuiltApp {
  dir: string;
  main: string;
  double: string;
  remove(): void;
}

export async function buildApp(): Promise<BuiltApp> {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'stratam-electron-'));
  // The packaged app finds its external packages (WASM grammars) in node_modules above dist.
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  await promisify(execFile)(process.execPath, ['scripts/build.mjs', '--only', 'electron', '--out', join(dir, 'dist')], { cwd: root });
  const double = join(dir, 'electron-double.cjs');
  await build({ entryPoints: [join(root, 'tests/electron/electron-double.ts')], outfile: double, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'warning' });
  return { dir, main: join(dir, 'dist', 'electron', 'main.cjs'), double, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Poll until cond holds; the message names what never happened. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class BootedApp {
  /** Everything the child reported on its own: unhandled rejections, warnings, quit, open resources. */
  readonly events: ChildEvent[] = [];
  output = '';
  private nextId = 1;
  private readonly waiting = new Map<number, { ok(v: unknown): void; fail(e: Error): void }>();
  readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.on('message', (m: ChildEvent | ChildReply) => {
      if ('id' in m) {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.ok) w?.ok(m.result);
        else w?.fail(new Error(m.error));
      } else this.events.push(m);
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const w of this.waiting.values()) w.fail(new Error(`The app exited (${code}) before answering.\n${this.output}`));
        this.waiting.clear();
        resolve(code);
      }),
    );
  }

  /** Load the bundle (it runs up to app.whenReady()). */
  static async start(app: BuiltApp, env: Record<string, string>, entry = app.main): Promise<BootedApp> {
    const childJs = fileURLToPath(new URL('./boot-child.js', import.meta.url));
    const child = spawn(process.execPath, [childJs, entry, app.double], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const booted = new BootedApp(child);
    await booted.until('the bundle loaded', () => booted.events.some((e) => e.event === 'loaded' || e.event === 'load-failed'));
    const failed = booted.events.find((e) => e.event === 'load-failed');
    if (failed && 'message' in failed) throw new Error(`The bundle did not load:\n${failed.message}`);
    return booted;
  }

  send(r: Request): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((ok, fail) => {
      this.waiting.set(id, { ok, fail });
      this.child.send({ ...r, id });
    });
  }

  snapshot(): Promise<Snapshot & { required: string[] }> {
    return this.send({ op: 'snapshot' }) as Promise<Snapshot & { required: string[] }>;
  }

  /** Call a channel as the dashboard page would; returns its envelope. */
  invoke<T = unknown>(channel: string, args: unknown = {}): Promise<{ result?: T; error?: { kind: string; message: string } }> {
    return this.send({ op: 'invoke', channel: `${IPC_PREFIX}${channel}`, args }) as Promise<{ result?: T; error?: { kind: string; message: string } }>;
  }

  unhandled(): string[] {
    return this.events.flatMap((e) => (e.event === 'unhandled' ? [e.message] : []));
  }

  /** Poll until cond holds (a snapshot is cheap); the message names what never happened. */
  async until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await cond())) {
      if (this.child.exitCode !== null) throw new Error(`The app exited (${this.child.exitCode}) while waiting for ${what}.\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.\nEvents: ${JSON.stringify(this.events)}\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async snapshotUntil(what: string, cond: (s: Snapshot) => boolean, timeoutMs?: number): Promise<Snapshot & { required: string[] }> {
    let last: (Snapshot & { required: string[] }) | null = null;
    await this.until(what, async () => cond((last = await this.snapshot())), timeoutMs);
    return last!;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}
