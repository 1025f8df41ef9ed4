/**
 * The recovery channels at the boundary: a rollback (or data delete) whose
 * typed confirmation is not the droplet's name, or that carries a key the
 * contract does not know, is refused before any core code runs, and nothing
 * on the droplet changes (the code folder byte for byte, the .env, no
 * receipt). The same payload with the right name does reach the core (here
 * it refuses for its own reason: no agent container), so the refusals above
 * are the schema's. The handler checks the name once more behind the schema.
 * A real local droplet on temp files.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../src-main/core/session/session.js';
import { NotificationPolicy } from '../../src-main/core/tray/notify-policy.js';
import { deepLinkHash, notificationTarget } from '../../src-main/ipc/deep-link.js';
import { createHandlers } from '../../src-main/ipc/handlers.js';
import { recoveryImplementations } from '../../src-main/ipc/recovery-handlers.js';
import { CRASHING_CODE, DEFAULT_ENV, HEALTHY_CODE } from '../helpers/reference-droplet.js';
import { localProfile, observedHandlers } from './local-profile.js';

const SNAP = '20261201T040000Z-faster-replies';
let root: string;
let session: Session;
let handlers: ReturnType<typeof createHandlers>;
let touched: string[];
const codeFile = () => join(root, 'opt', 'app', 'main.sh');
const envPath = () => join(root, 'opt', '.env');
const receiptsPath = () => join(root, 'home', 'operator_actions.jsonl');

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'stratam-ipc-recovery-'));
  mkdirSync(join(root, 'home'));
  mkdirSync(join(root, 'opt', 'app'), { recursive: true });
  writeFileSync(envPath(), DEFAULT_ENV);
  writeFileSync(codeFile(), CRASHING_CODE, { mode: 0o755 });
  // A real snapshot to roll back to, so a refusal below cannot come from a missing one.
  const tree = join(root, 'opt', '.jarvis_self_history', SNAP, 'tree');
  mkdirSync(tree, { recursive: true });
  writeFileSync(join(tree, 'main.sh'), HEALTHY_CODE, { mode: 0o755 });
  session = new Session({ stateDir: join(root, 'state'), watch: { breaker: false, audit: false, fabrication: false, control: false } });
  await session.profiles.save(localProfile(root, 'opt'));
  await session.connect('here');
  ({ handlers, touched } = observedHandlers(session));
});
after(async () => {
  await session.close();
  rmSync(root, { recursive: true, force: true });
});

/** Nothing reached the session, and the droplet is as it was. */
async function refusedAtBoundary(call: () => Promise<{ result?: unknown; error?: { kind: string; message: string; hint: string | null } }>, channel: string, message: RegExp): Promise<void> {
  const code = readFileSync(codeFile());
  const env = readFileSync(envPath());
  touched.length = 0;
  const r = await call();
  assert.equal(r.result, undefined);
  assert.equal(r.error?.kind, 'usage');
  assert.match(r.error!.message, new RegExp(`^Invalid request to ${channel}: `));
  assert.match(r.error!.message, message);
  assert.deepEqual(touched, [], 'the session was not touched');
  assert.deepEqual(readFileSync(codeFile()), code, 'agentCodeDir unchanged');
  assert.deepEqual(readFileSync(envPath()), env, '.env unchanged');
  assert.equal(existsSync(receiptsPath()), false, 'no receipt: no action was attempted');
}

