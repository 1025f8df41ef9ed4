import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { LocalDroplet } from '../../../src-main/core/droplet/local-droplet.js';
import { releaseDocker } from '../../../src-main/core/docker/docker-client.js';
import { checkBreaker } from '../../../src-main/core/breaker/breaker-check.js';
import { rearmBreaker } from '../../../src-main/core/breaker/breaker-actions.js';
import { initVault } from '../../../src-main/core/vault/init.js';
import { loadKeyring } from '../../../src-main/core/vault/keyring.js';
import { Fernet, generateKey } from '../../../src-main/core/vault/fernet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { gatherIncident } from '../../../src-main/core/recovery/incident.js';
import { linesFromEnd } from '../../../src-main/core/recovery/lines-from-end.js';
import { eventHistory, type DockerEvent } from '../../../src-main/core/docker/events.js';
import { containerLogFacts, runLogs } from '../../../src-main/core/docker/container-logs.js';
import { CRASHING_CODE, startReferenceDroplet, type ReferenceDroplet } from '../../helpers/reference-droplet.js';
import { AGENT_IMAGE, ensureAgentImage } from '../../helpers/agent-image.js';

const NAME_ERROR = "NameError: name 'reply_fast' is not defined";

async function connect(t: import('node:test').TestContext, ref: ReferenceDroplet): Promise<SshDroplet> {
  const d = await SshDroplet.connect(ref.profile());
  t.after(async () => {
    releaseDocker(d);
    await d.close();
  });
  return d;
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const restartCount = (ref: ReferenceDroplet) => Number(execFileSync('docker', ['inspect', '-f', '{{.RestartCount}}', ref.container], { encoding: 'utf8' }).trim());

function archive(ref: ReferenceDroplet, rec: Record<string, unknown>): void {
  appendFileSync(join(ref.home, 'conversation_archive.jsonl'), `${JSON.stringify({ ts: new Date().toISOString(), channel: 'discord', author: 'x', ...rec })}\n`);
}

test('a crashing self-modification: the restarts with exit codes and the NameError, the change with its decrypted reply, the snapshot to roll back to; then the same from the receipt once re-armed', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  ref.startAgent([], { code: true });
  const d = await connect(t, ref);
  await initVault(d);
  const keyring = await loadKeyring(d);
  t.after(() => keyring.destroy());
  const enc = (content: string) => keyring.encrypt(JSON.stringify({ content }));
  const reply = 'Done: replies now go through reply_fast, they should feel quicker.';
  archive(ref, { turn: 't_1', role: 'user', enc: enc('make your replies faster') });
  archive(ref, { turn: 't_0', role: 'assistant', enc: enc('an older reply of another turn') });
  archive(ref, { turn: 't_1', role: 'assistant', enc: enc('Let me look at the reply code.') });

  const snap = ref.agentSelfModify('faster-replies', 'main.sh', CRASHING_CODE, 't_1', 'speed');
  archive(ref, { turn: 't_1', role: 'assistant', enc: enc(reply) });
  ref.agentSelfRestart('t_1');
  // Trip as the app's check does: once Docker has made the fourth restart (RestartCount counts one as soon as it is scheduled).
  await waitFor(() => restartCount(ref) >= 4, 30_000, 'four restarts of the crash loop');
  let check = await checkBreaker(d, { via: 'test' });
  for (const end = Date.now() + 30_000; check.state !== 'tripped' && Date.now() < end; check = await checkBreaker(d, { via: 'test' })) await new Promise((r) => setTimeout(r, 300));
  assert.equal(check.state, 'tripped', JSON.stringify(check));

  const inc = await gatherIncident(d);
  assert.equal(inc.source, 'breaker');
  assert.equal(inc.stillTripped, true);
  assert.equal(inc.by, 'tray');
  assert.equal(inc.container, ref.container);
  assert.ok(inc.restarts.length >= 4, `restarts: ${inc.restarts.length}`);
  // The first restart is the agent's own self_restart (its healthy code exits 0 on TERM); the rest are the crash.
  const [first, ...crashes] = inc.restarts;
  assert.equal(first!.exitCode, 0);
  assert.ok(
    first!.logs.some((l) => l.text === 'agent v1 starting'),
    JSON.stringify(inc.restarts.slice(0, 2)),
  );
  assert.ok(!first!.logs.some((l) => l.text.includes('NameError')));
  for (const r of crashes) {
    assert.equal(r.exitCode, 3, `restart at ${r.at}`);
    assert.ok(r.diedAt && r.diedAt <= r.at);
    // Exactly the dying run's three lines: since/until keep the runs apart.
    assert.deepEqual(r.logs.map((l) => l.text).sort(), ['Traceback (most recent call last):', 'agent v2 starting', NAME_ERROR].sort(), JSON.stringify(r.logs));
    assert.equal(r.logs.find((l) => l.text === NAME_ERROR)!.stream, 'stderr');
    assert.equal(r.logs.find((l) => l.text === 'agent v2 starting')!.stream, 'stdout');
    assert.ok(r.logs.every((l) => l.ts !== null && l.ts <= r.at));
    assert.equal(r.logsTruncated, false);
  }

  const change = inc.changes.find((c) => c.snapshot === snap);
  assert.ok(change, JSON.stringify(inc.changes));
  assert.equal(change.snapshotFound, true);
  assert.equal(change.ok, true);
  assert.equal(change.label, 'faster-replies');
  assert.equal(change.reason, 'speed');
  assert.deepEqual(change.files, ['main.sh']);
  assert.equal(change.turn, 't_1');
  // The last assistant record of the turn, decrypted; not another turn's, not the earlier one of the same turn.
  assert.equal(change.reply, reply);
  assert.equal(change.replyNote, null);
  assert.deepEqual(inc.suggestion && { snapshot: inc.suggestion.snapshot, seq: inc.suggestion.seq }, { snapshot: snap, seq: change.seq });
  assert.match(inc.suggestion!.why, new RegExp(`^${snap} holds the code as it was just before self_modify_code #${change.seq}`));
  assert.deepEqual(inc.warnings, []);
  assert.ok(!JSON.stringify(inc).includes(readKey(ref)), 'no key material in the incident');

  // Re-armed: the trip now comes from the breaker_trip receipt, with the same restarts and suggestion.
  await rearmBreaker(d, { confirmed: true, via: 'test' });
  const again = await gatherIncident(d);
  assert.equal(again.source, 'receipt');
  assert.equal(again.stillTripped, false);
  assert.deepEqual(
    again.restarts.map((r) => [r.at, r.exitCode]),
    inc.restarts.map((r) => [r.at, r.exitCode]),
  );
  assert.equal(again.suggestion?.snapshot, snap);
});

