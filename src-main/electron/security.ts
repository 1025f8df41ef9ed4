/**
 * Every security setting of the desktop host, in one place for review.
 *
 * - Windows: contextIsolation, sandbox, no nodeIntegration, webSecurity on,
 *   no webviews, no remote module; the page gets only the preload's one
 *   named API object.
 * - Content: our own built files, served from the privileged `app://` scheme
 *   with this CSP as a response header (the page repeats it in a meta tag).
 * - One app-wide guard on `web-contents-created`: navigation always refused,
 *   window.open denied (allowlisted https links open in the OS browser),
 *   every permission request and check denied, <webview> refused.
 * - IPC: every handler checks that the sender frame is our own page
 *   (isTrustedSender) before the payload is even validated.
 *
 * Windows are made only by createSecureWindow (secure-window.ts), which spells
 * the same preferences out literally for static checkers; a test keeps them equal.
 */
import type { App, Session, WebContents, WebFrameMain, WebPreferences } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'stratam';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Links the app may open in the OS browser. Nothing else leaves the app. */
export const EXTERNAL_ALLOWLIST: readonly string[] = ['docs.stratam.us', 'stratam.us', 'github.com'];

export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    // Middle-click must not open links in new windows.
    disableBlinkFeatures: 'Auxclick',
  };
}

export function isAllowedExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && EXTERNAL_ALLOWLIST.includes(u.hostname);
  } catch {
    // Not a URL: never opened (fail closed).
    return false;
  }
}

/** Only our own top-level page may call the API: not a subframe, not another origin. */
export function isTrustedSender(frame: Pick<WebFrameMain, 'url' | 'parent'> | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const u = new URL(frame.url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN && u.pathname === '/index.html';
  } catch {
    // Not a URL: not our page, so the sender is refused (fail closed).
    return false;
  }
}

/** The CSP also as a response header on everything the default session loads. */
export function enforceCsp(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Install the one app-wide guard. Call once, before any window exists. */
export function installAppGuard(app: App, openExternal: (url: string) => void): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternal(url)) openExternal(url);
      return { action: 'deny' };
    });
    denyPermissions(contents.session);
  });
}
