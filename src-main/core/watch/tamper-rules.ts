/**
 * What changed in a control-plane entry, and whether an operator receipt
 * explains it (contract v2: "Any other change to a control-plane file with
 * no matching operator receipt is tampering, whoever made it"). Pure: the
 * watch observes, this module compares, so every rule is tested without a
 * droplet.
 *
 * Values of keys outside the contract (API keys in .env) are never carried:
 * a change there is reported by key name only.
 */
import type { BreakerRecord } from '../breaker/breaker-file.js';
import type { ControlEntry } from '../droplet/control-plane.js';
import type { FileType } from '../droplet/droplet.js';
import { CONTRACT_KEYS, FLAG_KEYS } from '../flags/env-editor.js';
import { splitList, TRUST_KEYS } from '../flags/identifiers.js';

/** What the watch saw at an entry's path. */
export type Observed =
  | { kind: 'absent' }
  | { kind: 'not-regular'; type: FileType }
  | { kind: 'unreadable'; message: string }
  /** .env: effective values (None-valued keys absent) and the first doubt touching a flag, if any. */
  | { kind: 'env'; values: ReadonlyMap<string, string>; doubt: { line: number; key: string | null; reason: string } | null; hash: string }
  | { kind: 'breaker'; record: BreakerRecord | null; hash: string }
  /** Files only the operator writes, compared whole (keyring, authorized_keys, sshd config). */
  | { kind: 'content'; hash: string; lines: number }
  /** Append-only files (audit log, receipts): identity and size, from the droplet's lstat. */
  | { kind: 'append'; ino: number; size: number }
  /** Folders and files the agent may rewrite (vault.json, snapshots): only their type is the operator's. */
  | { kind: 'present'; type: FileType; listing: string | null };

export type ChangeWhat = 'flag' | 'trust' | 'value' | 'bytes' | 'grammar' | 'breaker' | 'keys' | 'access' | 'replaced' | 'removed' | 'created' | 'truncated' | 'unreadable' | 'listing';

export interface Change {
  /** Control-plane entry id (`env`, `breaker`, ...). */
  file: string;
  path: string;
  what: ChangeWhat;
  key: string | null;
  from: string | null;
  to: string | null;
}

/** An operator receipt, as far as explaining a change needs it. */
export interface ReceiptLite {
  seq: number;
  tool: string;
  ok: boolean;
  args: Record<string, unknown>;
}

const CONTRACT = new Set<string>(CONTRACT_KEYS);
const TRUST_KEY_TO_CHANNEL = new Map(Object.entries(TRUST_KEYS).map(([ch, key]) => [key, ch]));

function describe(o: Observed): string {
  switch (o.kind) {
    case 'absent':
      return 'absent';
    case 'not-regular':
      return o.type;
    case 'unreadable':
      return 'unreadable';
    default:
      return 'file';
  }
}

function typeChange(e: ControlEntry, before: Observed, after: Observed): Change | null {
  const c = (what: ChangeWhat): Change => ({ file: e.id, path: e.path, what, key: null, from: describe(before), to: describe(after) });
  if (after.kind === 'not-regular' && !(e.kind === 'dir' && after.type === 'dir')) {
    return before.kind === 'not-regular' && before.type === after.type ? null : c('replaced');
  }
  if (after.kind === 'present' && e.kind === 'dir' && after.type !== 'dir') return c('replaced');
  if (after.kind === 'absent') return before.kind === 'absent' ? null : c('removed');
  if (after.kind === 'unreadable') return before.kind === 'unreadable' ? null : c('unreadable');
  if (before.kind === 'absent' || before.kind === 'not-regular' || before.kind === 'unreadable') return c('created');
  return null;
}

