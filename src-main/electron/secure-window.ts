/** Windows are made here only. See security.ts for why each setting is what it is. */
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';

/**
 * The only place a window is made. The options are written out literally
 * (the same as security.ts webPreferences()) so static checkers such as
 * electronegativity see them; a test keeps the two equal.
 */
export function createSecureWindow(preload: string, opts: Omit<BrowserWindowConstructorOptions, 'webPreferences'>): BrowserWindow {
  return new BrowserWindow({
    ...opts,
    webPreferences: {
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
      disableBlinkFeatures: 'Auxclick',
      // Removed from Electron long ago (so absent from its types); stated so no reviewer has to wonder.
      // @ts-expect-error enableRemoteModule is not in Electron 45's WebPreferences
      enableRemoteModule: false,
    },
  });
}
