/**
 * The droplet's public edge, as a stranger on the internet sees it: TLS
 * certificate lifetime, HSTS, plain HTTP redirecting to HTTPS, and the
 * activity API taking its token only in the Authorization header (a `?key=`
 * in a URL ends up in proxy logs and browser history).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { reportError } from '../log/logger.js';

export interface EdgeOptions {
  url: string;
  /** Extra CA certificate (PEM) to trust, e.g. a staging or internal CA. */
  ca?: Buffer | undefined;
  /** Port for the plain-HTTP redirect check (default 80). */
  httpPort?: number | undefined;
  /** A real activity-API token, to prove Bearer is accepted and ?key= refused. Never printed. */
  token?: string | undefined;
  timeoutMs?: number;
}

export interface EdgeReport {
  url: string;
  tls: { trusted: boolean; error: string | null; daysLeft: number | null; validTo: string | null };
  hsts: string | null;
  httpRedirect: { status: number | null; location: string | null; ok: boolean };
  activity: { queryKeyStatus: number | null; queryKeyRefused: boolean; bearerStatus: number | null; bearerAccepted: boolean | null };
}

const ACTIVITY_PATH = '/api/jarvis/activity';

async function tlsFacts(u: URL, ca: Buffer | undefined, timeoutMs: number): Promise<EdgeReport['tls']> {
  const probe = (verify: boolean) =>
    new Promise<{ validTo: string; error: string | null }>((resolve, reject) => {
      const s = tlsConnect({ host: u.hostname, port: Number(u.port || 443), servername: u.hostname, ...(ca ? { ca } : {}), rejectUnauthorized: verify, timeout: timeoutMs }, () => {
        const cert = s.getPeerCertificate();
        const error = s.authorized ? null : String(s.authorizationError ?? 'untrusted');
        s.end();
        resolve({ validTo: cert.valid_to, error });
      });
      s.once('timeout', () => s.destroy(new Error('timed out')));
      s.once('error', reject);
    });
  try {
    const r = await probe(true);
    return { trusted: true, error: null, validTo: new Date(r.validTo).toISOString(), daysLeft: Math.floor((Date.parse(r.validTo) - Date.now()) / 86_400_000) };
  } catch (err) {
    // Still report the lifetime of the untrusted certificate, so the user sees both problems at once.
    const r = await probe(false).catch(noteEdgeFailure);
    return {
      trusted: false,
      error: (err as Error).message,
      validTo: r ? new Date(r.validTo).toISOString() : null,
      daysLeft: r ? Math.floor((Date.parse(r.validTo) - Date.now()) / 86_400_000) : null,
    };
  }
}

function get(url: URL, opts: { ca?: Buffer | undefined; headers?: Record<string, string>; timeoutMs: number }): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const fn = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = fn(url, { method: 'GET', headers: opts.headers ?? {}, ...(opts.ca ? { ca: opts.ca } : {}), timeout: opts.timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', reject);
    req.end();
  });
}

export async function checkEdge(opts: EdgeOptions): Promise<EdgeReport> {
  const u = new URL(opts.url);
  if (u.protocol !== 'https:') throw new Error(`The edge URL must be https:// (got ${u.protocol}).`);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const tls = await tlsFacts(u, opts.ca, timeoutMs);
  const home = await get(new URL('/', u), { ca: opts.ca, timeoutMs }).catch(noteEdgeFailure);
  const hsts = (home?.headers['strict-transport-security'] as string | undefined) ?? null;

  const plain = new URL('/', u);
  plain.protocol = 'http:';
  plain.port = String(opts.httpPort ?? 80);
  const redir = await get(plain, { timeoutMs }).catch(noteEdgeFailure);
  const location = (redir?.headers.location as string | undefined) ?? null;
  const httpRedirect = { status: redir?.status ?? null, location, ok: !!redir && [301, 302, 307, 308].includes(redir.status) && !!location && location.startsWith('https://') };

  const probeToken = opts.token ?? 'stratam-doctor-probe';
  const withKey = new URL(ACTIVITY_PATH, u);
  withKey.searchParams.set('key', probeToken);
  const q = await get(withKey, { ca: opts.ca, timeoutMs }).catch(noteEdgeFailure);
  const queryKeyRefused = !!q && q.status >= 400 && q.status < 500;
  let bearerStatus: number | null = null;
  let bearerAccepted: boolean | null = null;
  if (opts.token !== undefined) {
    const b = await get(new URL(ACTIVITY_PATH, u), { ca: opts.ca, timeoutMs, headers: { Authorization: `Bearer ${opts.token}` } }).catch(noteEdgeFailure);
    bearerStatus = b?.status ?? null;
    bearerAccepted = !!b && b.status >= 200 && b.status < 300;
  }
  return { url: u.origin, tls, hsts, httpRedirect, activity: { queryKeyStatus: q?.status ?? null, queryKeyRefused, bearerStatus, bearerAccepted } };
}

/** A probe of the edge that failed is reported by the check that needs it; the cause goes to the log. */
function noteEdgeFailure(err: unknown): null {
  reportError('doctor', err, 'probing the TLS edge');
  return null;
}