function envChanges(e: ControlEntry, b: Extract<Observed, { kind: 'env' }>, a: Extract<Observed, { kind: 'env' }>): Change[] {
  const out: Change[] = [];
  const ch = (what: ChangeWhat, key: string | null, from: string | null, to: string | null) => out.push({ file: e.id, path: e.path, what, key, from, to });
  if (a.doubt && (!b.doubt || b.doubt.line !== a.doubt.line || b.doubt.reason !== a.doubt.reason)) ch('grammar', a.doubt.key, null, `line ${a.doubt.line}: ${a.doubt.reason}`);
  const keys = new Set([...b.values.keys(), ...a.values.keys()]);
  for (const key of [...keys].sort()) {
    const from = b.values.get(key) ?? null;
    const to = a.values.get(key) ?? null;
    if (from === to) continue;
    const channel = TRUST_KEY_TO_CHANNEL.get(key);
    if (channel) {
      const was = new Set(splitList(from ?? ''));
      const now = new Set(splitList(to ?? ''));
      for (const id of now) if (!was.has(id)) ch('trust', key, null, id);
      for (const id of was) if (!now.has(id)) ch('trust', key, id, null);
      // Only the spelling changed (spaces, order): still a change nobody receipted.
      if ([...now].every((id) => was.has(id)) && [...was].every((id) => now.has(id))) ch('value', key, from, to);
    } else if (key === FLAG_KEYS.selfModify || key === FLAG_KEYS.eternalLoop) ch('flag', key, from, to);
    else if (CONTRACT.has(key)) ch('value', key, from, to);
    else ch('value', key, null, null);
  }
  if (out.length === 0 && a.hash !== b.hash) ch('bytes', null, null, null);
  return out;
}

function breakerChanges(e: ControlEntry, b: Extract<Observed, { kind: 'breaker' }>, a: Extract<Observed, { kind: 'breaker' }>): Change[] {
  if (a.hash === b.hash) return [];
  const from = b.record?.state ?? 'unreadable';
  const to = a.record?.state ?? 'unreadable';
  return [{ file: e.id, path: e.path, what: 'breaker', key: from === to ? null : 'state', from, to }];
}

/** Every change between two observations of one entry (empty when nothing the rules care about changed). */
export function diffObserved(e: ControlEntry, before: Observed, after: Observed): Change[] {
  const t = typeChange(e, before, after);
  if (t) {
    // A file that came back readable is compared with an empty file, so a new .env reports its flags too.
    if (t.what === 'created' && after.kind === 'env') return [t, ...envChanges(e, { kind: 'env', values: new Map(), doubt: null, hash: '' }, after)];
    return [t];
  }
  if (before.kind === 'env' && after.kind === 'env') return envChanges(e, before, after);
  if (before.kind === 'breaker' && after.kind === 'breaker') return breakerChanges(e, before, after);
  if (before.kind === 'content' && after.kind === 'content') {
    if (before.hash === after.hash) return [];
    return [{ file: e.id, path: e.path, what: e.role === 'keyring' ? 'keys' : 'access', key: null, from: `${before.lines} line(s)`, to: `${after.lines} line(s)` }];
  }
  if (before.kind === 'append' && after.kind === 'append') {
    // Same file, fewer bytes: lines were removed. A new inode is rotation (the agent's right).
    if (before.ino === after.ino && after.size < before.size) return [{ file: e.id, path: e.path, what: 'truncated', key: null, from: `${before.size} bytes`, to: `${after.size} bytes` }];
    return [];
  }
  if (before.kind === 'present' && after.kind === 'present' && before.listing !== after.listing && after.listing !== null) {
    return [{ file: e.id, path: e.path, what: 'listing', key: null, from: null, to: null }];
  }
  return [];
}

const receiptsFor =
  (tools: readonly string[], pred: (r: ReceiptLite) => boolean = () => true) =>
  (rs: readonly ReceiptLite[]) =>
    rs.find((r) => r.ok && tools.includes(r.tool) && pred(r)) ?? null;

export interface ExplainContext {
  /** breaker.json reads tripped: the droplet's own trip may set JARVIS_ETERNAL_LOOP=0. */
  breakerTripped: boolean;
  /** An audit file that went away was rotated (its inode is at the next name, or it was the oldest kept). */
  rotated: boolean;
}

