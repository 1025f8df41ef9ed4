/**
 * Malformed payloads are refused at the boundary with a message naming the
 * field, and never reach the core: the session is observed (every property
 * the handlers touch is recorded) and the droplet's files are compared byte
 * for byte. The droplet here is a real local one on temp files.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src-main/core/session/session.js';
import { CHANNEL_NAMES, EVENT_NAMES } from '../../src-main/ipc/channel-names.js';
import { channels } from '../../src-main/ipc/channels.js';
import { events } from '../../src-main/ipc/events.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { DEFAULT_ENV } from '../helpers/reference-droplet.js';
import { localProfile, observedHandlers } from './local-profile.js';

let root: string;
let session: Session;
let touched: string[];
let handlers: ReturnType<typeof createHandlers>;
const envPath = () => join(root, 'opt', '.env');
const receiptsPath = () => join(root, 'home', 'operator_actions.jsonl');

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'stratam-ipc-'));
  mkdirSync(join(root, 'home'));
  mkdirSync(join(root, 'opt'));
  writeFileSync(envPath(), DEFAULT_ENV);
  session = new Session({ stateDir: join(root, 'state'), watch: { breaker: false, audit: false } });
  await session.profiles.save(localProfile(root, 'opt'));
  await session.connect('here');
  ({ handlers, touched } = observedHandlers(session));
});
after(async () => {
  await session.close();
  rmSync(root, { recursive: true, force: true });
});

test('the name lists and the schema maps agree', () => {
  assert.deepEqual(Object.keys(channels).sort(), [...CHANNEL_NAMES].sort());
  assert.deepEqual(Object.keys(events).sort(), [...EVENT_NAMES].sort());
});

const bad: Array<[keyof typeof channels, unknown, RegExp]> = [
  ['resume', { name: 'here' }, /confirm: this action needs confirm: true/],
  ['resume', { name: 'here', confirm: 'yes' }, /confirm: this action needs confirm: true/],
  ['resume', { name: 'here', confirmed: true }, /unknown field confirmed/],
  ['breakerRearm', { name: 'here', confirm: 1 }, /confirm:/],
  ['pause', {}, /name:/],
  ['pause', { name: '../etc' }, /name: a droplet name is/],
  ['pause', { name: 'here', extra: 1 }, /unknown field extra/],
  ['pause', 'here', /expected object/i],
  ['pause', [1, 2], /expected object/i],
  ['trustAdd', { name: 'here', channel: 'irc', id: 'x' }, /channel:/],
  ['trustAdd', { name: 'here', channel: 'email', id: '' }, /id:/],
  ['vaultRotate', { name: 'here', opId: 'a b' }, /confirm:.*opId: an operation id/],
  ['sandboxRun', { name: 'here', cmd: [] }, /cmd: cmd needs at least the program/],
  ['sandboxRun', { name: 'here', cmd: 'rm -rf /' }, /cmd:/],
  ['auditQuery', { name: 'here', limit: 1e9 }, /limit:/],
  ['confirmHostKey', { name: 'here', fingerprint: 'MD5:00:11' }, /fingerprint: a host key fingerprint looks like SHA256:/],
  ['profilesAdd', { profile: { name: 'x', host: 'h; rm -rf /', user: 'root' } }, /profile.host: a host is a DNS name/],
  ['profilesAdd', { profile: { name: 'x', host: 'h', user: 'root', fingerprint: 'SHA256:' + 'A'.repeat(43) } }, /unknown field fingerprint/],
  ['notificationsMute', { hours: 2 }, /hours:/],
  ['exportData', { name: 'here', out: 'relative.json' }, /out: out must be an absolute path/],
  ['exportData', { name: 'here', out: '/tmp/x.json', includeSecrets: true }, /confirm: exporting the vault tokens needs confirm: true/],
  ['warningsAcknowledge', {}, /name one warning \(\{ id \}\) or every open one/],
  ['warningsAcknowledge', { all: false }, /name one warning/],
  ['warningsAcknowledge', { id: 'w1', all: true }, /name one warning/],
  ['warningsAcknowledge', { id: '' }, /id:/],
  ['warningsAcknowledge', { all: true, name: '../x' }, /name: a droplet name is/],
  ['auditWindow', { name: 'here', fromSeq: 1 }, /toSeq: fromSeq and toSeq come together/],
  ['auditWindow', { name: 'here', toSeq: 1 }, /toSeq: fromSeq and toSeq come together/],
  ['auditWindow', { name: 'here', fromSeq: 1, toSeq: 1001 }, /toSeq: the stretch is over the limit of 1000 seqs: ask for at most 1000 seqs at a time/],
  ['auditWindow', { name: 'here', fromSeq: 5, toSeq: 4 }, /toSeq: toSeq is below fromSeq/],
  ['auditWindow', { name: 'here', fromSeq: -1, toSeq: 4 }, /fromSeq:/],
  ['auditWindow', { name: 'here', fromSeq: 1.5, toSeq: 4 }, /fromSeq:/],
  ['auditWindow', { name: 'here', fromSeq: 1, toSeq: 2, time: '2026-12-01T08:00:00Z' }, /time: time cannot be combined with fromSeq\/toSeq/],
  ['auditWindow', { name: 'here', time: '2026-12-01 08:00' }, /time: a time is an ISO 8601 date-time/],
  ['auditWindow', { name: 'here', time: '2026-12-01T08:00:00' }, /time: a time is an ISO 8601 date-time/],
  ['auditWindow', { name: 'here', seq: 3 }, /unknown field seq/],
  ['mirrorCapSet', { name: 'here', mb: 1024 * 1024 + 1 }, /mb: the cap is at most 1048576 MB/],
  ['mirrorCapSet', { name: 'here', mb: -1 }, /mb: the cap cannot be negative: 0 keeps no copy/],
  ['mirrorCapSet', { name: 'here', mb: 1.5 }, /mb: the cap is a whole number of MB/],
  ['mirrorCapSet', { name: 'here', mb: '2048' }, /mb: the cap is a number of MB/],
  ['mirrorCapSet', { name: 'here' }, /mb: the cap is a number of MB/],
  ['mirrorCapSet', { name: '../x', mb: 10 }, /name: a droplet name is/],
  ['mirrorCapSet', { name: 'here', mb: 10, capMB: 10 }, /unknown field capMB/],
];

for (const [channel, payload, message] of bad) {
  test(`${channel} refuses ${JSON.stringify(payload)} before the core`, async () => {
    const envBefore = readFileSync(envPath());
    touched.length = 0;
    const r = await handlers[channel](payload);
    assert.equal(r.result, undefined);
    assert.equal(r.error?.kind, 'usage');
    assert.match(r.error!.message, new RegExp(`^Invalid request to ${channel}: `));
    assert.match(r.error!.message, message);
    assert.match(r.error!.hint ?? '', /Nothing was sent to the droplet/);
    assert.deepEqual(touched, [], 'the session was not touched');
    assert.deepEqual(readFileSync(envPath()), envBefore);
    assert.equal(existsSync(receiptsPath()), false, 'no receipt: no action was attempted');
  });
}

test('a well-formed request goes through and comes back in a result envelope', async () => {
  const r = await handlers.resume({ name: 'here', confirm: true });
  assert.deepEqual(r, { result: { selfModifyAllowed: true, changed: false, verified: true, ownerNote: null } });
  const p = await handlers.pause({ name: 'here' });
  assert.deepEqual(p.result, { selfModifyAllowed: false, changed: true, verified: true, ownerNote: null });
  assert.match(readFileSync(envPath(), 'utf8'), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
});

test('core refusals come back as error envelopes a person can act on', async () => {
  const r = await handlers.trustRevoke({ name: 'here', channel: 'discord', id: '123456789012345678' });
  assert.equal(r.error?.kind, 'refused');
  assert.match(r.error!.message, /owner.*cannot be revoked/);
  assert.match(r.error!.hint ?? '', /DISCORD_OWNER_ID/);
  const nc = await handlers.status({ name: 'elsewhere' });
  assert.equal(nc.error?.kind, 'connect');
  assert.equal(nc.error?.message, 'elsewhere is not connected.');
  const bad = await handlers.trustAdd({ name: 'here', channel: 'telegram', id: 'not-a-number' });
  assert.equal(bad.error?.kind, 'usage');
});
