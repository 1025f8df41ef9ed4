/**
 * Runs callbacks strictly in the order they were added, where some first wait
 * for a promise (a scan worker's result): a later op never overtakes an
 * earlier one, so records, diagnostics and rotation notices reach the reader
 * in the order the follower sent them. An op added while nothing waits runs
 * at once, synchronously: the live tail's path gains no turn of the event
 * loop.
 */
interface Op {
  ready: boolean;
  run: () => void;
  bytes: number;
}

export class OrderedOps {
  private q: Op[] = [];
  private idle: Array<() => void> = [];
  /** Bytes held by ops still waiting (for backpressure). */
  pendingBytes = 0;

  constructor(
    /** An op threw: the ops after it are dropped (see clear) and the caller decides what follows. */
    private readonly onError: (e: unknown) => void,
    /** Called after waiting ops ran, so the caller can resume a paused source. */
    private readonly onProgress: () => void = () => undefined,
  ) {}

  get waiting(): boolean {
    return this.q.length > 0;
  }

  add(run: () => void): void {
    if (this.q.length === 0) run();
    else this.q.push({ ready: true, run, bytes: 0 });
  }

  addAsync<T>(p: Promise<T>, bytes: number, run: (v: T) => void): void {
    const op: Op = { ready: false, run: () => undefined, bytes };
    this.pendingBytes += bytes;
    this.q.push(op);
    p.then(
      (v) => this.settle(op, () => run(v)),
      (e: unknown) =>
        this.settle(op, () => {
          throw e;
        }),
    );
  }

  private settle(op: Op, run: () => void): void {
    op.run = run;
    op.ready = true;
    if (this.q[0] !== op) return; // an earlier op still waits (or this one was cleared)
    while (this.q[0]?.ready) {
      const head = this.q.shift() as Op;
      this.pendingBytes -= head.bytes;
      try {
        head.run();
      } catch (err) {
        this.clear();
        this.onError(err);
      }
    }
    this.onProgress();
    if (this.q.length === 0) this.wake();
  }

  /** Resolves once every op added so far has run (or was cleared). */
  drained(): Promise<void> {
    return this.q.length === 0 ? Promise.resolve() : new Promise((r) => this.idle.push(r));
  }

  /** Drop every op not yet run; their promises' results are ignored. */
  clear(): void {
    this.q = [];
    this.pendingBytes = 0;
    this.wake();
  }

  private wake(): void {
    const w = this.idle;
    this.idle = [];
    for (const f of w) f();
  }
}
