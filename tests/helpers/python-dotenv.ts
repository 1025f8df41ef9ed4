/**
 * The judge: Debian's python3-dotenv, the contract's reference for how the
 * agent reads .env. One /usr/bin/python3 process (never the python3 first on
 * PATH, which may be another interpreter without or with another dotenv)
 * answers many files: each request is a JSON line with the file's bytes in
 * base64 and the environment to give the agent; the judge writes the bytes to
 * a real file and calls dotenv_values(path), exactly as the agent does with a
 * path (utf-8 strict, universal newlines, interpolate=True). The answer is the
 * dict in order (None as null), or the exception, and the lines python-dotenv
 * warned it could not parse.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export const PYTHON = '/usr/bin/python3';
export const EXPECTED_DOTENV = { version: '0.21.0', dir: '/usr/lib/python3/dist-packages/dotenv' };

const SCRIPT = String.raw`
import base64, json, logging, os, sys, tempfile
import dotenv
from dotenv import dotenv_values
from dotenv.version import __version__

warned = []
class Catch(logging.Handler):
    def emit(self, record):
        warned.append(record.args[0] if record.args else record.getMessage())
log = logging.getLogger('dotenv.main')
log.addHandler(Catch())
log.propagate = False
log.setLevel(logging.WARNING)

# tmpfs when there is one: a rewrite per file on a disk costs more than the parse itself.
folder = tempfile.mkdtemp(prefix='stratam-judge-', dir='/dev/shm' if os.path.isdir('/dev/shm') else None)
path = os.path.join(folder, '.env')
out = sys.stdout
out.write(json.dumps({'hello': __version__, 'file': os.path.dirname(dotenv.__file__)}) + '\n')
out.flush()
try:
    for line in sys.stdin:
        req = json.loads(line)
        with open(path, 'wb') as f:
            f.write(base64.b64decode(req['b64']))
        os.environ.clear()
        os.environ.update(req.get('env') or {})
        del warned[:]
        try:
            values = dotenv_values(path)
            res = {'id': req['id'], 'values': [[k, v] for k, v in values.items()], 'error': None}
        except Exception as e:
            res = {'id': req['id'], 'values': None, 'error': type(e).__name__}
        res['warned'] = list(warned)
        out.write(json.dumps(res) + '\n')
        out.flush()
finally:
    if os.path.exists(path):
        os.unlink(path)
    os.rmdir(folder)
`;

export interface JudgeAnswer {
  /** dotenv_values() in order, null for None; null when it raised. */
  dict: Map<string, string | null> | null;
  /** The exception's class name when it raised (UnicodeDecodeError for bytes that are not UTF-8). */
  error: string | null;
  /** The lines python-dotenv warned it could not parse (its statement start lines). */
  warned: number[];
}

export interface JudgeRequest {
  bytes: Uint8Array;
  /** The agent's environment; empty when absent. */
  env?: Record<string, string>;
}

interface Raw {
  id?: number;
  hello?: string;
  file?: string;
  values?: Array<[string, string | null]> | null;
  error?: string | null;
  warned?: number[];
}

export class PythonDotenv {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, { resolve: (a: JudgeAnswer) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stderr = '';
  private dead: Error | null = null;
  private readonly ready: Promise<void>;

  private constructor() {
    this.child = spawn(PYTHON, ['-I', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString()).slice(-4000)));
    let hello: (v: void) => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    this.ready = new Promise((res, rej) => {
      hello = res;
      fail = rej;
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let m: Raw;
      try {
        m = JSON.parse(line) as Raw;
      } catch {
        this.die(new Error(`The python-dotenv judge wrote a line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`));
        return;
      }
      if (m.hello !== undefined) {
        if (m.hello !== EXPECTED_DOTENV.version || m.file !== EXPECTED_DOTENV.dir) {
          fail(new Error(`The judge must be Debian's python3-dotenv ${EXPECTED_DOTENV.version} in ${EXPECTED_DOTENV.dir}; ${PYTHON} has ${m.hello} in ${m.file}.`));
        } else hello();
        return;
      }
      const p = this.pending.get(m.id!);
      if (!p) return;
      this.pending.delete(m.id!);
      p.resolve({ dict: m.values ? new Map(m.values) : null, error: m.error ?? null, warned: m.warned ?? [] });
    });
    this.child.once('error', (err) => this.die(err));
    // A judge that died mid-batch makes writes fail with EPIPE: that is reported through the pending reads.
    this.child.stdin.on('error', (err) => this.die(err));
    this.child.once('exit', (code, signal) => {
      this.die(new Error(`${PYTHON} (the python-dotenv judge) exited with ${code ?? signal}; stderr: ${this.stderr || '(empty)'}. Is python3-dotenv installed (apt-get install python3-dotenv)?`));
      fail(this.dead!);
    });
  }

  private die(err: Error): void {
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(this.dead);
    this.pending.clear();
  }

  /** Start the judge and check it is the reference version. */
  static async start(): Promise<PythonDotenv> {
    const j = new PythonDotenv();
    await j.ready;
    return j;
  }

  /** dotenv_values() of each file, in order. */
  read(requests: readonly JudgeRequest[]): Promise<JudgeAnswer[]> {
    if (this.dead) return Promise.reject(this.dead);
    return Promise.all(
      requests.map(
        (r) =>
          new Promise<JudgeAnswer>((resolve, reject) => {
            const id = this.nextId++;
            this.pending.set(id, { resolve, reject });
            this.child.stdin.write(`${JSON.stringify({ id, b64: Buffer.from(r.bytes).toString('base64'), env: r.env ?? {} })}\n`);
          }),
      ),
    );
  }

  async readOne(bytes: Uint8Array | string, env?: Record<string, string>): Promise<JudgeAnswer> {
    const [a] = await this.read([{ bytes: typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes, ...(env ? { env } : {}) }]);
    return a!;
  }

  /** End the process (its temp folder is removed by the script itself). */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.end();
    await exited;
  }
}