/**
 * The receipt (appended after the entry was last observed) that explains a
 * change, `'allowed'` when the contract lets it happen without one (the
 * agent's runtime tripping the breaker, rotating its log, adding a
 * snapshot), or null: tampering.
 */
export function explain(c: Change, receipts: readonly ReceiptLite[], ctx: ExplainContext): ReceiptLite | 'allowed' | null {
  switch (c.what) {
    case 'flag':
      if (c.key === FLAG_KEYS.selfModify) return receiptsFor(c.to === '1' ? ['resume'] : ['pause'])(receipts);
      if (c.to === '1') return receiptsFor(['breaker_rearm'])(receipts);
      // The droplet's own breaker trip writes JARVIS_ETERNAL_LOOP=0 (contract: breaker).
      return receiptsFor(['breaker_trip'])(receipts) ?? (ctx.breakerTripped ? 'allowed' : null);
    case 'trust': {
      const channel = TRUST_KEY_TO_CHANNEL.get(c.key ?? '');
      const id = c.to ?? c.from;
      const same = (r: ReceiptLite) => r.args.channel === channel && typeof r.args.id === 'string' && r.args.id.toLowerCase() === id?.toLowerCase();
      return receiptsFor([c.to !== null ? 'trust_add' : 'trust_revoke'], same)(receipts);
    }
    case 'breaker':
      if (c.to === 'armed') return receiptsFor(['breaker_rearm'])(receipts);
      if (c.to === 'tripped') return receiptsFor(['breaker_trip'])(receipts) ?? 'allowed';
      return null;
    case 'keys':
      return receiptsFor(['vault_rotate', 'vault_purge', 'vault_init'])(receipts);
    case 'removed':
      return ctx.rotated ? 'allowed' : null;
    case 'created':
      // The app creates a missing .env on pause (and the keyring on vault init).
      if (c.file === 'env') return receiptsFor(['pause', 'resume', 'trust_add', 'trust_revoke', 'breaker_trip', 'breaker_rearm'])(receipts);
      if (c.file === 'breaker') return receiptsFor(['breaker_trip', 'breaker_rearm'])(receipts) ?? 'allowed';
      if (c.file === 'keyring' || c.file === 'vault') return receiptsFor(['vault_init', 'vault_rotate'])(receipts);
      if (c.file === 'receipts' || c.file.startsWith('activity') || c.file === 'history') return 'allowed';
      return null;
    case 'value':
    case 'bytes':
      // The app edits only the flags and trust lists; anything else in .env nobody receipts.
      return null;
    default:
      return null;
  }
}

/** One line for people: what happened, without any value outside the contract. */
export function describeChange(c: Change): string {
  const arrow = `${c.from ?? 'unset'} → ${c.to ?? 'unset'}`;
  switch (c.what) {
    case 'flag':
    case 'value':
      return c.from === null && c.to === null ? `${c.key} changed in ${c.path}` : `${c.key}: ${arrow} in ${c.path}`;
    case 'trust':
      return c.to !== null ? `${c.to} added to ${c.key} in ${c.path}` : `${c.from} removed from ${c.key} in ${c.path}`;
    case 'bytes':
      return `${c.path} was rewritten (no value changed)`;
    case 'grammar':
      return `${c.path} now holds a line the app cannot read as the agent does (${c.to})`;
    case 'breaker':
      return c.key === 'state' ? `the breaker went ${arrow} in ${c.path}` : `${c.path} was rewritten (state ${c.to})`;
    case 'keys':
      return `the vault keyring ${c.path} changed (${arrow})`;
    case 'access':
      return `${c.path} changed (${arrow})`;
    case 'replaced':
      return `${c.path} was replaced: ${c.from} → ${c.to}`;
    case 'removed':
      return `${c.path} was removed`;
    case 'created':
      return `${c.path} appeared`;
    case 'truncated':
      return `${c.path} lost lines (${arrow})`;
    case 'unreadable':
      return `${c.path} became unreadable`;
    case 'listing':
      return `the contents of ${c.path} changed`;
  }
}
