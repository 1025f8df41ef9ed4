/**
 * A stand-in for the `electron` module, so the host's real code (the built
 * bundle, or its modules) runs under plain Node where Electron's binary
 * cannot. It has exactly the APIs the host and electron-store use; each one
 * records what it was asked and answers as Electron would on a Linux desktop
 * without a keyring. `double` is the test's side: the record, and the events
 * a person or the OS would cause (app ready and quit, tray clicks, menu
 * clicks, dialog answers).
 *
 * Like Electron's run loop, `app.run()` keeps the process alive until the app
 * quits; after that the process ends only when the host has closed
 * everything it opened.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

type Fn = (...args: unknown[]) => unknown;

export interface TemplateItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  click?: Fn;
  submenu?: TemplateItem[];
}

/** A menu as the test sees it: labels, '-' for separators, disabled items in brackets, submenus nested. */
export type MenuView = Array<string | { label: string; items: MenuView }>;

export class Menu {
  constructor(readonly items: TemplateItem[]) {}

  static buildFromTemplate(template: TemplateItem[]): Menu {
    return new Menu(template);
  }

  view(): MenuView {
    return viewOf(this.items);
  }

  /** Click the first enabled item with this label (depth-first); throws when there is none. */
  click(label: string): void {
    const item = findItem(this.items, label);
    if (!item) throw new Error(`No menu item "${label}" in ${JSON.stringify(this.view())}`);
    if (item.enabled === false) throw new Error(`Menu item "${label}" is disabled`);
    if (!item.click) throw new Error(`Menu item "${label}" has no click handler`);
    item.click(item, undefined, {});
  }
}

const viewOf = (items: TemplateItem[]): MenuView =>
  items.map((i) => (i.type === 'separator' ? '-' : i.submenu ? { label: i.label ?? '', items: viewOf(i.submenu) } : i.enabled === false ? `[${i.label ?? ''}]` : (i.label ?? '')));

function findItem(items: TemplateItem[], label: string): TemplateItem | null {
  for (const i of items) {
    if (i.label === label && !i.submenu) return i;
    const inner = i.submenu ? findItem(i.submenu, label) : null;
    if (inner) return inner;
  }
  return null;
}

class ImageDouble {
  constructor(readonly path: string | null) {}
  /** Electron gives an empty image (silently) for a file that is not there: a missing icon. */
  isEmpty(): boolean {
    return this.path === null || !existsSync(this.path);
  }
}

export const nativeImage = {
  createFromPath: (path: string) => new ImageDouble(path),
  createEmpty: () => new ImageDouble(null),
};

export class Tray extends EventEmitter {
  image: ImageDouble;
  images: string[] = [];
  tooltip = '';
  contextMenu: Menu | null = null;
  contextMenuSets = 0;
  popUps: Menu[] = [];
  destroyed = false;

