/**
 * Binds the transport-free handlers to ipcMain. The sender frame is checked
 * first: a request from any frame other than our own top-level page gets a
 * refusal and the handler never runs.
 */
import type { BrowserWindow, IpcMain } from 'electron';
import type { Session } from '../core/session/session.js';
import { CHANNEL_NAMES, EVENT_CHANNEL, IPC_PREFIX } from '../ipc/channel-names.js';
import { bridgeEvents } from '../ipc/event-bridge.js';
import { createHandlers } from '../ipc/handlers.js';
import type { HostServices } from '../ipc/host-services.js';
import { isTrustedSender } from './security.js';

export function bindIpc(ipcMain: IpcMain, session: Session, windows: () => BrowserWindow[], host: HostServices = {}): () => void {
  const handlers = createHandlers(session, host);
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(`${IPC_PREFIX}${name}`, (event, args: unknown) => {
      if (!isTrustedSender(event.senderFrame)) {
        return { error: { kind: 'refused', message: 'This request did not come from the Stratam Tray window.', hint: null } };
      }
      return handlers[name](args);
    });
  }
  const stop = bridgeEvents(session, (e) => {
    for (const w of windows()) if (!w.isDestroyed()) w.webContents.send(EVENT_CHANNEL, e);
  });
  return () => {
    stop();
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(`${IPC_PREFIX}${name}`);
  };
}
