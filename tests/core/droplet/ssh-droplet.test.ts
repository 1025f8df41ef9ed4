import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SshDroplet } from '../../../src-main/core/droplet/ssh-droplet.js';
import { writeAtomic } from '../../../src-main/core/droplet/atomic-write.js';
import { startReferenceDroplet } from '../../helpers/reference-droplet.js';

test('SSH droplet: files over SFTP, argv exec, Docker socket over stream-local forwarding', async (t) => {
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const d = await SshDroplet.connect(ref.profile());
  t.after(() => d.close());

  assert.equal(d.identity.hostKey, ref.hostFingerprint);
  assert.equal(d.paths.envFile, `${ref.jarvisRoot}/.env`);

  const env = await d.readFile(d.paths.envFile);
  assert.equal(env.toString(), ref.readEnv());
  assert.equal((await d.readRange(d.paths.envFile, 2, 9)).toString(), ref.readEnv().slice(2, 9));
  assert.equal(await d.stat(`${ref.home}/nope`), null);
  const st = await d.stat(d.paths.envFile);
  assert.equal(st?.mode, 0o640);

  // argv elements with shell metacharacters arrive as single arguments
  const tricky = ['a b', "it's", '$(touch /tmp/pwned)', '`id`', ';rm -rf x', '"q"'];
  const r = await d.exec(['printf', '%s\\n', ...tricky]);
  assert.equal(r.code, 0);
  assert.deepEqual(r.stdout.toString().trimEnd().split('\n'), tricky);

  const r2 = await d.exec(['sh', '-c', 'exit 7']);
  assert.equal(r2.code, 7);

  // atomic write keeps the mode and refuses when the file changed under us
  const path = `${ref.home}/atomic.txt`;
  await d.writeNew(path, Buffer.from('one'), 0o600);
  await writeAtomic(d, path, Buffer.from('two'), { mode: 0o600, expect: Buffer.from('one') });
  assert.equal((await d.readFile(path)).toString(), 'two');
  await assert.rejects(writeAtomic(d, path, Buffer.from('three'), { mode: 0o600, expect: Buffer.from('one') }), /changed on the droplet/);
  assert.equal((await d.readFile(path)).toString(), 'two');
  const leftovers = (await d.readdir(ref.home)).filter((e) => e.name.includes('.stratam-'));
  assert.deepEqual(leftovers, []);

  await d.append(`${ref.home}/log.jsonl`, Buffer.from('a\n'));
  await d.append(`${ref.home}/log.jsonl`, Buffer.from('b\n'));
  assert.equal((await d.readFile(`${ref.home}/log.jsonl`)).toString(), 'a\nb\n');

  // Docker's socket through the same connection
  const sock = await d.openUnixSocket('/var/run/docker.sock');
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ createConnection: () => sock as never, path: '/_ping', method: 'GET', headers: { host: 'docker' } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve(b));
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(body, 'OK');
});
