/**
 * Defect 13: the export path came from a text box in the page. Where the host
 * has a save dialog (Electron), an export goes only to a path the dialog
 * returned, once; the browser harness (no dialog) keeps typed paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src-main/core/session/session.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { localProfile } from './local-profile.js';

async function setup(t: import('node:test').TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'ipc-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const session = new Session({ stateDir: join(dir, 'state'), watch: { breaker: false, audit: false } });
  t.after(() => session.close());
  await session.profiles.save(localProfile(dir, 'root'));
  return { dir, session };
}

test('with a save dialog: the export goes only where the dialog said, once; a cancel chooses nothing', async (t) => {
  const { dir, session } = await setup(t);
  const answers: Array<string | null> = [join(dir, 'chosen.json'), null];
  const asked: string[] = [];
  const h = createHandlers(session, { chooseExportFile: async (name) => (asked.push(name), answers.shift() ?? null) });

  // A path the page made up is refused before anything else happens.
  const typed = await h.exportData({ name: 'here', out: join(dir, 'typed.json') });
  assert.equal(typed.error?.kind, 'refused');
  assert.match(typed.error!.message, /was not chosen in the save dialog/);

  // An unknown droplet never opens a dialog.
  const unknown = await h.exportChooseFile({ name: 'nope' });
  assert.equal(unknown.error?.kind, 'usage');
  assert.deepEqual(asked, []);

  const chosen = await h.exportChooseFile({ name: 'here' });
  assert.deepEqual(chosen.result, { out: join(dir, 'chosen.json') });
  assert.deepEqual(asked, ['here']);
  // The chosen path passes the gate (and then fails only because nothing is connected).
  const first = await h.exportData({ name: 'here', out: join(dir, 'chosen.json') });
  assert.equal(first.error?.kind, 'connect', first.error?.message);
  // Good for one export only.
  const again = await h.exportData({ name: 'here', out: join(dir, 'chosen.json') });
  assert.equal(again.error?.kind, 'refused');

  assert.deepEqual((await h.exportChooseFile({ name: 'here' })).result, { out: null });
});

test('without a save dialog (the browser harness): a typed absolute path is accepted, and asking for the dialog says to type one', async (t) => {
  const { dir, session } = await setup(t);
  const h = createHandlers(session);
  const ask = await h.exportChooseFile({ name: 'here' });
  assert.equal(ask.error?.kind, 'refused');
  assert.match(ask.error!.hint ?? '', /Type the absolute path/);
  const typed = await h.exportData({ name: 'here', out: join(dir, 'typed.json') });
  assert.equal(typed.error?.kind, 'connect', 'past the gate: only the connection is missing');
});