  constructor(image: ImageDouble) {
    super();
    this.image = image;
    this.images.push(image.path ?? '');
    double.trays.push(this);
  }
  /** As Electron: every method of a destroyed tray throws. */
  private alive(): void {
    if (this.destroyed) throw new Error('Tray is destroyed');
  }
  setImage(image: ImageDouble): void {
    this.alive();
    this.image = image;
    this.images.push(image.path ?? '');
  }
  setToolTip(t: string): void {
    this.alive();
    this.tooltip = t;
  }
  setContextMenu(m: Menu | null): void {
    this.alive();
    this.contextMenu = m;
    this.contextMenuSets++;
  }
  popUpContextMenu(m?: Menu): void {
    this.alive();
    const menu = m ?? this.contextMenu;
    if (!menu) throw new Error('popUpContextMenu with no menu');
    this.popUps.push(menu);
  }
  destroy(): void {
    this.alive();
    this.destroyed = true;
    this.removeAllListeners();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export interface NotificationRecord {
  title: string;
  body: string;
  urgency: string | null;
  silent: boolean;
}

export class Notification extends EventEmitter {
  constructor(readonly opts: { title?: string; body?: string; urgency?: string; silent?: boolean }) {
    super();
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    double.notifications.push({ title: this.opts.title ?? '', body: this.opts.body ?? '', urgency: this.opts.urgency ?? null, silent: this.opts.silent === true });
  }
  close(): void {}
}

class WebContentsDouble extends EventEmitter {
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  readonly session = sessionDouble();
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(): void {}
  isDestroyed(): boolean {
    return false;
  }
}

export class BrowserWindow extends EventEmitter {
  readonly webContents = new WebContentsDouble();
  readonly urls: string[] = [];
  visible = false;
  destroyed = false;

  constructor(readonly opts: Record<string, unknown>) {
    super();
    double.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.urls.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  static getAllWindows(): BrowserWindow[] {
    return double.windows.filter((w) => !w.destroyed);
  }
}

function sessionDouble() {
  return {
    webRequest: { onHeadersReceived: (fn: Fn) => void double.calls.push({ api: 'session.webRequest.onHeadersReceived', args: [typeof fn] }) },
    setPermissionRequestHandler: () => {},
    setPermissionCheckHandler: () => {},
    setDevicePermissionHandler: () => {},
  };
}

export const session = { defaultSession: sessionDouble() };

class AppDouble extends EventEmitter {
  private resolveReady: () => void = () => {};
  private readonly ready = new Promise<void>((r) => (this.resolveReady = r));
  private keepAlive: NodeJS.Timeout | null = null;
  private ready_ = false;
  quits = 0;

  /** Hold the process open as Electron's run loop does, until the app quits. */
  run(): void {
    this.keepAlive ??= setInterval(() => {}, 1 << 30);
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return this.ready;
  }
  isReady(): boolean {
    return this.ready_;
  }
  fireReady(): void {
    this.ready_ = true;
    this.resolveReady();
    this.emit('ready', {});
  }
  /** As Electron: before-quit (preventable), then will-quit and quit, then the run loop ends. */
  quit(): void {
    this.quits++;
    let prevented = false;
    const event = { preventDefault: () => void (prevented = true) };
    this.emit('before-quit', event);
    if (prevented) return;
    this.emit('will-quit', event);
    if (prevented) return;
    this.emit('quit', event, 0);
    this.end();
  }
  exit(code = 0): void {
    process.exitCode = code;
    this.end();
  }
  private end(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    double.quit.emit('quit');
  }
  get running(): boolean {
    return this.keepAlive !== null;
  }
  getPath(name: string): string {
    if (name === 'userData') return process.env.STRATAM_STATE_DIR ?? join(tmpdir(), 'stratam-double-userdata');
    if (name === 'documents') return join(homedir(), 'Documents');
    return tmpdir();
  }
  getVersion(): string {
    return '0.0.0-double';
  }
  getName(): string {
    return 'Stratam Tray';
  }
}

export const app = new AppDouble();

export const ipcMain = new (class extends EventEmitter {
  readonly handlers = new Map<string, Fn>();
  handle(channel: string, fn: Fn): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
})();

export const protocol = {
  schemes: [] as unknown[],
  handlers: new Map<string, Fn>(),
  registerSchemesAsPrivileged(list: unknown[]): void {
    if (app.isReady()) throw new Error('registerSchemesAsPrivileged must be called before app ready');
    protocol.schemes.push(...list);
  },
  handle(scheme: string, fn: Fn): void {
    protocol.handlers.set(scheme, fn);
  },
};

export const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false, themeSource: 'system' });

/** Linux without a keyring: no real encryption, so the host must store no passphrase. */
export const safeStorage = {
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
  encryptString: (): Buffer => {
    throw new Error('Encryption is not available (the double has no keyring).');
  },
  decryptString: (): string => {
    throw new Error('Decryption is not available (the double has no keyring).');
  },
};

/** The preload's side (a sandboxed renderer): what it exposes and what it sends. */
export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(key: string, api: unknown): void {
    contextBridge.exposed.set(key, api);
  },
};

export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoked: [] as Array<{ channel: string; args: unknown }>,
  invoke(channel: string, args: unknown): Promise<unknown> {
    ipcRenderer.invoked.push({ channel, args });
    return Promise.resolve({ result: null });
  },
});

export interface DialogRecord {
  kind: 'messageBox' | 'saveDialog' | 'errorBox';
  opts: Record<string, unknown>;
}

