/**
 * The child process of the boot test (one per boot, so the host's app
 * singletons start fresh): loads the built Electron bundle under plain Node
 * with `electron` resolved to the double, then does what the test asks over
 * IPC (fire app ready, click the tray, click a menu item, call a channel,
 * quit) and answers with the double's record.
 *
 *   node boot-child.js <dist/electron/main.cjs> <electron-double.cjs>
 */
import Module, { createRequire } from 'node:module';
import type { Menu } from './electron-double.js';
import type * as DoubleModule from './electron-double.js';
import type { ChildEvent, ChildReply, ChildRequest } from './boot-protocol.js';

const [bundle, doublePath] = process.argv.slice(2);
if (!bundle || !doublePath || !process.send) {
  console.error('usage (with an IPC channel): node boot-child.js <main.cjs> <electron-double.cjs>');
  process.exit(2);
}
const send = (m: ChildEvent | ChildReply) => process.send?.(m);

// require('electron') from anywhere (the bundle, electron-store inside it) gets the double.
// Every module the bundle itself requires is noted (a sandboxed preload may require only a few).
const required = new Set<string>();
const loader = Module as unknown as { _resolveFilename(request: string, parent: { filename?: string } | undefined, ...rest: unknown[]): string };
const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) {
  if (parent?.filename === bundle) required.add(request);
  return request === 'electron' ? doublePath : resolveFilename.call(this, request, parent, ...rest);
};

process.on('unhandledRejection', (reason) => send({ event: 'unhandled', message: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }));
process.on('uncaughtException', (err) => {
  send({ event: 'unhandled', message: err.stack ?? err.message });
  process.exitCode = 1;
});
process.on('warning', (w) => send({ event: 'warning', message: `${w.name}: ${w.message}` }));

const require = createRequire(import.meta.url);
const { double, app, contextBridge, ipcRenderer } = require(doublePath) as typeof DoubleModule;

// Which worker files the bundle starts (the audit scan worker must be the one beside it).
// The bundle is CommonJS and reads Worker off the module when it makes one, so this sees it.
const threads = require('node:worker_threads') as typeof import('node:worker_threads');
const RealWorker = threads.Worker;
threads.Worker = class extends RealWorker {
  constructor(url: string | URL, opts?: import('node:worker_threads').WorkerOptions) {
    super(url, opts);
    send({ event: 'worker', url: String(url) });
  }
};
double.quit.on('quit', () => {
  send({ event: 'quit' });
  // Whatever still holds the process open after the app quit is a leak: say what it is.
  setTimeout(() => send({ event: 'resources', list: process.getActiveResourcesInfo() }), 3000).unref();
});
// Only the app's run loop keeps this process alive, as in Electron.
process.channel?.unref();
app.run();

function trayMenu(): Menu {
  const tray = double.trays.at(-1);
  const menu = tray?.contextMenu ?? tray?.popUps.at(-1);
  if (!menu) throw new Error('The tray has no menu (none set, none popped up).');
  return menu;
}

async function serve(m: ChildRequest): Promise<unknown> {
  switch (m.op) {
    case 'ready':
      app.fireReady();
      return null;
    case 'snapshot':
      return { ...double.snapshot(), required: [...required].sort() };
    case 'preload-call': {
      const api = contextBridge.exposed.get('stratam') as Record<string, (a: unknown) => Promise<unknown>> | undefined;
      if (!api?.[m.method]) throw new Error(`window.stratam has no ${m.method}`);
      await api[m.method]!(m.args);
      return ipcRenderer.invoked.at(-1) ?? null;
    }
    case 'invoke':
      return double.invoke(m.channel, m.args, m.frameUrl);
    case 'tray': {
      const tray = double.trays.at(-1);
      if (!tray) throw new Error('No tray was made.');
      tray.emit(m.event, { preventDefault() {} }, { x: 0, y: 0, width: 16, height: 16 });
      return null;
    }
    case 'menu':
      trayMenu().click(m.label);
      return null;
    case 'answer':
      if (m.kind === 'saveDialog') double.answers.saveDialog.push(m.value as string | null);
      else double.answers.messageBox.push(m.value as number);
      return null;
    case 'quit':
      app.quit();
      return null;
  }
}

process.on('message', (m: ChildRequest) => {
  serve(m).then(
    (result) => send({ id: m.id, ok: true, result }),
    (err: unknown) => send({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});

try {
  require(bundle);
  send({ event: 'loaded' });
} catch (err) {
  send({ event: 'load-failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
}
