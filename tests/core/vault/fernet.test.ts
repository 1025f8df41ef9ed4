import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sharedDir } from '../../helpers/repo-root.js';
import { Fernet, InvalidToken, MultiFernet, decodeBase64UrlStrict, extractTimestamp, generateKey } from '../../../src-main/core/vault/fernet.js';
import { python } from './python-fernet.js';

interface Vector {
  token: string;
  now: string;
  secret: string;
  src?: string;
  iv?: number[];
  ttl_sec?: number;
  desc?: string;
}
const vectors = (name: string): Vector[] => JSON.parse(readFileSync(join(sharedDir(), 'vectors', 'fernet', `${name}.json`), 'utf8')) as Vector[];
const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const b64 = (b: Buffer) => b.toString('base64');

test('generate vectors: same token byte for byte', () => {
  const all = vectors('generate');
  assert.ok(all.length > 0);
  for (const v of all) {
    const f = new Fernet(v.secret);
    assert.equal(f.encrypt(v.src!, { now: unix(v.now), iv: Buffer.from(v.iv!) }), v.token);
  }
});

test('verify vectors: decrypt with the TTL and clock given', () => {
  const all = vectors('verify');
  assert.ok(all.length > 0);
  for (const v of all) {
    const f = new Fernet(v.secret);
    assert.equal(f.decrypt(v.token, { ttl: v.ttl_sec!, now: unix(v.now) }).toString('utf8'), v.src);
  }
});

test('invalid vectors: every one refused, with the TTL and clock given', () => {
  const all = vectors('invalid');
  assert.equal(all.length, 8);
  for (const v of all) {
    const f = new Fernet(v.secret);
    assert.throws(() => f.decrypt(v.token, { ttl: v.ttl_sec!, now: unix(v.now) }), InvalidToken, v.desc);
    assert.throws(() => new MultiFernet([new Fernet(generateKey()), f]).decrypt(v.token, { ttl: v.ttl_sec!, now: unix(v.now) }), InvalidToken, v.desc);
  }
});

test('TTL and clock skew follow Python: no time checks without a TTL, 60 s skew allowed', () => {
  const f = new Fernet(generateKey());
  const t = f.encrypt('x', { now: 1000 });
  assert.equal(f.decrypt(t, { ttl: 10, now: 1010 }).toString(), 'x');
  assert.throws(() => f.decrypt(t, { ttl: 10, now: 1011 }), /expired/);
  assert.equal(f.decrypt(t, { ttl: 10, now: 940 }).toString(), 'x');
  assert.throws(() => f.decrypt(t, { ttl: 10, now: 939 }), /future/);
  assert.equal(f.decrypt(t, { now: 10_000_000 }).toString(), 'x');
  assert.equal(extractTimestamp(t), 1000);
});

test('tokens always carry = padding and strict base64 is enforced', () => {
  const f = new Fernet(generateKey());
  for (let n = 0; n < 40; n++) {
    const t = f.encrypt(randomBytes(n));
    assert.equal(t.length % 4, 0);
    const stripped = t.replace(/=+$/, '');
    if (stripped !== t) assert.throws(() => f.decrypt(stripped), /base64/);
  }
  assert.equal(decodeBase64UrlStrict('ab+/'), null);
  assert.equal(decodeBase64UrlStrict('ab c'), null);
  assert.equal(decodeBase64UrlStrict('abc'), null);
  assert.equal(decodeBase64UrlStrict('YQ=='.replace('Q', 'R')), null, 'non-canonical trailing bits');
  assert.throws(() => new Fernet('short'), /32 bytes/);
});

test('a caller IV is used as given', () => {
  const f = new Fernet(generateKey());
  const iv = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const raw = Buffer.from(f.encrypt('hi', { iv }), 'base64url');
  assert.deepEqual(raw.subarray(9, 25), iv);
  assert.deepEqual(iv, Buffer.from('00112233445566778899aabbccddeeff', 'hex'));
});

const payloads = (): Buffer[] => [
  Buffer.from(''),
  Buffer.from('hello'),
  Buffer.from(JSON.stringify({ content: 'Grüße, 日本語, emoji 🎉 and "quotes"\n' })),
  Buffer.from([0, 255, 128, 10, 13, 0]),
  randomBytes(15),
  randomBytes(16),
  randomBytes(17),
  randomBytes(4096),
];

