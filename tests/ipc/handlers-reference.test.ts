/**
 * The handlers through the contract against the reference droplet (real
 * sshd, real SFTP, real files): first connect shows the offered host key and
 * pins it only after confirmation; a changed key afterwards is refused; the
 * controls, audit and tray state work end to end.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from '../../src-main/core/session/session.js';
import type { SessionEvent } from '../../src-main/core/session/session-events.js';
import { onTrayDoubleClick } from '../../src-main/core/tray/double-click.js';
import { channels } from '../../src-main/ipc/channels.js';
import { bridgeEvents } from '../../src-main/ipc/event-bridge.js';
import { events } from '../../src-main/ipc/events.js';
import type { PushedEvent } from '../../src-main/ipc/events.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';

let ref: ReferenceDroplet;
let session: Session;
let h: ReturnType<typeof createHandlers>;
const pushed: PushedEvent[] = [];
const sessionEvents: SessionEvent[] = [];

before(async () => {
  ref = await startReferenceDroplet({
    activity: `${JSON.stringify({ seq: 1, ts: '2026-11-28T01:00:00Z', turn: 't1', channel: 'discord', trust: 'owner', tool: 'read_file', args: { path: '/x' }, result: 'ok', ok: true, elapsed_ms: 3, blocked: null })}\n`,
  });
  session = new Session({ stateDir: join(ref.root, 'app-state'), watch: { breaker: false, audit: false } });
  session.on('event', (e: SessionEvent) => sessionEvents.push(e));
  bridgeEvents(session, (e) => pushed.push(e));
  h = createHandlers(session);
});
after(async () => {
  await session?.close();
  await ref?.teardown();
});

const ok = <T>(r: { result?: T; error?: { message: string } }): T => {
  assert.equal(r.error, undefined, r.error?.message);
  return r.result as T;
};

test('first connect: the offered key is shown, nothing is pinned until confirmed, then connected', async () => {
  const p = ref.profile();
  ok(
    await h.profilesAdd({
      profile: {
        name: 'ref',
        host: p.host,
        port: p.port,
        user: p.user,
        identityFile: p.identityFile!,
        knownHostsFile: join(ref.root, 'empty_known_hosts'),
        paths: { jarvisHome: ref.home, jarvisRoot: ref.jarvisRoot, agentContainer: ref.container },
      },
    }),
  );
  const first = ok(await h.connect({ name: 'ref' }));
  assert.deepEqual(first, { status: 'confirm-host-key', host: '127.0.0.1', port: ref.port, keyType: 'ssh-ed25519', offered: ref.hostFingerprint });
  assert.equal(ok(await h.profilesList({})).profiles[0]!.fingerprint, null, 'not pinned before the person confirms');
  assert.equal(ok(await h.connections({})).droplets.length, 0);
  // The probe ended during key exchange: sshd never saw a user name or an authentication attempt.
  assert.doesNotMatch(readFileSync(ref.sshdLog, 'utf8'), /stratam-host-key-probe|Accepted|publickey/);
  const wrong = await h.confirmHostKey({ name: 'ref', fingerprint: 'SHA256:' + 'B'.repeat(43) });
  assert.equal(wrong.error?.kind, 'refused');
  assert.match(wrong.error!.message, /CHANGED/);
  const c = ok(await h.confirmHostKey({ name: 'ref', fingerprint: ref.hostFingerprint }));
  assert.deepEqual(c, { status: 'connected', hostKey: ref.hostFingerprint });
  assert.equal(ok(await h.profilesList({})).profiles[0]!.fingerprint, ref.hostFingerprint);
  const [d] = ok(await h.connections({})).droplets;
  assert.equal(d!.link.state, 'connected');
  assert.equal(d!.selfModifyAllowed, true);
  assert.equal(d!.breaker, 'armed');
});

test('status, pause, resume (confirmed), trust and breaker through the contract', async () => {
  const s = ok(await h.status({ name: 'ref' }));
  assert.equal(s.droplet.hostKey, ref.hostFingerprint);
  assert.equal(s.flags.selfModifyAllowed, true);
  assert.equal(ok(await h.pause({ name: 'ref' })).selfModifyAllowed, false);
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
  assert.equal(ok(await h.trayState({})).icon, 'paused');
  assert.equal((await h.resume({ name: 'ref' } as never)).error?.kind, 'usage');
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m, 'unconfirmed resume changed nothing');
  assert.equal(ok(await h.resume({ name: 'ref', confirm: true })).selfModifyAllowed, true);
  assert.equal(ok(await h.trayState({})).icon, 'armed');
  const t = ok(await h.trustAdd({ name: 'ref', channel: 'telegram', id: '4242' }));
  assert.deepEqual(t.trusted, ['4242']);
  assert.deepEqual(ok(await h.trustRevoke({ name: 'ref', channel: 'telegram', id: '4242' })).trusted, []);
  assert.equal(ok(await h.breakerStatus({ name: 'ref' })).state, 'armed');
  const receipts = ref.readJsonl('operator_actions.jsonl').map((r) => `${r.tool}:${(r.args as { via?: string }).via}`);
  assert.deepEqual(receipts, ['pause:tray', 'resume:tray', 'trust_add:tray', 'trust_revoke:tray']);
});

test('audit query returns records and receipts as contract views', async () => {
  const q = ok(await h.auditQuery({ name: 'ref', fromSeq: 0, receipts: true }));
  const recs = q.items.filter((i) => i.type === 'record');
  assert.ok(recs.some((i) => i.type === 'record' && i.record.stream === 'activity' && i.record.seq === 1 && i.record.value.tool === 'read_file'));
  assert.ok(recs.some((i) => i.type === 'record' && i.record.stream === 'receipts' && i.record.value.tool === 'pause'));
  const limited = ok(await h.auditQuery({ name: 'ref', fromSeq: 0, receipts: true, limit: 1 }));
  assert.equal(limited.items.length, 1);
  assert.equal(limited.truncated, true);
});

test('snapshots and export through the contract', async () => {
  const snaps = ok(await h.snapshotsList({ name: 'ref' }));
  assert.deepEqual(snaps.snapshots, []);
  const out = join(ref.root, 'export.json');
  const progress: string[] = [];
  const listener = (e: SessionEvent) => {
    if (e.type === 'progress' && e.opId === 'exp1') progress.push(e.phase);
  };
  session.on('event', listener);
  const r = ok(await h.exportData({ name: 'ref', out, opId: 'exp1' }));
  session.off('event', listener);
  assert.equal(r.out, out);
  assert.equal(r.counts.activity, 1);
  assert.ok(r.bytes > 0);
  assert.ok(progress.length > 0, 'progress events carry the opId');
  const again = await h.exportData({ name: 'ref', out });
  assert.equal(again.error?.kind, 'usage');
  assert.match(again.error!.message, /already exists/);
});

test('double-click pauses every connected droplet and reports each verified result', async () => {
  const { results, notification } = await onTrayDoubleClick(session);
  assert.deepEqual(results, [{ name: 'ref', ok: true, selfModifyAllowed: false, changed: true, error: null }]);
  assert.equal(notification.body, 'ref: paused (verified)');
  assert.match(ref.readEnv(), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
  const again = ok(await h.pauseAll({}));
  assert.deepEqual(again.results, [{ name: 'ref', ok: true, selfModifyAllowed: false, changed: false, error: null }], 'never resumes');
});

test('every pushed event matches its schema', () => {
  assert.ok(pushed.some((e) => e.event === 'link'));
  assert.ok(pushed.some((e) => e.event === 'tray' && e.payload.icon === 'paused'));
  for (const e of pushed) {
    const r = events[e.event].safeParse(e.payload);
    assert.ok(r.success, `${e.event}: ${r.success ? '' : r.error.message}`);
  }
});

test('a host key that changes after pinning is refused with a clear warning', async () => {
  ok(await h.disconnect({ name: 'ref' }));
  await ref.killSshd();
  const key = join(ref.root, 'ssh_host_ed25519_key');
  rmSync(key);
  rmSync(`${key}.pub`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
  await ref.startSshd(ref.port);
  const r = await h.connect({ name: 'ref' });
  assert.equal(r.error?.kind, 'refused');
  assert.match(r.error!.message, /host key of \[127\.0\.0\.1\]:\d+ has CHANGED/);
  assert.match(r.error!.hint ?? '', /droplet console/);
  assert.equal(r.error!.detail?.expected, ref.hostFingerprint);
  assert.equal(ok(await h.profilesList({})).profiles[0]!.fingerprint, ref.hostFingerprint, 'the pin is untouched');
  assert.equal(channels.connect.result.safeParse({ status: 'connected', hostKey: 'x' }).success, false);
});