test('rollback refuses a confirmation that is not the droplet name', async () => {
  for (const confirm of ['ref', 'HERE', 'here ', '']) {
    await refusedAtBoundary(() => handlers.rollback({ name: 'here', snapshot: SNAP, confirm }), 'rollback', /confirm: type the droplet's name exactly to confirm the rollback/);
  }
  // `confirm: true` (the yes/no channels' shape) is not a typed name either.
  await refusedAtBoundary(() => handlers.rollback({ name: 'here', snapshot: SNAP, confirm: true } as never), 'rollback', /confirm:/);
});

test('rollback refuses an unknown key, a path for a snapshot and an out-of-range watch', async () => {
  await refusedAtBoundary(() => handlers.rollback({ name: 'here', snapshot: SNAP, confirm: 'here', yes: true } as never), 'rollback', /unknown field yes/);
  await refusedAtBoundary(() => handlers.rollback({ name: 'here', snapshot: `../${SNAP}`, confirm: 'here' }), 'rollback', /snapshot: a snapshot name looks like/);
  await refusedAtBoundary(() => handlers.rollback({ name: 'here', snapshot: SNAP, confirm: 'here', healthSeconds: -1 }), 'rollback', /healthSeconds:/);
  await refusedAtBoundary(() => handlers.rollback({ name: 'here', snapshot: SNAP, confirm: 'here', healthSeconds: 1.5 }), 'rollback', /healthSeconds:/);
});

test('data delete and sign-out refuse the same way', async () => {
  await refusedAtBoundary(() => handlers.dataDelete({ name: 'here', confirm: 'there' }), 'dataDelete', /confirm: type the droplet's name exactly to confirm deleting the data/);
  await refusedAtBoundary(() => handlers.dataDelete({ name: 'here', confirm: 'here', withoutExport: 'yes' } as never), 'dataDelete', /withoutExport:/);
  await refusedAtBoundary(() => handlers.dataDelete({ name: 'here', confirm: 'here', force: true } as never), 'dataDelete', /unknown field force/);
  await refusedAtBoundary(() => handlers.signout({ name: 'here' } as never), 'signout', /confirm: this action needs confirm: true/);
  await refusedAtBoundary(() => handlers.snapshotDiff({ name: 'here', snapshot: SNAP, against: '/etc' }), 'snapshotDiff', /against:/);
});

test('with the right name the rollback reaches the core (which refuses for its own reason here: no agent container)', async () => {
  touched.length = 0;
  const r = await handlers.rollback({ name: 'here', snapshot: SNAP, confirm: 'here', healthSeconds: 0 });
  assert.equal(r.result, undefined);
  assert.ok(touched.includes('droplet'), 'the core was asked');
  assert.doesNotMatch(r.error?.message ?? '', /^Invalid request/);
  assert.equal(r.error?.kind, 'refused', r.error?.message);
  assert.deepEqual(readFileSync(codeFile(), 'utf8'), CRASHING_CODE, 'a refused rollback changes nothing');
});

test('the handler checks the typed name again behind the schema', async () => {
  const impl = recoveryImplementations(session);
  await assert.rejects(
    impl.rollback({ name: 'here', snapshot: SNAP, confirm: 'there' }),
    (err: Error & { kind?: string }) => err.kind === 'refused' && /does not match the droplet's name/.test(err.message),
  );
  await assert.rejects(impl.dataDelete({ name: 'here', confirm: 'there' }), (err: Error & { kind?: string }) => err.kind === 'refused');
  assert.deepEqual(readFileSync(codeFile(), 'utf8'), CRASHING_CODE);
});

test("a breaker trip's notification opens the droplet's incident", () => {
  const n = new NotificationPolicy().consider({ kind: 'breaker-tripped', name: 'ref-1', by: 'tray', at: '2026-12-01T04:00:00Z', reason: '4 restarts in 60 min' }, Date.now());
  assert.ok(n);
  assert.deepEqual(notificationTarget(n), { name: 'ref-1', view: 'incident' });
  assert.equal(deepLinkHash(notificationTarget(n)!), '#/droplet/ref-1/incident');
  // Other notifications open the droplet's dashboard; one without a droplet opens the window as it is.
  const other = new NotificationPolicy().consider({ kind: 'blocked-command-ran', name: 'ref-1', seq: 3, detail: 'rm -rf /' }, Date.now());
  assert.deepEqual(notificationTarget(other!), { name: 'ref-1', view: null });
  assert.equal(notificationTarget({ name: null }), null);
});
