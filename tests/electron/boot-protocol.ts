/** Messages between the boot test and its child (boot-child.ts). */

export type ChildRequest = { id: number } & (
  | { op: 'ready' }
  | { op: 'snapshot' }
  | { op: 'invoke'; channel: string; args: unknown; frameUrl?: string }
  | { op: 'tray'; event: 'click' | 'double-click' | 'right-click' }
  | { op: 'menu'; label: string }
  /** Call a method of the API object the preload exposed (as the page would). */
  | { op: 'preload-call'; method: string; args: unknown }
  | { op: 'answer'; kind: 'saveDialog' | 'messageBox'; value: string | number | null }
  /** As the OS quits an app (Cmd-Q, log out): app.quit() from outside the host. */
  | { op: 'quit' }
);

export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export type ChildEvent =
  | { event: 'loaded' }
  | { event: 'load-failed'; message: string }
  | { event: 'unhandled'; message: string }
  | { event: 'warning'; message: string }
  | { event: 'worker'; url: string }
  | { event: 'quit' }
  | { event: 'resources'; list: string[] };

/** A request without its id (the parent numbers them). */
export type Request = ChildRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
