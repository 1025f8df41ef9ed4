/**
 * The race the checks around an SFTP open exist for: a droplet-side loop
 * keeps swapping `.env` between a regular file, a symlink to a secret and a
 * FIFO while the app pauses again and again over real SFTP. Whatever the
 * interleaving, the secret never lands in a regular `.env`, the target is
 * never changed, no pause hangs, and every pause either lands or is refused.
 *
 * Nothing is timed: the loop moves every `.env` it finds aside (rename, which
 * never follows a link) before putting the next one in place with a
 * no-clobber create, so every regular file the app ever renamed into place is
 * kept for inspection at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, constants as fsc, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pause } from '../../../src-main/core/controls/pause.js';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { StratamError } from '../../../src-main/core/errors.js';
import { DEFAULT_ENV, startReferenceDroplet } from '../../helpers/reference-droplet.js';

const MARK = 'sk_live_RACE_SECRET_9d2e';
const SECRET = `JARVIS_SELF_MODIFY_ALLOWED=1\nSTRIPE_LIVE_KEY=${MARK}\n`;
const PAUSES = 300;

// Each turn: move whatever .env is aside into seen/, then create the next one only if nothing took its place.
const SWAPPER = `
cd "$1"; i=0
while [ ! -e stop ]; do
  i=$((i+1))
  mv -T .env "seen/$i" 2>/dev/null
  case $((i % 3)) in
    0) ln -s "$2" .env 2>/dev/null ;;
    1) cp base ".r$i" && ln ".r$i" .env 2>/dev/null; rm -f ".r$i" ;;
    2) mkfifo .env 2>/dev/null ;;
  esac
done
mv -T .env "seen/$i.last" 2>/dev/null
echo "$i" > turns
`;

test('a loop swapping .env (regular file, symlink to a secret, FIFO) while the app pauses: no secret copied, no hang, only pauses or refusals', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const root = ref.jarvisRoot;
  const secret = join(ref.root, 'secret.env');
  writeFileSync(secret, SECRET, { mode: 0o600 });
  writeFileSync(join(root, 'base'), DEFAULT_ENV);
  mkdirSync(join(root, 'seen'));
  const d = await SshDroplet.connect(ref.profile());
  // A FIFO swapped in after the check blocks sftp-server's open: keep that wait short here.
  d.openDeadlineMs = 1000;
  t.after(() => d.close());

  const loop = spawn('sh', ['-c', SWAPPER, 'swapper', root, secret], { stdio: 'ignore' });
  const loopDone = new Promise((r) => loop.once('exit', r));
  // If an assertion ends the test early, the loop is stopped by its pid (it was started here).
  t.after(() => void (loop.exitCode === null && loop.signalCode === null && loop.kill()));

  const outcomes = new Map<string, number>();
  const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
  for (let i = 0; i < PAUSES; i++) {
    try {
      const r = await pause(d, 'race-test');
      assert.equal(r.selfModifyAllowed, false);
      count('paused');
    } catch (err) {
      // Refused (a link, FIFO or a swap caught around the open) or failed (the file changed under the edit): nothing else.
      assert.ok(err instanceof StratamError, `pause ${i}: ${String(err)}`);
      assert.ok(err.kind === 'refused' || err.kind === 'failed', `pause ${i}: ${err.kind}: ${err.message}`);
      assert.ok(!err.message.includes(MARK), err.message);
      count(`${err.kind}: ${err.message.replace(/\/\S+/g, '<path>').slice(0, 60)}`);
    }
  }
  writeFileSync(join(root, 'stop'), '');
  await loopDone;
  t.diagnostic(`loop turns: ${readFileSync(join(root, 'turns'), 'utf8').trim()}; outcomes: ${JSON.stringify([...outcomes])}`);

  // Release any sftp-server still blocked opening one of the FIFOs (a writer lets its open complete).
  const kept = readdirSync(join(root, 'seen')).map((n) => join(root, 'seen', n));
  for (const p of kept) {
    if (!lstatSync(p).isFIFO()) continue;
    try {
      closeSync(openSync(p, fsc.O_WRONLY | fsc.O_NONBLOCK));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err; // no reader: nothing to release
    }
  }

  // Every .env that ever existed, the app's own included: no regular one holds the secret; every link still points at it.
  let regular = 0;
  for (const p of kept) {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) assert.equal(readlinkSync(p), secret);
    else if (st.isFile()) {
      regular++;
      assert.ok(!readFileSync(p, 'utf8').includes(MARK), `${p} is a regular .env holding the secret`);
    }
  }
  assert.ok(regular > 0);
  // The swapper's own files are regular too: the race was only exercised if some pauses landed among the refusals.
  assert.ok((outcomes.get('paused') ?? 0) > 0, `no pause landed: ${JSON.stringify([...outcomes])}`);
  assert.equal(readFileSync(secret, 'utf8'), SECRET, 'the link target was never written');
  assert.deepEqual(
    readdirSync(root).filter((n) => n.includes('.stratam-')),
    [],
    'no temp file left behind',
  );
  // The droplet is still usable afterwards.
  assert.equal((await d.lstat(secret))?.type, 'file');
});
