// The feed's blocked-command alerts (command-alerts.ts), without a droplet: the
// verdict cache, failing closed, and an alert chain that a throwing consumer
// does not break.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { CommandAlerts, VERDICT_CACHE } from '../../../src-main/core/audit/command-alerts.js';
import type { AlertDiagnostic, Diagnostic } from '../../../src-main/core/audit/diagnostics.js';
import type { CommandChecker } from '../../../src-main/core/audit/second-line.js';
import { setLogSink } from '../../../src-main/core/log/logger.js';

/** A checker that refuses commands starting with `rm -rf` and counts its calls per command. */
function blocklist(): { check: CommandChecker; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const check: CommandChecker = (cmd) => {
    calls.set(cmd, (calls.get(cmd) ?? 0) + 1);
    return Promise.resolve(cmd.startsWith('rm -rf') ? { refused: true, reason: 'deletes recursively' } : { refused: false });
  };
  return { check, calls };
}

function captureLog(t: TestContext): string[] {
  const lines: string[] = [];
  setLogSink({ write: (l) => lines.push(l) });
  t.after(() => setLogSink(null));
  return lines;
}

const alerted = (ds: Diagnostic[]) => ds.map((d) => [(d as AlertDiagnostic).stream, (d as AlertDiagnostic).at_seq]);

test('a refused command is one critical alert per record, in record order; an allowed one is none', async () => {
  const { check, calls } = blocklist();
  const out: Diagnostic[] = [];
  const alerts = new CommandAlerts(check, (d) => out.push(d));
  alerts.raise('activity', 10, 'rm -rf /srv');
  alerts.raise('activity', 11, 'ls /srv');
  alerts.raise('receipts', 12, 'rm -rf /srv');
  alerts.raise('activity', 13, 'ls /srv');
  await alerts.settled();
  assert.deepEqual(alerted(out), [
    ['activity', 10],
    ['receipts', 12],
  ]);
  const first = out[0] as AlertDiagnostic;
  assert.equal(first.kind, 'alert');
  assert.equal(first.severity, 'critical');
  assert.equal(first.reason, 'blocklisted-command-ran');
  assert.match(first.detail, /rm -rf \/srv call ran with ok:true, but the blocklist refuses it \(deletes recursively\)/);
  // Remembered verdicts: each command was checked once.
  assert.deepEqual(
    [...calls],
    [
      ['rm -rf /srv', 1],
      ['ls /srv', 1],
    ],
  );
});

test('a long command is cut to 200 characters in the alert', async () => {
  const { check } = blocklist();
  const out: Diagnostic[] = [];
  const alerts = new CommandAlerts(check, (d) => out.push(d));
  alerts.raise('activity', 1, `rm -rf /${'x'.repeat(300)}`);
  await alerts.settled();
  const detail = (out[0] as AlertDiagnostic).detail;
  assert.ok(detail.includes(`rm -rf /${'x'.repeat(192)}… call ran`), detail);
  assert.ok(!detail.includes('x'.repeat(193)));
});

test('a consumer that throws on one alert does not silence the later ones, and the failure is logged', async (t) => {
  const log = captureLog(t);
  const { check } = blocklist();
  const out: Diagnostic[] = [];
  let throwsOnce = true;
  const alerts = new CommandAlerts(check, (d) => {
    if (throwsOnce) {
      throwsOnce = false;
      throw new Error('consumer went away');
    }
    out.push(d);
  });
  alerts.raise('activity', 1, 'rm -rf /a');
  alerts.raise('activity', 2, 'rm -rf /b');
  alerts.raise('activity', 3, 'rm -rf /a');
  await alerts.settled();
  assert.deepEqual(alerted(out), [
    ['activity', 2],
    ['activity', 3],
  ]);
  assert.equal(log.length, 1, log.join('\n'));
  assert.match(log[0] ?? '', /raising the blocked-command alert for seq 1 of activity: .*consumer went away/);
});

test('a checker that fails is an alert (fail closed), logged, and not remembered: the next record asks again', async (t) => {
  const log = captureLog(t);
  const calls: string[] = [];
  let failNext = true;
  const check: CommandChecker = (cmd) => {
    calls.push(cmd);
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error('parser not loaded'));
    }
    return Promise.resolve({ refused: false });
  };
  const out: Diagnostic[] = [];
  const alerts = new CommandAlerts(check, (d) => out.push(d));
  alerts.raise('activity', 7, 'ls /srv');
  alerts.raise('activity', 8, 'ls /srv');
  alerts.raise('activity', 9, 'ls /srv');
  await alerts.settled();
  assert.deepEqual(alerted(out), [['activity', 7]]);
  assert.match((out[0] as AlertDiagnostic).detail, /the blocklist could not check it \(fail closed\)/);
  // Seq 8 asked again (the failure was not cached) and its allowed verdict was: seq 9 did not ask.
  assert.deepEqual(calls, ['ls /srv', 'ls /srv']);
  assert.equal(log.length, 1, log.join('\n'));
  assert.match(log[0] ?? '', /checking seq 7 of activity against the blocklist \(failing closed: it is alerted\): .*parser not loaded/);
});

test('the verdict cache is bounded: past VERDICT_CACHE commands the oldest is asked again', async () => {
  const { check, calls } = blocklist();
  const alerts = new CommandAlerts(check, () => undefined);
  for (let i = 0; i <= VERDICT_CACHE; i++) alerts.raise('activity', i, `echo ${i}`);
  await alerts.settled();
  alerts.raise('activity', VERDICT_CACHE + 1, `echo ${VERDICT_CACHE}`); // the newest: still remembered
  alerts.raise('activity', VERDICT_CACHE + 2, 'echo 0'); // the oldest: evicted
  await alerts.settled();
  assert.equal(calls.get(`echo ${VERDICT_CACHE}`), 1);
  assert.equal(calls.get('echo 0'), 2);
  assert.equal(calls.get('echo 1'), 1);
});
