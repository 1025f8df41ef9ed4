/**
 * Fernet (https://github.com/fernet/spec) on node:crypto, byte-compatible with
 * Python's `cryptography` Fernet, which the agent uses.
 *
 * Token: 0x80 | timestamp (u64 BE, seconds) | IV (16) | AES-128-CBC ciphertext
 * (PKCS7) | HMAC-SHA256 over everything before it (32), as URL-safe base64
 * WITH `=` padding (Python's decoder rejects unpadded tokens).
 * Key: URL-safe base64 of 32 bytes; the first 16 sign, the last 16 encrypt.
 *
 * Why not the npm `fernet` package: see docs/vault.md (crypto-js 3 underneath,
 * no padding validation, HMACs compared as hex strings, caller IVs mangled).
 *
 * Errors never carry the token or key: only the reason class.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

const VERSION = 0x80;
const HEADER = 1 + 8 + 16; // version, timestamp, IV
const MAC = 32;
/** Python's _MAX_CLOCK_SKEW: a token stamped more than 60 s in the future is refused (TTL checks only). */
export const MAX_CLOCK_SKEW = 60;

export class InvalidToken extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`Invalid Fernet token (${reason}).`);
    this.name = 'InvalidToken';
    this.reason = reason;
  }
}

const B64URL_PADDED = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Strict URL-safe base64: length a multiple of 4, only the URL-safe alphabet,
 * `=` padding present, and canonical (re-encoding gives the same text). Node's
 * own decoder silently skips bad characters, so it cannot be trusted alone.
 */
export function decodeBase64UrlStrict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !B64URL_PADDED.test(text)) return null;
  const buf = Buffer.from(text, 'base64url');
  return encodeBase64UrlPadded(buf) === text ? buf : null;
}

/** URL-safe base64 with `=` padding, as Python's urlsafe_b64encode writes it. */
export function encodeBase64UrlPadded(buf: Buffer): string {
  const s = buf.toString('base64url');
  const pad = (4 - (s.length % 4)) % 4;
  return pad === 0 ? s : s + '='.repeat(pad);
}

/** A new random key in the form Python's Fernet.generate_key() returns. */
export function generateKey(): string {
  const raw = randomBytes(32);
  const key = encodeBase64UrlPadded(raw);
  raw.fill(0);
  return key;
}

// IVs come from a small pool so 20,000 rotations do not make 20,000 calls into
// the CSPRNG; the pool is refilled from randomFillSync, never reused.
const ivPool = Buffer.alloc(16 * 256);
let ivOffset = ivPool.length;
function freshIv(): Buffer {
  if (ivOffset >= ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + 16));
  ivPool.fill(0, ivOffset, ivOffset + 16);
  ivOffset += 16;
  return iv;
}

export interface DecryptOptions {
  /** Seconds a token stays valid; absent means no time checks (Python's default). */
  ttl?: number;
  /** Current time in Unix seconds (tests); defaults to the clock. */
  now?: number;
}

export interface EncryptOptions {
  /** Token timestamp in Unix seconds; defaults to the clock. */
  now?: number;
  /** A fixed IV (spec vectors only); defaults to a fresh random one. */
  iv?: Buffer;
}

/** Decoded, unverified token parts (timestamp kept as raw bytes so rotation copies them exactly). */
interface TokenData {
  data: Buffer;
  timestamp: number;
}

function parseToken(token: string): TokenData {
  if (typeof token !== 'string') throw new InvalidToken('not a string');
  const data = decodeBase64UrlStrict(token);
  if (data === null) throw new InvalidToken('not URL-safe base64 with padding');
  if (data.length < 1 || data[0] !== VERSION) throw new InvalidToken('unknown version');
  if (data.length < 9) throw new InvalidToken('too short');
  return { data, timestamp: Number(data.readBigUInt64BE(1)) };
}

/** The token's creation time in Unix seconds, unverified. */
export function extractTimestamp(token: string): number {
  return parseToken(token).timestamp;
}

export class Fernet {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  /** `key`: URL-safe base64 of 32 bytes (as stored in vault.keys), or the 32 raw bytes. */
  constructor(key: string | Buffer) {
    const raw = typeof key === 'string' ? decodeBase64UrlStrict(key) : Buffer.from(key);
    if (raw === null || raw.length !== 32) {
      raw?.fill(0);
      throw new Error('A Fernet key must be 32 bytes written as URL-safe base64 with padding (44 characters).');
    }
    this.signingKey = Buffer.from(raw.subarray(0, 16));
    this.encryptionKey = Buffer.from(raw.subarray(16, 32));
    raw.fill(0);
  }

  encrypt(plaintext: Buffer | string, opts: EncryptOptions = {}): string {
    const ts = opts.now ?? Math.floor(Date.now() / 1000);
    const tsBytes = Buffer.alloc(8);
    tsBytes.writeBigUInt64BE(BigInt(ts));
    const iv = opts.iv ?? freshIv();
    if (iv.length !== 16) throw new Error('A Fernet IV must be 16 bytes.');
    return this.encryptFromParts(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext, tsBytes, iv);
  }