// Electron's dialogs take an optional parent window first.
const dialogArgs = (a: unknown, b: unknown): Record<string, unknown> => ((b ?? a) as Record<string, unknown>) ?? {};

export const dialog = {
  showMessageBox(a: unknown, b?: unknown): Promise<{ response: number; checkboxChecked: boolean }> {
    const opts = dialogArgs(a, b);
    double.dialogs.push({ kind: 'messageBox', opts: plain(opts) });
    const answer = double.answers.messageBox.shift();
    return Promise.resolve({ response: answer ?? (typeof opts.cancelId === 'number' ? opts.cancelId : 0), checkboxChecked: false });
  },
  showSaveDialog(a: unknown, b?: unknown): Promise<{ canceled: boolean; filePath: string }> {
    double.dialogs.push({ kind: 'saveDialog', opts: plain(dialogArgs(a, b)) });
    const answer = double.answers.saveDialog.shift();
    return Promise.resolve(answer === undefined || answer === null ? { canceled: true, filePath: '' } : { canceled: false, filePath: answer });
  },
  showErrorBox(title: string, content: string): void {
    double.dialogs.push({ kind: 'errorBox', opts: { title, content } });
  },
};

export const shell = {
  openExternal(url: string): Promise<void> {
    double.shell.push({ call: 'openExternal', arg: url });
    return Promise.resolve();
  },
  showItemInFolder(path: string): void {
    double.shell.push({ call: 'showItemInFolder', arg: path });
  },
  openPath(path: string): Promise<string> {
    double.shell.push({ call: 'openPath', arg: path });
    return Promise.resolve('');
  },
};

/** JSON-safe copy (functions and windows dropped) for the record and for IPC to the test. */
function plain(v: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'function' || x instanceof EventEmitter ? undefined : x))) as Record<string, unknown>;
}

/** The test's side. */
export const double = {
  trays: [] as Tray[],
  windows: [] as BrowserWindow[],
  notifications: [] as NotificationRecord[],
  dialogs: [] as DialogRecord[],
  shell: [] as Array<{ call: string; arg: string }>,
  calls: [] as Array<{ api: string; args: unknown[] }>,
  /** Answers the next dialogs give, in order: a button index, a chosen path (null: cancelled). */
  answers: { messageBox: [] as number[], saveDialog: [] as Array<string | null> },
  /** Emits 'quit' when the app's run loop ends. */
  quit: new EventEmitter(),

  /** Call a channel as our own page would (or, with another frame URL, as a stranger would). */
  async invoke(channel: string, args: unknown, frameUrl = 'app://stratam/index.html'): Promise<unknown> {
    const fn = ipcMain.handlers.get(channel);
    if (!fn) throw new Error(`No ipcMain handler for ${channel}`);
    return fn({ senderFrame: { url: frameUrl, parent: null } }, args);
  },

  /** The state of everything a person sees, as JSON. */
  snapshot() {
    return {
      trays: double.trays.map((t) => ({
        image: t.image.path,
        imageEmpty: t.image.isEmpty(),
        images: t.images,
        tooltip: t.tooltip,
        contextMenu: t.contextMenu?.view() ?? null,
        contextMenuSets: t.contextMenuSets,
        popUps: t.popUps.map((m) => m.view()),
        listening: t.eventNames().map(String),
        destroyed: t.destroyed,
      })),
      windows: double.windows.map((w) => ({ urls: w.urls, visible: w.visible, destroyed: w.destroyed })),
      notifications: double.notifications,
      dialogs: double.dialogs,
      shell: double.shell,
      ipcChannels: [...ipcMain.handlers.keys()],
      schemes: protocol.schemes,
      appRunning: app.running,
      exposed: Object.fromEntries([...contextBridge.exposed].map(([k, v]) => [k, Object.keys(v as object).sort()])),
      invoked: ipcRenderer.invoked,
      quits: app.quits,
    };
  },
};

export type Snapshot = ReturnType<typeof double.snapshot>;

export default { app, BrowserWindow, Tray, Menu, Notification, dialog, ipcMain, protocol, nativeImage, nativeTheme, safeStorage, session, shell, contextBridge, ipcRenderer };
