/**
 * The browser harness (development and tests only; never packaged): the real
 * session and the SAME IPC handlers the Electron host binds, exposed on a
 * loopback-only HTTP server guarded by a random token, plus the built
 * renderer as static files.
 *
 *   POST /api/call/<channel>  body: the channel's args as JSON → the handler's envelope
 *   GET  /api/events          newline-delimited JSON {event, payload}, held open
 *   GET  /api/channels        the channel names this host serves
 *
 * Every /api request needs `Authorization: Bearer <token>`; the page gets the
 * token from its URL fragment, which browsers never send to a server. The
 * Host header must name the loopback address we bound (a DNS-rebinding page
 * cannot pass), and a cross-origin Origin is refused.
 *
 * Test knobs (read only here, never by the app): STRATAM_HARNESS_AUDIT_QUERY_DELAY_MS
 * holds every auditQuery answer that long (a slow history read on a busy
 * machine, by hand), and `holdAuditQuery()` holds them until the test
 * releases them (the same, in a test, with no clock in it).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { DropletProfile } from '../../src-main/core/config/profile.js';
import { Session, type SessionOptions } from '../../src-main/core/session/session.js';
import { CHANNEL_NAMES, isChannelName } from '../../src-main/ipc/channel-names.js';
import { bridgeEvents } from '../../src-main/ipc/event-bridge.js';
import type { PushedEvent } from '../../src-main/ipc/events.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';

export interface HarnessOptions {
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  stateDir: string;
  /** Profiles to save before the page opens (the page connects them). */
  profiles?: DropletProfile[];
  port?: number;
  session?: Partial<SessionOptions>;
  /** Hold every auditQuery answer this long (default: STRATAM_HARNESS_AUDIT_QUERY_DELAY_MS, else 0). */
  auditQueryDelayMs?: number;
}

/** auditQuery answers held until release(); `arrived` settles when the first request comes in. */
export interface AuditQueryHold {
  arrived: Promise<void>;
  release(): void;
}

export interface Harness {
  url: string;
  port: number;
  token: string;
  session: Session;
  /** Pages holding the event stream open now. */
  readonly eventStreams: number;
  /** Test knob: hold auditQuery answers (computed, not yet sent) until release(). */
  holdAuditQuery(): AuditQueryHold;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const root = resolve(opts.rendererDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`No built renderer in ${root}. Build it first: npm run build (or vite build --config src-renderer/vite.config.ts).`);
  }
  const session = new Session({ stateDir: opts.stateDir, via: 'ui', ...opts.session });
  for (const p of opts.profiles ?? []) await session.profiles.save(p);
  const handlers = createHandlers(session);
  const token = randomBytes(24).toString('base64url');
  const tokenBuf = Buffer.from(`Bearer ${token}`);
  const streams = new Set<ServerResponse>();
  let port = 0;
  const delayMs = opts.auditQueryDelayMs ?? Number(process.env.STRATAM_HARNESS_AUDIT_QUERY_DELAY_MS ?? 0);
  let hold: { arrived: () => void; released: Promise<void> } | null = null;
  /** Test knobs only: an auditQuery answer waits here before it is sent. */
  const holdAnswer = (channel: string): (() => Promise<void>) => {
    if (channel !== 'auditQuery') return async () => {};
    const h = hold;
    h?.arrived();
    return async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      if (h) await h.released;
    };
  };

  const stopBridge = bridgeEvents(session, (e: PushedEvent) => {
    const line = `${JSON.stringify(e)}\n`;
    for (const res of streams) res.write(line);
  });

  const authorized = (req: IncomingMessage): boolean => {
    const h = Buffer.from(req.headers.authorization ?? '');
    return h.length === tokenBuf.length && timingSafeEqual(h, tokenBuf);
  };
  const sameHost = (req: IncomingMessage): boolean => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return false;
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${host}`;
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!sameHost(req)) return json(res, 403, { error: 'Wrong Host or Origin: the harness only answers its own loopback page.' });
      if (url.pathname.startsWith('/api/')) {
        if (!authorized(req)) return json(res, 401, { error: 'Missing or wrong token: open the URL the harness printed.' });
        if (req.method === 'GET' && url.pathname === '/api/channels') return json(res, 200, { channels: CHANNEL_NAMES });
        if (req.method === 'GET' && url.pathname === '/api/events') {
          res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
          res.write('\n');
          streams.add(res);
          const beat = setInterval(() => res.write('\n'), 15_000);
          req.on('close', () => {
            clearInterval(beat);
            streams.delete(res);
          });
          return;
        }
        const m = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname);
        if (req.method === 'POST' && m && isChannelName(m[1]!)) {
          let body: unknown;
          try {
            body = JSON.parse(await readBody(req));
          } catch (err) {
            return json(res, 200, { error: { kind: 'usage', message: `The request body is not JSON (${(err as Error).message}).`, hint: null } });
          }
          const handler = handlers[m[1]!] as (raw: unknown) => Promise<unknown>;
          const held = holdAnswer(m[1]!);
          const answer = await handler(body);
          await held();
          return json(res, 200, answer);
        }
        return json(res, 404, { error: 'No such API route.' });
      }
      if (req.method !== 'GET') return json(res, 405, { error: 'Method not allowed.' });
      serveStatic(root, url.pathname, res);
    })().catch((err: Error) => {
      if (!res.headersSent) json(res, 500, { error: err.message });
      else res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    token,
    session,
    get eventStreams() {
      return streams.size;
    },
    holdAuditQuery() {
      let arrived!: () => void;
      let release!: () => void;
      const first = new Promise<void>((r) => (arrived = r));
      const released = new Promise<void>((r) => (release = r));
      hold = { arrived, released };
      return {
        arrived: first,
        release: () => {
          hold = null;
          release();
        },
      };
    },
    async close() {
      stopBridge();
      for (const res of streams) res.end();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await session.close();
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(new Error('body over 1 MiB'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8') || '{}'));
    req.on('error', fail);
  });
}

function serveStatic(root: string, pathname: string, res: ServerResponse): void {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '/';
  }
  const file = resolve(root, `.${rel === '/' ? '/index.html' : rel}`);
  if ((file !== root && !file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(readFileSync(file));
}