test('Python decrypts our tokens (text and binary)', () => {
  const key = generateKey();
  const f = new Fernet(key);
  const items = payloads();
  const tokens = items.map((p) => f.encrypt(p));
  const got = python<Array<{ index: number; plain: string; ts: number }>>({ op: 'decrypt', keys: [key], items: tokens });
  got.forEach((g, i) => {
    assert.equal(g.index, 0);
    assert.equal(g.plain, b64(items[i]!));
    assert.equal(g.ts, extractTimestamp(tokens[i]!));
  });
});

test('we decrypt Python tokens (text and binary)', () => {
  const key = generateKey();
  const items = payloads();
  const tokens = python<string[]>({ op: 'encrypt', key, items: items.map(b64) });
  const f = new Fernet(key);
  tokens.forEach((t, i) => assert.deepEqual(f.decrypt(t), items[i]));
});

test("MultiFernet: Python rotates ours and we rotate Python's, timestamps kept", () => {
  const oldKey = generateKey();
  const newKey = generateKey();
  const items = payloads();
  const ours = items.map((p, i) => new Fernet(oldKey).encrypt(p, { now: 1_700_000_000 + i }));
  const mf = new MultiFernet([new Fernet(newKey), new Fernet(oldKey)]);
  const rotated = ours.map((t) => mf.rotate(t));
  const judged = python<Array<{ index: number; plain: string; ts: number }>>({ op: 'decrypt', keys: [newKey, oldKey], items: rotated });
  judged.forEach((g, i) => {
    assert.equal(g.index, 0, 'under the new key');
    assert.equal(g.plain, b64(items[i]!));
    assert.equal(g.ts, 1_700_000_000 + i);
  });
  const pyRotated = python<string[]>({ op: 'rotate', keys: [newKey, oldKey], items: ours });
  pyRotated.forEach((t, i) => {
    assert.deepEqual(new Fernet(newKey).decrypt(t), items[i]);
    assert.equal(extractTimestamp(t), 1_700_000_000 + i);
  });
  assert.throws(() => new MultiFernet([new Fernet(generateKey())]).rotate(ours[0]!), InvalidToken);
  assert.equal(mf.decryptWithIndex(ours[1]!).index, 1);
});

test('errors never contain the token', () => {
  const f = new Fernet(generateKey());
  const t = new Fernet(generateKey()).encrypt('secret-refresh-token');
  try {
    f.decrypt(t);
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof InvalidToken);
    assert.ok(!err.message.includes(t.slice(0, 20)));
    assert.ok(!err.message.includes('secret'));
  }
});

test("findEnc locates only the record's own token", async () => {
  const { findEnc, replaceEnc } = await import('../../../src-main/core/vault/archive-lines.js');
  const plain = Buffer.from('{"a": "x \\"enc\\": \\"FAKE\\"", "enc": "gAAA=="}');
  const s1 = findEnc(plain)!;
  assert.equal(s1.token, 'gAAA==');
  assert.equal(replaceEnc(plain, s1, 'NEW=').toString(), '{"a": "x \\"enc\\": \\"FAKE\\"", "enc": "NEW="}');
  const nested = Buffer.from('{"meta": {"enc": "inner"}, "enc": "outer"}');
  assert.equal(findEnc(nested)!.token, 'outer');
  const escaped = Buffer.from('{"enc": "\\u0067AAA"}');
  const s3 = findEnc(escaped)!;
  assert.equal(s3.token, 'gAAA');
  assert.equal(JSON.parse(replaceEnc(escaped, s3, 'X').toString()).enc, 'X');
  assert.equal(findEnc(Buffer.from('not json "enc": "x"')), null);
  assert.equal(findEnc(Buffer.from('{"role": "user"}')), null);
  const bin = Buffer.concat([Buffer.from('{"author": "'), Buffer.from([0xff, 0xfe]), Buffer.from('", "enc": "TOK="}')]);
  const s4 = findEnc(bin)!;
  const out = replaceEnc(bin, s4, 'NEW=');
  assert.deepEqual(out.subarray(12, 14), Buffer.from([0xff, 0xfe]), 'invalid UTF-8 elsewhere kept byte for byte');
});