function readKey(ref: ReferenceDroplet): string {
  const keys = JSON.parse(execFileSync('cat', [join(ref.home, 'vault.keys')], { encoding: 'utf8' })) as { keys: Array<{ key: string }> };
  return keys.keys[0]!.key;
}

const rec = (seq: number, ts: string, fields: Record<string, unknown>) =>
  `${JSON.stringify({ seq, ts, turn: 't_9', channel: 'discord', trust: 'owner', tool: 'read_file', args: {}, result: 'x', ok: true, elapsed_ms: 1, blocked: null, ...fields })}\n`;

test('no keyring, a gone snapshot, rotated files, a blocked call and a later change: notes and warnings, no suggestion, never a failure', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await connect(t, ref);
  const base = Date.now() - 30 * 60_000;
  const at = (min: number) => new Date(base + min * 60_000).toISOString();
  const hist = join(ref.jarvisRoot, '.jarvis_self_history');
  mkdirSync(join(hist, '20261201T040000Z-first', 'tree'), { recursive: true });
  // seq 1 in the rotated file; seq 2 (its snapshot gone) and a blocked seq 3 in the live file; seq 5 after the cascade began.
  writeFileSync(join(ref.home, 'activity.jsonl.1'), rec(1, at(0), { tool: 'self_modify_code', turn: 't_a', args: { snapshot: '20261201T040000Z-first', label: 'first', files: ['a.py'] } }));
  writeFileSync(
    join(ref.home, 'activity.jsonl'),
    rec(2, at(1), { tool: 'self_modify_code', turn: 't_b', args: { snapshot: '20261201T040100Z-second', label: 'second', files: ['b.py'] } }) +
      rec(3, at(2), { tool: 'self_modify_code', turn: null, ok: false, blocked: 'flag', args: { label: 'third', files: ['c.py'] } }) +
      'not json but self_modify_code\n' +
      rec(4, at(3), { tool: 'host_exec', args: { cmd: 'ls' } }) +
      rec(5, at(20), { tool: 'self_modify_code', turn: 't_c', args: { snapshot: '20261201T042000Z-later', label: 'later', files: ['d.py'] } }) +
      // A torn last line (being written): not a record yet.
      rec(6, at(4), { tool: 'self_modify_code', args: { snapshot: '20261201T040400Z-torn' } }).trimEnd(),
  );
  // The archive has t_a's reply, encrypted under a key the droplet no longer has (there is no vault.keys).
  const f = new Fernet(generateKey());
  archive(ref, { ts: at(0), turn: 't_a', role: 'assistant', enc: f.encrypt(JSON.stringify({ content: 'first reply' })) });
  writeFileSync(
    join(ref.home, 'breaker.json'),
    JSON.stringify({ state: 'tripped', tripped_at: at(12), reason: '4 restarts in 60 min', restarts: [at(10), at(10.5), at(11), at(11.5)], rearmed_at: null, by: 'droplet' }),
  );

  const inc = await gatherIncident(d);
  assert.equal(inc.source, 'breaker');
  assert.equal(inc.by, 'droplet');
  assert.deepEqual(
    inc.changes.map((c) => [c.seq, c.ok, c.snapshotFound]),
    [
      [1, true, true],
      [2, true, false],
      [3, false, false],
    ],
  );
  const [c1, c2, c3] = inc.changes;
  assert.equal(c1!.reply, null);
  assert.match(c1!.replyNote!, /cannot be decrypted: No keyring at .*vault\.keys/);
  assert.match(c2!.replyNote!, /No assistant reply for turn t_b/);
  assert.match(c3!.replyNote!, /eternal-improvement loop/);
  // The last successful change's folder is gone: no suggestion (not the older one), and a warning says why.
  assert.equal(inc.suggestion, null);
  assert.ok(
    inc.warnings.some((w) => w.includes('20261201T040100Z-second') && w.includes('gone')),
    inc.warnings.join('\n'),
  );
  assert.ok(inc.warnings.some((w) => w.includes('1 audit line(s)')));
  // No container: the restarts are listed with what is unknown, and Docker's side is a warning.
  assert.equal(inc.restarts.length, 4);
  assert.ok(inc.restarts.every((r) => r.exitCode === null && r.logs.length === 0));
  assert.ok(
    inc.warnings.some((w) => w.includes('no longer remembers the death before 4')),
    inc.warnings.join('\n'),
  );
  assert.ok(inc.warnings.some((w) => w.includes('Replies could not be decrypted')));
});

