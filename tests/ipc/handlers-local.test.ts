import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PATHS } from '../../src-main/core/config/profile.js';
import { Session } from '../../src-main/core/session/session.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';

test('a local droplet (the app on the droplet itself) connects through the contract, with no host key', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-local-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const home = join(dir, 'home');
  const root = join(dir, 'root');
  mkdirSync(home);
  mkdirSync(root);
  writeFileSync(join(root, '.env'), 'JARVIS_SELF_MODIFY_ALLOWED=1\n');
  const session = new Session({ stateDir: join(dir, 'state'), watch: { breaker: false, audit: false } });
  t.after(() => session.close());
  await session.profiles.save({ name: 'here', transport: 'local', host: 'localhost', port: 22, user: 'root', paths: { ...DEFAULT_PATHS, jarvisHome: home, jarvisRoot: root } });
  const h = createHandlers(session);
  const c = await h.connect({ name: 'here' });
  assert.equal(c.error, undefined, c.error?.message);
  assert.deepEqual(c.result, { status: 'connected', hostKey: null });
  const p = await h.pause({ name: 'here' });
  assert.equal(p.error, undefined, p.error?.message);
  assert.equal(readFileSync(join(root, '.env'), 'utf8'), 'JARVIS_SELF_MODIFY_ALLOWED=0\n');
});
