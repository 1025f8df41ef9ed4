import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli } from '../../helpers/run-cli.js';
import { freePort } from '../../helpers/reference-droplet.js';

const LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (ERROR|WARN|INFO|DEBUG) [a-z-]+: .+$/;

test('stratam --verbose prints the log lines to stderr; the log file gets them either way', async (t) => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-verbose-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const port = await freePort(); // nothing listens there: the command fails, which is logged
  const args = ['--state-dir', state, '--host', '127.0.0.1', '--port', String(port), '--user', 'ops', 'status'];

  const quiet = await runCli(args);
  assert.equal(quiet.code, 4, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, LINE_IN_TEXT());
  const path = join(state, 'logs', 'stratam.log');
  const first = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(first.length, 1);
  assert.match(first[0] as string, LINE);
  // Without a key or an agent the CLI fails before dialing; with an agent it fails at the closed port.
  assert.match(first[0] as string, / WARN cli: status: connect: (No key to log in with|Could not reach 127\.0\.0\.1:\d+ over SSH)/);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(state, 'logs')).mode & 0o777, 0o700);

  const loud = await runCli(['--verbose', ...args]);
  assert.equal(loud.code, 4, loud.stderr);
  const printed = loud.stderr.split('\n').filter((l) => LINE.test(l));
  assert.match(printed[0] as string, / DEBUG cli: stratam [\d.]+ status: started/);
  const second = readFileSync(path, 'utf8').trimEnd().split('\n')[1] as string;
  assert.ok(printed.includes(second), `the file's line is printed as is: ${second}\n${loud.stderr}`);
  assert.ok(!readFileSync(path, 'utf8').includes('DEBUG'), 'debug lines are for --verbose only');
  // The usual error report still follows.
  assert.match(loud.stderr, /^stratam: (No key to log in with|Could not reach)/m);
});

function LINE_IN_TEXT(): RegExp {
  return new RegExp(LINE.source.slice(1, -1), 'm');
}
