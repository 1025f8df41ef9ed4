import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { StratamError } from '../../../src-main/core/errors.js';
import { describeForLog, formatLine, log, openLog, reportError, setLogEcho, setLogSink } from '../../../src-main/core/log/logger.js';
import { logFilePath } from '../../../src-main/core/log/log-file.js';
import { scrub } from '../../../src-main/core/log/scrub.js';

test('scrubbing: keys, tokens, passwords, PEM blocks and credentials in URLs never reach a line', () => {
  const secrets = [
    'OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5q',
    'DISCORD_BOT_TOKEN="MTA4ODk.Gx7_yZ.abcdEFGH1234ijklMNOP5678"',
    '{"password": "hunter2", "user": "ops"}',
    'Authorization: Bearer abc.def.ghi-123',
    'https://ops:s3cr3t@example.com/x',
    'fernet key W8n0v1r2xQ4k6J0pZ8s7d3F5g1h9L2m4N6b8V0c2X4E=',
    'FERNET_KEYS=W8n0v1r2xQ4k6J0pZ8s7d3F5g1h9L2m4N6b8V0c2X4E=,Qm9v',
    'ghp_0123456789abcdefghijABCDEFGHIJ012345 and AKIAIOSFODNN7EXAMPLE',
    'https://edge/activity?sig=deadbeef99&x=1',
    'key material\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n',
    'passphrase: correct horse',
  ];
  const leaked = ['sk-proj', 'MTA4ODk', 'hunter2', 'abc.def', 's3cr3t', 'W8n0v1r2', 'Qm9v', 'ghp_0123', 'AKIAIOSF', 'deadbeef99', 'b3BlbnNz', 'correct'];
  const lines = secrets.map((s) => formatLine('error', 'test', s));
  for (const l of lines) for (const bit of leaked) assert.ok(!l.includes(bit), `${bit} leaked in: ${l}`);
  for (const l of lines) assert.match(l, /\[redacted\]/);

  // What a reader needs stays: paths, seqs, plain words, error codes.
  for (const keep of [
    'could not read /home/ops/.config/stratam-tray/audit/127.0.0.1_2222_0123456789abcdef/activity.entries',
    'keyring.json: ENOENT',
    'activity record at seq 123456 was rewritten',
    'Authentication failed for user ops',
  ])
    assert.equal(scrub(keep), keep);
});

test('a line: ISO time, level, source, message; one line whatever the message holds', () => {
  const at = new Date('2026-01-02T03:04:05.006Z');
  assert.equal(formatLine('warn', 'witness', 'two writers', at), '2026-01-02T03:04:05.006Z WARN witness: two writers');
  const forged = formatLine('error', 'feed', 'bad\n2026-01-01T00:00:00.000Z INFO x: forged\x1b[2J\u202e', at);
  assert.equal(forged.split('\n').length, 1);
  assert.ok(forged.includes('\\n2026-01-01') && forged.includes('\\x1b[2J') && forged.includes('\\u202e'));

  assert.equal(describeForLog(new StratamError('connect', 'Could not reach h.', { hint: 'x' })), 'connect: Could not reach h.');
  const io = Object.assign(new Error('open failed'), { code: 'EACCES', config: { privateKey: 'PRIVATE' } });
  assert.equal(describeForLog(io), 'open failed [EACCES]');
  assert.equal(describeForLog(new Error('outer', { cause: new Error('inner') })), 'outer (cause: inner)');
  assert.equal(describeForLog({ privateKey: 'PRIVATE' }), 'a thrown object that is not an Error');
});

test('the logger writes errors, warnings and info to the file, debug only to the echo, and never throws', (t) => {
  const state = mkdtempSync(join(tmpdir(), 'stratam-logger-'));
  t.after(() => rmSync(state, { recursive: true, force: true }));
  const file = openLog(state);
  const echoed: string[] = [];
  setLogEcho((l) => echoed.push(l));
  t.after(() => {
    setLogSink(null);
    setLogEcho(null);
    file.close();
  });
  reportError('vault', Object.assign(new Error('read failed'), { code: 'EIO' }), 'reading the keyring');
  log.warn('breaker', 'clock skew of 3 s');
  log.info('session', 'connected to ops@h token=abc123def');
  log.debug('cli', 'started');
  const lines = readFileSync(logFilePath(state), 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0] as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR vault: reading the keyring: read failed \[EIO\]$/);
  assert.match(lines[1] as string, / WARN breaker: clock skew of 3 s$/);
  assert.match(lines[2] as string, / INFO session: connected to ops@h token=\[redacted\]$/);
  assert.deepEqual(
    echoed.map((l) => l.slice(25)),
    [...lines.map((l) => l.slice(25)), 'DEBUG cli: started'],
  );

  // A sink that fails (a full disk) does not take the caller down.
  setLogSink({
    write: () => {
      throw new Error('ENOSPC');
    },
  });
  const stderrWrite = process.stderr.write;
  let said = '';
  process.stderr.write = ((s: string) => ((said += s), true)) as typeof process.stderr.write;
  try {
    log.error('x', 'one');
    log.error('x', 'two');
  } finally {
    process.stderr.write = stderrWrite;
  }
  assert.equal(said.split('\n').filter(Boolean).length, 1, 'said once');
  assert.match(said, /the log could not be written/);
});