test('no trip at all: a usage error (exit 2) that says so and points at `stratam breaker status`', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await connect(t, ref);
  await assert.rejects(gatherIncident(d), (err: unknown) => {
    assert.ok(err instanceof StratamError);
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /no trip to explain/);
    assert.match(err.hint ?? '', /stratam breaker status/);
    return true;
  });
  // A breaker_trip receipt that counted nothing explains nothing either.
  writeFileSync(join(ref.home, 'operator_actions.jsonl'), rec(1, new Date().toISOString(), { tool: 'breaker_trip', channel: 'operator', turn: null, ok: false, args: { reason: 'x', restarts: [] } }));
  await assert.rejects(gatherIncident(d), /no trip to explain/);
});

test('linesFromEnd: newest first across chunk boundaries, torn last line skipped, overlong lines reported, budget respected', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const local = new LocalDroplet(ref.profile().paths, ref.root);
  const path = join(ref.home, 'lines.txt');
  const long = 'x'.repeat(50);
  writeFileSync(path, `first\n\nsecond line\n${long}\nthird\ntorn`);
  const file = (await local.openRegular(path, 'read'))!;
  t.after(() => file.close());
  for (const chunk of [1, 3, 7, 64, 4096]) {
    const budget = { left: 1e6, exhausted: false };
    const got = [];
    for await (const l of linesFromEnd(file, { budget, maxLine: 20, chunk })) got.push(l.overlong ? `<${l.length}@${l.offset}>` : `${l.bytes.toString()}@${l.offset}`);
    assert.deepEqual(got, ['third@70', `<50@19>`, 'second line@7', 'first@0'], `chunk ${chunk}`);
    assert.equal(budget.exhausted, false);
  }
  const budget = { left: 12, exhausted: false };
  const got = [];
  for await (const l of linesFromEnd(file, { budget, maxLine: 100, chunk: 4 })) got.push(l.bytes.toString());
  assert.deepEqual(got, ['third']);
  assert.equal(budget.exhausted, true);
});

