import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseKnownHosts, verifyHostKey, wildcardMatch, hostLookupName } from '../../../src-main/core/ssh/known-hosts.js';
import { fingerprintOf, normalizeFingerprint } from '../../../src-main/core/ssh/host-key.js';

function keypair(dir: string, name: string): { line: string; blob: Buffer; pub: string } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
  const pub = readFileSync(join(dir, `${name}.pub`), 'utf8').trim();
  const [type, b64] = pub.split(' ');
  return { line: `${type} ${b64}`, blob: Buffer.from(b64!, 'base64'), pub: join(dir, `${name}.pub`) };
}

test('known_hosts: plain, [host]:port, several keys, wildcards, negation, hashed (ssh-keygen -H), @revoked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-'));
  try {
    const a = keypair(dir, 'a');
    const b = keypair(dir, 'b');
    const c = keypair(dir, 'c');
    // fingerprint matches ssh-keygen's own
    const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', a.pub], { encoding: 'utf8' }).split(' ')[1];
    assert.equal(fingerprintOf(a.blob), fp);

    const text = [
      '# comment',
      '',
      `droplet.example.com,10.0.0.5 ${a.line}`,
      `droplet.example.com ${b.line} second key`,
      `[droplet.example.com]:2222 ${c.line}`,
      `*.lab.example ${a.line}`,
      `!evil.lab.example,*.lab.example ${b.line}`,
      'garbage line without fields',
      `@cert-authority *.example.com ${c.line}`,
    ].join('\n');
    const e = parseKnownHosts(text);
    assert.equal(e.length, 6);
    assert.deepEqual(verifyHostKey(e, 'droplet.example.com', 22, a.blob), { status: 'match', line: 3 });
    assert.deepEqual(verifyHostKey(e, 'droplet.example.com', 22, b.blob), { status: 'match', line: 4 });
    assert.deepEqual(verifyHostKey(e, '10.0.0.5', 22, a.blob), { status: 'match', line: 3 });
    assert.equal(verifyHostKey(e, 'droplet.example.com', 22, c.blob).status, 'changed', 'CA lines never vouch for a plain key');
    assert.deepEqual(verifyHostKey(e, 'droplet.example.com', 2222, c.blob), { status: 'match', line: 5 });
    assert.equal(verifyHostKey(e, 'droplet.example.com', 2222, a.blob).status, 'changed');
    assert.equal(verifyHostKey(e, 'other.example.com', 22, a.blob).status, 'unknown');
    assert.equal(verifyHostKey(e, 'x.lab.example', 22, a.blob).status, 'match');
    assert.equal(verifyHostKey(e, 'evil.lab.example', 22, b.blob).status, 'changed', 'negation excludes the line');

    // Hashed entries made by OpenSSH itself
    const kh = join(dir, 'known_hosts');
    writeFileSync(kh, `droplet.example.com ${a.line}\n[127.0.0.1]:2200 ${b.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
    const hashed = parseKnownHosts(readFileSync(kh, 'utf8'));
    assert.ok(hashed.every((h) => h.patterns[0]!.startsWith('|1|')));
    assert.equal(verifyHostKey(hashed, 'droplet.example.com', 22, a.blob).status, 'match');
    assert.equal(verifyHostKey(hashed, '127.0.0.1', 2200, b.blob).status, 'match');
    assert.equal(verifyHostKey(hashed, '127.0.0.1', 2201, b.blob).status, 'unknown');
    assert.equal(verifyHostKey(hashed, 'droplet.example.com', 22, b.blob).status, 'changed');

    // @revoked refuses the key even where another line lists it
    const rev = parseKnownHosts(`droplet.example.com ${a.line}\n@revoked * ${a.line}\n`);
    assert.deepEqual(verifyHostKey(rev, 'droplet.example.com', 22, a.blob), { status: 'revoked', line: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wildcards and lookup names', () => {
  assert.equal(hostLookupName('h', 22), 'h');
  assert.equal(hostLookupName('h', 2222), '[h]:2222');
  assert.ok(wildcardMatch('*.example.com', 'a.b.example.com'));
  assert.ok(wildcardMatch('host?', 'host1'));
  assert.ok(!wildcardMatch('host?', 'host12'));
  assert.ok(wildcardMatch('[*]:2222', '[x]:2222'));
  assert.ok(!wildcardMatch('*.example.com', 'example.com'));
});

test('fingerprint normalisation accepts SHA256 with or without padding and nothing else', () => {
  const fp = fingerprintOf(randomBytes(51));
  assert.equal(normalizeFingerprint(fp), fp);
  assert.equal(normalizeFingerprint(`${fp}=`), fp);
  assert.equal(normalizeFingerprint(`  ${fp} `), fp);
  assert.equal(normalizeFingerprint('MD5:12:34'), null);
  assert.equal(normalizeFingerprint('SHA256:short'), null);
});

test('the parser survives random bytes (fuzz): no throw, and random garbage never matches', () => {
  const key = randomBytes(51);
  for (let i = 0; i < 2000; i++) {
    const junk = randomBytes(Math.floor(Math.random() * 400)).toString(i % 2 ? 'latin1' : 'base64');
    const e = parseKnownHosts(junk);
    assert.notEqual(verifyHostKey(e, 'h', 22, key).status, 'match');
  }
});
