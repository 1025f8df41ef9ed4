/**
 * Issue 13, reproduction 7: "paused" is never shown when nothing was read.
 * A missing folder or file, a file the SSH user may not read, a link, or a
 * line python-dotenv may read differently: `status` says UNKNOWN with the
 * reason and the fix, and exits 3; it never says PAUSED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';

interface StatusJson {
  flags: { selfModifyAllowed: boolean | null; switch: { selfModify: string; unknown: { reason: string; detail: string; fix: string } | null } };
}

test('status: a wrong --jarvis-root is UNKNOWN (no such folder), exit 3; pause there is refused and writes nothing', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const wrong = join(ref.root, 'not-the-agent');
  const args = ref.cliArgs().map((a, i, all) => (all[i - 1] === '--jarvis-root' ? wrong : a));
  const human = await runCli([...args, 'status']);
  assert.equal(human.code, 3, human.stderr);
  assert.match(human.stdout, /destructive\s+UNKNOWN There is no folder/);
  assert.doesNotMatch(human.stdout, /PAUSED/);
  assert.match(human.stdout, /--jarvis-root/);
  const json = await runCli([...args, '--json', 'status']);
  assert.equal(json.code, 3);
  const s = JSON.parse(json.stdout) as StatusJson;
  assert.equal(s.flags.selfModifyAllowed, null);
  assert.equal(s.flags.switch.selfModify, 'unknown');
  assert.equal(s.flags.switch.unknown?.reason, 'no-folder');

  const p = await runCli([...args, 'pause']);
  assert.equal(p.code, 3, p.stderr);
  assert.match(p.stderr, /There is no folder .*not-the-agent/);
  assert.doesNotMatch(p.stderr, /disk space/);
  assert.equal(existsSync(wrong), false, 'nothing was created');
});

test("status: no .env in the agent's folder is UNKNOWN (no such file); pause creates it paused, then status reads PAUSED", async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  rmSync(ref.envPath);
  const s = await runCli([...ref.cliArgs(), 'status']);
  assert.equal(s.code, 3, s.stderr);
  assert.match(s.stdout, /UNKNOWN There is no .*\.env/);
  assert.doesNotMatch(s.stdout, /PAUSED/);
  assert.equal((await runCli([...ref.cliArgs(), 'pause'])).code, 0);
  const after = await runCli([...ref.cliArgs(), 'status']);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /destructive\s+PAUSED/);
});

test('status: an unreadable .env, a link, and a file python-dotenv reads as 1 are each UNKNOWN, never PAUSED', async (t) => {
  const ref = await startReferenceDroplet({ user: 'stratam-switch' });
  t.after(() => ref.teardown());
  const status = async () => {
    const r = await runCli([...ref.cliArgs(), '--json', 'status']);
    return { code: r.code, s: JSON.parse(r.stdout) as StatusJson };
  };

  // Mode 0000 under a non-root SSH user: the file is there, but not readable by the app.
  writeFileSync(ref.envPath, 'JARVIS_SELF_MODIFY_ALLOWED=0\n');
  chmodSync(ref.envPath, 0o000);
  let r = await status();
  assert.equal(r.code, 3);
  assert.deepEqual([r.s.flags.switch.selfModify, r.s.flags.switch.unknown?.reason], ['unknown', 'unreadable']);
  chmodSync(ref.envPath, 0o640);

  rmSync(ref.envPath);
  const decoy = join(ref.root, 'decoy.env');
  writeFileSync(decoy, 'JARVIS_SELF_MODIFY_ALLOWED=0\n');
  symlinkSync(decoy, ref.envPath);
  r = await status();
  assert.equal(r.code, 3);
  assert.deepEqual([r.s.flags.switch.selfModify, r.s.flags.switch.unknown?.reason], ['unknown', 'not-regular']);
  rmSync(ref.envPath);

  // A line reader sees =0 last; python-dotenv reads the second line as the start of a multi-line value.
  writeFileSync(ref.envPath, 'JARVIS_SELF_MODIFY_ALLOWED=1\nNOTE="\nJARVIS_SELF_MODIFY_ALLOWED=0\n"\n');
  r = await status();
  assert.equal(r.code, 3);
  assert.deepEqual([r.s.flags.switch.selfModify, r.s.flags.switch.unknown?.reason], ['unknown', 'grammar']);
  assert.match(r.s.flags.switch.unknown!.detail, /line 3/);
});