  /** The caller's IV is used as given (copied into the token, never altered). */
  encryptFromParts(plaintext: Buffer, timestamp8: Buffer, iv: Buffer): string {
    const cipher = createCipheriv('aes-128-cbc', this.encryptionKey, iv);
    const c1 = cipher.update(plaintext);
    const c2 = cipher.final();
    const out = Buffer.allocUnsafe(HEADER + c1.length + c2.length + MAC);
    out[0] = VERSION;
    timestamp8.copy(out, 1, 0, 8);
    iv.copy(out, 9, 0, 16);
    c1.copy(out, HEADER);
    c2.copy(out, HEADER + c1.length);
    const macAt = out.length - MAC;
    createHmac('sha256', this.signingKey).update(out.subarray(0, macAt)).digest().copy(out, macAt);
    return encodeBase64UrlPadded(out);
  }

  decrypt(token: string, opts: DecryptOptions = {}): Buffer {
    const { data, timestamp } = parseToken(token);
    return this.decryptData(data, timestamp, opts);
  }

  /** Python's _decrypt_data: time checks (only with a TTL), then HMAC, then CBC and PKCS7. */
  decryptData(data: Buffer, timestamp: number, opts: DecryptOptions = {}): Buffer {
    const r = this.open(data, timestamp, opts);
    if (typeof r === 'string') throw new InvalidToken(r);
    return r;
  }

  /**
   * decryptData without exceptions: the plaintext, or the reason it failed.
   * MultiFernet tries keys that are expected to fail; building an exception
   * (with its stack) for each of those costs more than the HMAC itself.
   */
  open(data: Buffer, timestamp: number, opts: DecryptOptions = {}): Buffer | string {
    if (opts.ttl !== undefined) {
      const now = opts.now ?? Math.floor(Date.now() / 1000);
      if (timestamp + opts.ttl < now) return 'expired';
      if (now + MAX_CLOCK_SKEW < timestamp) return 'timestamp too far in the future';
    }
    // Smallest valid token: header, one cipher block, MAC; ciphertext in whole blocks.
    if (data.length < HEADER + 16 + MAC || (data.length - HEADER - MAC) % 16 !== 0) return 'bad length';
    const macAt = data.length - MAC;
    const expected = createHmac('sha256', this.signingKey).update(data.subarray(0, macAt)).digest();
    if (!timingSafeEqual(expected, data.subarray(macAt))) return 'signature mismatch';
    const decipher = createDecipheriv('aes-128-cbc', this.encryptionKey, data.subarray(9, HEADER));
    try {
      const p1 = decipher.update(data.subarray(HEADER, macAt));
      const p2 = decipher.final(); // OpenSSL checks every PKCS7 padding byte
      return p2.length === 0 ? p1 : Buffer.concat([p1, p2]);
    } catch {
      return 'bad padding';
    }
  }

  /** Zero the key bytes this instance holds (node:crypto keeps its own copies only per call). */
  destroy(): void {
    this.signingKey.fill(0);
    this.encryptionKey.fill(0);
  }
}

/** Python's MultiFernet: encrypt with the first key, decrypt with any, rotate to the first. */
export class MultiFernet {
  readonly fernets: readonly Fernet[];

  constructor(fernets: readonly Fernet[]) {
    if (fernets.length === 0) throw new Error('MultiFernet needs at least one key.');
    this.fernets = fernets;
  }

  encrypt(plaintext: Buffer | string, opts: EncryptOptions = {}): string {
    return this.fernets[0]!.encrypt(plaintext, opts);
  }

  decrypt(token: string, opts: DecryptOptions = {}): Buffer {
    return this.decryptWithIndex(token, opts).plaintext;
  }

  /** Which key (index into fernets) opened the token: 0 means the primary. */
  decryptWithIndex(token: string, opts: DecryptOptions = {}): { plaintext: Buffer; index: number } {
    const { data, timestamp } = parseToken(token);
    const r = this.openAny(data, timestamp, opts);
    if (typeof r === 'string') throw new InvalidToken(r);
    return r;
  }

  /**
   * Re-encrypt under the first key, keeping the original timestamp bytes (as
   * Python's MultiFernet.rotate does) with a fresh IV. No TTL check, like Python.
   */
  rotate(token: string): string {
    const { data, timestamp } = parseToken(token);
    const r = this.openAny(data, timestamp, {});
    if (typeof r === 'string') throw new InvalidToken(r);
    const out = this.fernets[0]!.encryptFromParts(r.plaintext, data.subarray(1, 9), freshIv());
    r.plaintext.fill(0);
    return out;
  }

  // Tokens come in runs under the same key (a whole archive under the old
  // primary), so the key that opened the last token is tried first. Only one
  // key can pass the HMAC, so the answer is the same as trying in order.
  private lastHit = 0;

  private openAny(data: Buffer, timestamp: number, opts: DecryptOptions): { plaintext: Buffer; index: number } | string {
    const first = this.lastHit;
    let reason = 'no key opens it';
    for (let n = 0; n < this.fernets.length; n++) {
      const i = n === 0 ? first : n <= first ? n - 1 : n;
      const r = this.fernets[i]!.open(data, timestamp, opts);
      if (typeof r !== 'string') {
        this.lastHit = i;
        return { plaintext: r, index: i };
      }
      reason = r;
    }
    return reason;
  }

  destroy(): void {
    for (const f of this.fernets) f.destroy();
  }
}
