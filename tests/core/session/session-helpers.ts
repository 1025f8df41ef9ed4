/**
 * A Session connected to a reference droplet, with every warning and
 * notification it raises collected for the test to read.
 */
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import type { Warning } from '../../../src-main/core/session/droplet-state.js';
import { Session, type SessionOptions } from '../../../src-main/core/session/session.js';
import type { Notification } from '../../../src-main/core/tray/notify-policy.js';
import type { ReferenceDroplet } from '../../helpers/reference-droplet.js';

export interface Observed {
  session: Session;
  warnings: Warning[];
  notes: Notification[];
}

export async function connectedSession(t: TestContext, ref: ReferenceDroplet, opts: Omit<SessionOptions, 'stateDir'> = {}): Promise<Observed> {
  const session = new Session({ stateDir: join(ref.root, 'app'), ...opts });
  t.after(() => session.close());
  const warnings: Warning[] = [];
  const notes: Notification[] = [];
  session.on('event', (e: { type: string; warning?: Warning; notification?: Notification }) => {
    if (e.type === 'warning' && e.warning) warnings.push(e.warning);
    if (e.type === 'notify' && e.notification) notes.push(e.notification);
  });
  await session.profiles.save(ref.profile());
  await session.connect('reference');
  return { session, warnings, notes };
}
