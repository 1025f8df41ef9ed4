/**
 * `sandbox run`: code in an ephemeral sibling container with the contract's
 * flags (no network, read-only root, 128 MiB) plus AutoRemove, every
 * capability dropped, no-new-privileges, a pids limit and a tmpfs /tmp (the
 * only writable place). Output is streamed; the timeout kills the container;
 * the exit code is passed through. The container is removed on every path:
 * AutoRemove covers normal exits, and a forced remove runs in `finally` for
 * timeouts, Ctrl-C (the abort signal) and errors.
 */
import type { Droplet } from '../droplet/droplet.js';
import { StratamError } from '../errors.js';
import { dockerFor, isNotFound } from '../docker/docker-client.js';
import { withReceipt } from '../receipts/receipts.js';
import { SANDBOX_LABEL, SANDBOX_MEMORY, SANDBOX_ROLE } from './sandbox-policy.js';
import { background, reportError } from '../log/logger.js';

export const SANDBOX_PIDS_LIMIT = 128;

export interface SandboxRunOptions {
  image?: string;
  cmd: string[];
  timeoutSec?: number;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  signal?: AbortSignal;
  via?: string;
  /** Docker volumes to mount read-only (volume name → path in the container). */
  readOnlyVolumes?: Record<string, string>;
}

export interface SandboxRunResult {
  exitCode: number;
  timedOut: boolean;
  aborted: boolean;
  containerId: string;
  image: string;
  elapsedMs: number;
}

export function sandboxCreateOptions(image: string, cmd: string[], readOnlyVolumes: Record<string, string> = {}) {
  return {
    Image: image,
    Cmd: cmd,
    Labels: { [SANDBOX_LABEL]: SANDBOX_ROLE },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    NetworkDisabled: true,
    WorkingDir: '/tmp',
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Memory: SANDBOX_MEMORY,
      // No swap on top of the 128 MiB.
      MemorySwap: SANDBOX_MEMORY,
      AutoRemove: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: SANDBOX_PIDS_LIMIT,
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
      Binds: Object.entries(readOnlyVolumes).map(([volume, path]) => `${volume}:${path}:ro`),
    },
  };
}

/** Docker's multiplexed attach stream: 8-byte headers (stream id, length). */
function demux(stream: NodeJS.ReadableStream, out: (c: Buffer) => void, err: (c: Buffer) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  stream.on('data', (c: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, c]) : c;
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      const payload = buf.subarray(8, 8 + len);
      if (buf[0] === 2) err(payload);
      else out(payload);
      buf = buf.subarray(8 + len);
    }
  });
}

/**
 * Remove the container and wait until Docker no longer knows it. AutoRemove
 * runs asynchronously after exit; a forced remove during it answers 409
 * "removal in progress", so we poll for the 404 rather than trust one call.
 */
async function ensureGone(container: { remove(o: object): Promise<unknown>; inspect(): Promise<unknown> }): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    // A remove that fails is tried again until the deadline; inspect below says whether it is gone.
    await container.remove({ force: true }).catch((err: unknown) => reportError('sandbox', err, 'removing a sandbox container'));
    try {
      await container.inspect();
    } catch (err) {
      if (isNotFound(err)) return;
    }
    if (Date.now() > deadline) {
      throw new StratamError('failed', 'The sandbox container could not be confirmed removed.', { hint: 'Run `stratam sandbox check` and remove it with `docker rm -f` on the droplet.' });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function sandboxRun(droplet: Droplet, opts: SandboxRunOptions): Promise<SandboxRunResult> {
  if (opts.cmd.length === 0) throw new StratamError('usage', 'sandbox run needs a command after `--`.', { hint: 'Example: stratam sandbox run -- python3 -c "print(1)"' });
  if (opts.timeoutSec !== undefined && !(opts.timeoutSec > 0)) throw new StratamError('usage', `--timeout must be a positive number of seconds, not ${opts.timeoutSec}.`);
  const image = opts.image ?? droplet.paths.sandboxImage;
  const { docker } = dockerFor(droplet);
  const args = { image, cmd: opts.cmd, timeout_s: opts.timeoutSec ?? null, via: opts.via ?? 'cli', ...(opts.readOnlyVolumes ? { volumes: opts.readOnlyVolumes } : {}) };
  return withReceipt(
    droplet,
    'sandbox_run',
    args,
    async () => {
      const started = performance.now();
      let container;
      try {
        container = await docker.createContainer(sandboxCreateOptions(image, opts.cmd, opts.readOnlyVolumes));
      } catch (err) {
        if (isNotFound(err)) throw new StratamError('failed', `The sandbox image ${image} is not on the droplet.`, { hint: 'Build or pull it on the droplet, or pass --image.' });
        throw err;
      }
      let timedOut = false;
      let aborted = false;
      let timer: NodeJS.Timeout | null = null;
      const kill = () => container.remove({ force: true }).catch((err: unknown) => reportError('sandbox', err, 'removing a timed-out sandbox container'));
      const onAbort = () => {
        aborted = true;
        background(kill(), 'sandbox', 'removing an aborted sandbox container');
      };
      try {
        // Attach before start so no early output is lost.
        const stream = await container.attach({ stream: true, stdout: true, stderr: true });
        demux(
          stream,
          (c) => opts.onStdout?.(c),
          (c) => opts.onStderr?.(c),
        );
        const streamDone = new Promise<void>((resolve) => {
          stream.on('end', resolve);
          stream.on('close', resolve);
          stream.on('error', () => resolve());
        });
        const waited = container.wait({ condition: 'next-exit' } as never);
        if (opts.signal?.aborted) throw new StratamError('failed', 'Cancelled before the sandbox started.');
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        await container.start();
        if (opts.timeoutSec !== undefined) {
          timer = setTimeout(() => {
            timedOut = true;
            background(kill(), 'sandbox', 'removing a timed-out sandbox container');
          }, opts.timeoutSec * 1000);
        }
        let exitCode: number;
        try {
          exitCode = ((await waited) as unknown as { StatusCode: number }).StatusCode;
        } catch (err) {
          // A forced remove ends the wait with an error; that is our own kill.
          if (!timedOut && !aborted) throw err;
          exitCode = 137;
        }
        await Promise.race([streamDone, new Promise((r) => setTimeout(r, 2000))]);
        if (timedOut) exitCode = 124; // the timeout(1) convention
        if (aborted) exitCode = 130; // 128 + SIGINT
        return { exitCode, timedOut, aborted, containerId: container.id, image, elapsedMs: Math.round(performance.now() - started) };
      } finally {
        if (timer) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        await ensureGone(container);
      }
    },
    (r) => ({ exit_code: r.exitCode, timed_out: r.timedOut, aborted: r.aborted, container: r.containerId.slice(0, 12) }),
  );
}