test('runLogs: the last lines of a run from both streams, a 20 KiB line kept as one capped line, the byte bound narrowing the span, and a TTY container', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await connect(t, ref);
  ensureAgentImage();
  // Docker copies each stream on its own, so lines of the two streams keep their order only when apart in time.
  const script = 'head -c 20000 /dev/zero | tr "\\0" a; echo; i=1; while [ $i -le 100 ]; do echo out$i; i=$((i+1)); done; sleep 0.3; echo fatal >&2; exit 5';
  const names: string[] = [];
  t.after(() => names.forEach((n) => execFileSync('docker', ['rm', '-f', n], { stdio: 'ignore' })));
  const run = async (tty: boolean) => {
    const name = `${ref.container}-logs${tty ? '-tty' : ''}`;
    names.push(name);
    const since = Date.now() - 1000;
    execFileSync('docker', ['run', '-d', ...(tty ? ['-t'] : []), '--name', name, AGENT_IMAGE, '/bin/sh', '-c', script], { stdio: 'ignore' });
    let die: DockerEvent | undefined;
    await waitFor(() => execFileSync('docker', ['inspect', '-f', '{{.State.Status}}', name], { encoding: 'utf8' }).trim() === 'exited', 15_000, 'the run to end');
    die = (await eventHistory(d, { sinceMs: since, untilMs: Date.now(), filters: { container: [name], event: ['die'] } }))[0];
    assert.equal(die?.Actor.Attributes.exitCode, '5');
    const facts = (await containerLogFacts(d, name))!;
    assert.equal(facts.tty, tty);
    return { facts, die: die! };
  };

  const { facts, die } = await run(false);
  const all = await runLogs(d, facts.id, { sinceNano: null, untilNano: die.timeNano, tty: false });
  assert.equal(all.lines.length, 40);
  assert.equal(all.truncated, true);
  assert.deepEqual(
    all.lines.map((l) => [l.stream, l.text]),
    [...Array.from({ length: 39 }, (_, i) => ['stdout', `out${62 + i}`]), ['stderr', 'fatal']],
  );
  const few = await runLogs(d, facts.id, { sinceNano: null, untilNano: die.timeNano, tty: false, maxLines: 300 });
  const long = few.lines.filter((l) => l.text.startsWith('a'));
  assert.equal(long.length, 1, 'a 20 KiB line (sent in 16 KiB parts) is one line');
  assert.equal(long[0]!.text, `${'a'.repeat(2000)}…`);
  assert.equal(few.lines.length, 102);
  // Over the byte bound the span is narrowed to the seconds before the death: still the last lines, marked truncated.
  const narrowed = await runLogs(d, facts.id, { sinceNano: null, untilNano: die.timeNano, tty: false, maxBytes: 4096 });
  assert.equal(narrowed.truncated, true);
  assert.equal(narrowed.lines.at(-1)?.text, 'fatal');
  assert.equal(narrowed.cut, false);
  // Until a moment before the first line: nothing.
  const none = await runLogs(d, facts.id, { sinceNano: null, untilNano: die.timeNano - 60e9, tty: false });
  assert.deepEqual(none, { lines: [], truncated: false, cut: false });

  const tty = await run(true);
  const raw = await runLogs(d, tty.facts.id, { sinceNano: null, untilNano: tty.die.timeNano, tty: true, maxLines: 4 });
  assert.deepEqual(
    raw.lines.map((l) => [l.stream, l.text]),
    [
      ['stdout', 'out98'],
      ['stdout', 'out99'],
      ['stdout', 'out100'],
      ['stdout', 'fatal'],
    ],
  );
  assert.ok(raw.lines.every((l) => l.ts !== null));
});
