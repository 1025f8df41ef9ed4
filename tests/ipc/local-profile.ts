/** The IPC tests' fixtures: the local droplet profile they save (this machine, files under `root`), and observed handlers. */
import { join } from 'node:path';
import { DEFAULT_PATHS, type DropletProfile } from '../../src-main/core/config/profile.js';
import type { Session } from '../../src-main/core/session/session.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';

export function localProfile(root: string, jarvisRoot: string): DropletProfile {
  return { name: 'here', transport: 'local', host: 'localhost', port: 22, user: 'root', paths: { ...DEFAULT_PATHS, jarvisHome: join(root, 'home'), jarvisRoot: join(root, jarvisRoot) } };
}

/**
 * Handlers over a session that records every property the handlers touch, so
 * a test can show a refused request never reached the session (`touched` stays
 * empty). Clear `touched` (length = 0) before each request.
 */
export function observedHandlers(session: Session): { handlers: ReturnType<typeof createHandlers>; touched: string[] } {
  const touched: string[] = [];
  const observed = new Proxy(session, {
    get(target, prop, receiver) {
      touched.push(String(prop));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { handlers: createHandlers(observed), touched };
}
