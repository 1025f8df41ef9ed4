/**
 * A stand-in for the droplet's edge: Debian's caddy on loopback with
 * `tls internal` (its own local CA), HSTS, an HTTP→HTTPS redirect and a tiny
 * /api/jarvis/activity that accepts only `Authorization: Bearer <token>` and
 * refuses a `?key=` parameter. `secure: false` serves a bad edge instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './reference-droplet.js';

export interface CaddyEdge {
  url: string;
  httpPort: number;
  token: string;
  ca: Buffer;
  stop(): Promise<void>;
}

export async function startCaddyEdge(opts: { secure?: boolean } = {}): Promise<CaddyEdge> {
  const secure = opts.secure ?? true;
  const dir = mkdtempSync(join(tmpdir(), 'stratam-caddy-'));
  const httpPort = await freePort();
  const httpsPort = await freePort();
  const token = 'edge-test-token-123';
  const caddyfile = `{
  admin off
  http_port ${httpPort}
  https_port ${httpsPort}
  skip_install_trust
  ${secure ? '' : 'auto_https disable_redirects'}
  storage file_system ${join(dir, 'data')}
}
localhost {
  tls internal
  ${secure ? 'header Strict-Transport-Security "max-age=31536000"' : ''}
  route /api/jarvis/activity {
    ${secure ? '@key query key=*\n    respond @key "tokens in URLs are refused" 400' : '@key query key=' + token + '\n    respond @key "[]" 200'}
    @bearer header Authorization "Bearer ${token}"
    respond @bearer "[]" 200
    respond "unauthorized" 401
  }
  respond "ok" 200
}
`;
  writeFileSync(join(dir, 'Caddyfile'), caddyfile);
  const proc: ChildProcess = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'xdg-data'), XDG_CONFIG_HOME: join(dir, 'xdg-config') },
  });
  let log = '';
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const stop = async () => {
    if (proc.exitCode === null) {
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await done;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const caPath = join(dir, 'data', 'pki', 'authorities', 'local', 'root.crt');
  const deadline = Date.now() + 20_000;
  while (!(existsSync(caPath) && (await listening(httpsPort)))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`caddy did not start: ${log.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `https://localhost:${httpsPort}`, httpPort, token, ca: readFileSync(caPath), stop };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
