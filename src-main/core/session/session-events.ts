/** What the session pushes to whatever face is listening (the IPC layer forwards these). */
import type { FeedItem } from '../audit/diagnostics.js';
import type { LinkState } from '../ssh/link-state.js';
import type { Notification } from '../tray/notify-policy.js';
import type { DropletState, Warning } from './droplet-state.js';

export type ProgressOp = 'vaultRotate' | 'vaultVerify' | 'sandboxRun' | 'auditQuery' | 'exportData' | 'rollback';

export type SessionEvent =
  | { type: 'link'; name: string; link: LinkState; droplet: DropletState }
  | { type: 'state'; droplets: DropletState[] }
  | { type: 'audit'; name: string; item: FeedItem }
  | { type: 'warning'; warning: Warning }
  | { type: 'breaker'; name: string; event: 'tripped' | 'rearmed'; by: string | null; at: string | null; reason: string | null; restarts: string[] }
  | { type: 'progress'; opId: string | null; name: string; op: ProgressOp; phase: string; done: number; total: number }
  | { type: 'output'; opId: string | null; name: string; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'notify'; notification: Notification }
  /** A Pause pressed while the link was down: queued, then applied on reconnect (or failed). See queued-pause.ts. */
  | { type: 'pauseQueue'; name: string; phase: 'queued' | 'applied' | 'failed'; at: string; message: string; hint: string | null };
