/**
 * Issue 15, defect 2: SshLink.close() while the client is still dialing must
 * end that dial. A relay between the link and a real sshd passes the
 * client's bytes at once but holds sshd's (its banner first) until the test
 * lets them through, so close() lands mid-handshake; once released, a dial
 * that close() did not end would log in and stay connected with nobody
 * owning it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { SshLink } from '../../../src-main/core/ssh/link.js';
import type { LinkState } from '../../../src-main/core/ssh/link-state.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';
import { establishedTo } from '../../helpers/tcp-count.js';

interface HeldRelay {
  port: number;
  /** The client's side of the first connection, once it arrived. */
  client: Promise<Socket>;
  /** Let sshd's bytes through. */
  release(): void;
  close(): Promise<void>;
}

/** Client → sshd bytes pass at once; sshd → client bytes wait for release(). */
async function heldRelay(sshdPort: number): Promise<HeldRelay> {
  const sockets = new Set<Socket>();
  const held: Buffer[] = [];
  let downstream: Socket | null = null;
  let released = false;
  let gotClient!: (s: Socket) => void;
  const client = new Promise<Socket>((r) => (gotClient = r));
  const server: Server = createServer((c) => {
    sockets.add(c);
    downstream = c;
    const up = connect({ host: '127.0.0.1', port: sshdPort });
    sockets.add(up);
    c.on('data', (b) => up.write(b));
    up.on('data', (b) => (released ? c.write(b) : held.push(b)));
    c.on('close', () => up.destroy());
    up.on('close', () => c.destroy());
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
    gotClient(c);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    client,
    release() {
      released = true;
      if (downstream && !downstream.destroyed) for (const b of held.splice(0)) downstream.write(b);
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

test('close() during the handshake ends the dial: no login afterwards, state stays closed, no connection left', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const relay = await heldRelay(ref.port);
  t.after(() => relay.close());

  const link = new SshLink(
    { host: '127.0.0.1', port: relay.port, user: ref.user, identityFile: ref.clientKey, fingerprint: ref.hostFingerprint },
    { reconnect: true, backoff: { baseMs: 100, maxMs: 200, maxAttempts: Infinity } },
  );
  const states: LinkState[] = [];
  link.on('state', (s: LinkState) => states.push(s));
  const opened = link.open();
  const clientSide = await relay.client;
  // The TCP connection to sshd is up, the SSH handshake waits on sshd's banner.
  await waitFor(() => establishedTo(ref.port) === 1, 'sshd sees the dial');
  assert.equal(link.state.state, 'connecting');

  const clientGone = new Promise<void>((r) => (clientSide.destroyed ? r() : clientSide.once('close', () => r())));
  await link.close();
  await assert.rejects(opened, /closed/);
  relay.release();
  // The link's end of the relay closes: close() ended the dial rather than let it finish.
  await clientGone;
  await waitFor(() => establishedTo(ref.port) === 0, 'sshd holds no connection');

  assert.equal(link.state.state, 'closed');
  const afterClose = states.slice(states.findIndex((s) => s.state === 'closed'));
  assert.deepEqual(
    afterClose.map((s) => s.state),
    ['closed'],
    'nothing after closed',
  );
  assert.ok(!states.some((s) => s.state === 'connected'), 'the dial never completed');
  assert.doesNotMatch(readFileSync(ref.sshdLog, 'utf8'), /Accepted publickey/);
});

test('close() while a reconnect waits ends it: no dial follows', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const link = new SshLink(
    { host: '127.0.0.1', port: ref.port, user: ref.user, identityFile: ref.clientKey, fingerprint: ref.hostFingerprint },
    { reconnect: true, backoff: { baseMs: 300, maxMs: 300, maxAttempts: Infinity } },
  );
  await link.open();
  const states: LinkState[] = [];
  link.on('state', (s: LinkState) => states.push(s));
  await ref.killSshd();
  await waitFor(() => link.state.state === 'reconnecting' || link.state.state === 'connecting', 'the link notices the drop');
  await ref.startSshd(ref.port);
  await link.close();
  // Long enough for the backoff timer and a dial to run, had close() left them.
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(link.state.state, 'closed');
  assert.deepEqual(
    states.slice(states.findIndex((s) => s.state === 'closed')).map((s) => s.state),
    ['closed'],
  );
  assert.equal(establishedTo(ref.port), 0);
});

test('SshDroplet.connect with an abort signal: aborting mid-handshake ends the dial', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const relay = await heldRelay(ref.port);
  t.after(() => relay.close());
  const abort = new AbortController();
  const connecting = SshDroplet.connect({ ...ref.profile(), port: relay.port }, { reconnect: true, signal: abort.signal });
  const clientSide = await relay.client;
  const clientGone = new Promise<void>((r) => (clientSide.destroyed ? r() : clientSide.once('close', () => r())));
  await waitFor(() => establishedTo(ref.port) === 1, 'sshd sees the dial');
  abort.abort();
  await assert.rejects(connecting, /closed/);
  relay.release();
  await clientGone;
  await waitFor(() => establishedTo(ref.port) === 0, 'sshd holds no connection');
  assert.doesNotMatch(readFileSync(ref.sshdLog, 'utf8'), /Accepted publickey/);
});

async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
