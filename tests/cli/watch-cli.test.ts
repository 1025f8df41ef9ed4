import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WATCHER_MARK } from '../../src-main/core/watch/watcher-script.js';
import { helpersWith } from '../helpers/processes.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { startReferenceDroplet } from '../helpers/reference-droplet.js';
import { agentReads, sedEnv, until } from '../core/watch/watch-helpers.js';

/** Droplet-side watcher processes of this droplet. */
const watchersFor = (home: string) => helpersWith(WATCHER_MARK, home);

interface Line {
  kind: string;
  key: string | null;
  from: string | null;
  to: string | null;
  at: string;
  file: string | null;
  reverted: boolean | null;
}

test('stratam watch --hold-pause --json: one line per event, a flip is put back, Ctrl-C leaves nothing on the droplet', async (t) => {
  const ref = await startReferenceDroplet({ agent: true });
  t.after(() => ref.teardown());
  assert.equal((await runCli([...ref.cliArgs(), 'pause'])).code, 0);
  const p = spawnCli([...ref.cliArgs(), '--json', 'watch', '--hold-pause']);
  t.after(() => p.child.kill('SIGKILL'));
  const lines: Line[] = [];
  let buf = '';
  p.child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, nl)) as Line);
      buf = buf.slice(nl + 1);
    }
  });
  await until(() => lines.some((l) => l.kind === 'watching'), `the watch to start (stderr: ${p.stderr()})`);
  assert.equal(watchersFor(ref.home).length, 1, 'one watcher process on the droplet');

  sedEnv(ref, 's/^JARVIS_SELF_MODIFY_ALLOWED=0/JARVIS_SELF_MODIFY_ALLOWED=1/');
  await until(() => lines.some((l) => l.kind === 'reverted'), 'the revert');
  const tampered = lines.find((l) => l.kind === 'tampered')!;
  for (const k of ['kind', 'file', 'key', 'from', 'to', 'at', 'reverted']) assert.ok(k in tampered, `event has ${k}`);
  assert.deepEqual([tampered.file, tampered.key, tampered.from, tampered.to], ['env', 'JARVIS_SELF_MODIFY_ALLOWED', '0', '1']);
  assert.equal(lines.find((l) => l.kind === 'reverted')!.reverted, true);
  assert.equal(agentReads(ref, 'JARVIS_SELF_MODIFY_ALLOWED'), '0');

  p.child.kill('SIGINT');
  assert.equal(await p.exited, 0, p.stderr());
  // The droplet side ends at its next heartbeat once the channel is gone (deadline: a hang guard).
  await until(() => watchersFor(ref.home).length === 0, 'the droplet-side watcher to exit', 10_000);
});

test('stratam watch refuses an agent container that does not exist (exit 3, names it)', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const r = await runCli([...ref.cliArgs(), 'watch']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, new RegExp(`no container "${ref.container}"`));
  assert.match(r.stderr, /--container/);
  assert.equal(watchersFor(ref.home).length, 0);
  const bad = await runCli([...ref.cliArgs(), 'watch', '--hold']);
  assert.equal(bad.code, 2);
});
