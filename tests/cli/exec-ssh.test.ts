/**
 * `stratam exec` over real SSH against the reference droplet: a blocked
 * command never reaches the droplet's shell, a paused droplet refuses, an
 * allowed one streams output and passes its exit code through; every outcome
 * leaves a host_exec receipt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';

test('stratam exec over SSH: blocklist first, then the flag, then the droplet, with receipts', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const marker = join(ref.root, 'ran');
  const sessionsBefore = () =>
    readFileSync(ref.sshdLog, 'utf8')
      .split('\n')
      .filter((l) => l.includes('Starting session: command')).length;

  // Blocked: the marker is never made, no exec session is started, exit 3, receipt blocked by blocklist.
  let n = sessionsBefore();
  const blocked = await runCli([...ref.cliArgs(), 'exec', '--', `touch ${marker}; rm -rf --no-preserve-root /`]);
  assert.equal(blocked.code, 3, blocked.stderr);
  assert.match(blocked.stderr, /recursive-delete|blocked/i);
  assert.equal(existsSync(marker), false);
  assert.equal(sessionsBefore(), n, 'no command channel was opened on the droplet');
  let last = ref.readJsonl('operator_actions.jsonl').at(-1)!;
  assert.equal(last.tool, 'host_exec');
  assert.equal(last.blocked, 'blocklist');
  assert.equal(last.ok, false);

  // Paused: refused by the flag, never run.
  assert.equal((await runCli([...ref.cliArgs(), 'pause'])).code, 0);
  n = sessionsBefore();
  const paused = await runCli([...ref.cliArgs(), 'exec', '--', `touch ${marker}`]);
  assert.equal(paused.code, 3);
  assert.match(paused.stderr, /paus|JARVIS_SELF_MODIFY_ALLOWED/);
  assert.equal(existsSync(marker), false);
  assert.equal(sessionsBefore(), n);
  last = ref.readJsonl('operator_actions.jsonl').at(-1)!;
  assert.equal(last.blocked, 'flag');

  // Allowed: output streamed, exit code passed through, receipt ok.
  assert.equal((await runCli([...ref.cliArgs(), 'resume', '--yes'])).code, 0);
  const ok = await runCli([...ref.cliArgs(), 'exec', '--', `touch ${marker}; echo out; echo err >&2; exit 7`]);
  assert.equal(ok.code, 7);
  assert.equal(ok.stdout, 'out\n');
  assert.equal(ok.stderr, 'err\n');
  assert.equal(existsSync(marker), true);
  last = ref.readJsonl('operator_actions.jsonl').at(-1)!;
  assert.equal(last.tool, 'host_exec');
  assert.equal(last.blocked, null);
});
