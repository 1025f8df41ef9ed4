/**
 * The page's own origin: `app://stratam/…` serves files from the built
 * renderer folder and nothing else. A path that escapes the folder (.., an
 * encoded slash, a symlink target outside) is a 404. Every response carries
 * the CSP header.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Must run before app 'ready'. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export async function resolveAppFile(root: string, url: string): Promise<string | null> {
  const u = new URL(url);
  if (u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    // A malformed escape is not a file we serve: refused (a 404), never guessed at.
    return null;
  }
  if (rel.includes('\0') || rel.split('/').includes('..') || rel.includes('\\')) return null;
  const base = await realpath(root);
  try {
    const file = await realpath(join(base, rel === '/' ? 'index.html' : rel));
    return file.startsWith(base + sep) ? file : null;
  } catch {
    // No such file (or a link out of the bundle that cannot be resolved): a 404.
    return null;
  }
}

export function serveApp(protocol: Protocol, root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = await resolveAppFile(root, request.url);
    if (!file) return new Response('Not found', { status: 404, headers: { 'content-security-policy': CONTENT_SECURITY_POLICY } });
    const body = await readFile(file);
    return new Response(body, {
      headers: {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
