// `stratam signout` and `stratam data delete` as a user runs them: the CLI in a
// child process against the reference droplet over SSH. Exit codes, --json,
// --help, the refusals and their hints, and the name rule (--profile name, else
// the --host value).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'transpiled' });

test('stratam signout: --help, refused without --yes, --json result', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const g = ref.cliArgs();
  const profile = join(ref.home, 'playwright_profile');
  mkdirSync(join(profile, 'Default'), { recursive: true });
  writeFileSync(join(profile, 'Default', 'Cookies'), 'c'.repeat(40));

  const help = await cli(['signout', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: stratam signout --yes/);
  assert.match(help.stdout, /never copied|nothing in it is read or copied/);

  const no = await cli([...g, 'signout']);
  assert.equal(no.code, 3, no.stderr);
  assert.match(no.stderr, /needs confirmation/);
  assert.match(no.stderr, /hint: Run `stratam signout --yes`/);
  assert.ok(existsSync(join(profile, 'Default', 'Cookies')), 'nothing changed');
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=1$/m);

  const bad = await cli([...g, 'signout', '--yes', '--now']);
  assert.equal(bad.code, 2);

  const yes = await cli([...g, '--json', 'signout', '--yes']);
  assert.equal(yes.code, 0, yes.stderr);
  assert.deepEqual(JSON.parse(yes.stdout), { path: profile, entries: 2, bytes: 40, paused: true, folder: 'emptied' });
  assert.deepEqual(readdirSync(profile), []);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);

  const human = await cli([...g, 'signout', '--yes']);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /signed out: 0 entries \(0 B\) removed from .*playwright_profile, which is now empty\. Nothing was copied off the droplet\./);
});

test('stratam data delete: exit codes, the name rule, the export rule, human and --json output', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const g = ref.cliArgs();
  const state = g[g.indexOf('--state-dir') + 1]!;
  writeFileSync(join(ref.home, 'conversation_archive.jsonl'), 'x'.repeat(100));
  writeFileSync(join(ref.home, 'waitlist.jsonl'), '{"email": "a@example.com"}\n');

  const help = await cli(['data', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: stratam data delete --confirm <droplet-name> \[--without-export\]/);
  assert.match(help.stdout, /the --profile name, or without a profile the\s+--host value/);

  assert.equal((await cli([...g, 'data'])).code, 2);
  assert.equal((await cli([...g, 'data', 'remove'])).code, 2);
  const noConfirm = await cli([...g, 'data', 'delete']);
  assert.equal(noConfirm.code, 2);
  assert.match(noConfirm.stderr, /needs --confirm with this droplet's name: --confirm 127\.0\.0\.1/);

  const wrong = await cli([...g, '--json', 'data', 'delete', '--confirm', 'my-droplet']);
  assert.equal(wrong.code, 3);
  const err = (JSON.parse(wrong.stdout) as { error: { kind: string; message: string; hint: string; expected: string } }).error;
  assert.equal(err.kind, 'refused');
  assert.equal(err.expected, '127.0.0.1');
  assert.match(err.hint, /--confirm 127\.0\.0\.1/);

  const noExport = await cli([...g, 'data', 'delete', '--confirm', '127.0.0.1']);
  assert.equal(noExport.code, 3);
  assert.match(noExport.stderr, /No export of this droplet was written by this app in the last 24 hours/);
  assert.match(noExport.stderr, /`stratam export --out FILE`.*--without-export/);
  assert.equal(ref.readJsonl('operator_actions.jsonl').filter((r) => r.tool === 'pause').length, 0, 'not even paused');
  assert.ok(existsSync(join(ref.home, 'conversation_archive.jsonl')));

  // A saved profile: the name to type is the profile's, and an export made with --host counts for it (same droplet).
  const prof = await cli([...g, 'profile', 'add', 'my-vps']);
  assert.equal(prof.code, 0, prof.stderr);
  const exp = await cli([...g, 'export', '--out', join(ref.root, 'export.json')]);
  assert.equal(exp.code, 0, exp.stderr);
  assert.ok(readdirSync(join(state, 'exports')).length === 1, 'the export is recorded in the state folder');
  const p = ['--profile', 'my-vps', '--state-dir', state];
  const hostName = await cli([...p, 'data', 'delete', '--confirm', '127.0.0.1']);
  assert.equal(hostName.code, 3);
  assert.match(hostName.stderr, /not this droplet's name, "my-vps"/);

  const done = await cli([...p, 'data', 'delete', '--confirm', 'my-vps']);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /^Paused and deleted \d+ B from my-vps \(export written at 20\d\d-/);
  assert.match(done.stdout, /deleted +the conversation archive: 100 B/);
  assert.match(done.stdout, /deleted +the waitlist: 27 B/);
  assert.match(done.stdout, /Kept:\n +the audit log +.*activity\.jsonl \(and its rotated files\): it is the evidence of what the agent did/);
  assert.match(done.stdout, /the operator's receipts .*: they are the evidence/);
  assert.match(done.stdout, /the vault keyring .*vault\.keys: backups inside their 30-day retention .* need these keys/);
  assert.ok(!existsSync(join(ref.home, 'conversation_archive.jsonl')));
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);

  const json = await cli([...g, '--json', 'data', 'delete', '--confirm', '127.0.0.1', '--without-export']);
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout) as { droplet: string; exportAt: string | null; deleted: Array<{ status: string }>; kept: unknown[]; bytes: number };
  assert.equal(r.droplet, '127.0.0.1');
  assert.equal(r.exportAt, null);
  assert.equal(r.bytes, 0, 'nothing left to delete');
  assert.equal(r.deleted.length, 5);
  assert.equal(r.kept.length, 4);
});
