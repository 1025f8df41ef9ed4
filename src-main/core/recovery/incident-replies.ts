/**
 * The agent's reply in each change's turn: the last `assistant` record of
 * that turn in conversation_archive.jsonl, decrypted with the droplet's
 * keyring (MultiFernet order, as export does). Read from the end under a
 * byte budget, and only as far back as an hour before the oldest change: a
 * reply belongs to its turn, which is around its tool call.
 *
 * Nothing here fails the incident: a missing keyring, an archive that is a
 * link, a token no key opens each become the change's `replyNote` (and, for
 * the whole archive, a warning). Notes name files and key ids at most, never
 * key material or plaintext other than the reply itself.
 */
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { StratamError, describeError } from '../errors.js';
import { InvalidToken } from '../vault/fernet.js';
import { type Keyring, loadKeyring } from '../vault/keyring.js';
import { linesFromEnd } from './lines-from-end.js';
import type { IncidentChange } from './recovery-types.js';

export const ARCHIVE_BUDGET = 32 * 1024 * 1024;
const MAX_ARCHIVE_LINE = 1024 * 1024;
/** How far before the oldest change a reply of its turn may be stamped. */
const TURN_SLACK_MS = 60 * 60_000;
/** A reply longer than this is cut (the console shows an excerpt anyway). */
export const REPLY_CHARS = 8000;

export async function attachReplies(droplet: Droplet, changes: IncidentChange[], opts: { signal?: AbortSignal; warnings: string[] }): Promise<void> {
  const wanted = new Set<string>();
  for (const c of changes) {
    if (c.turn === null) c.replyNote = 'The change was made by the eternal-improvement loop (no conversation turn), so there is no reply.';
    else wanted.add(c.turn);
  }
  if (wanted.size === 0) return;
  const path = homeFile(droplet.paths, CONTRACT_FILES.archive);
  const oldest = Math.min(...changes.map((c) => Date.parse(c.ts)).filter(Number.isFinite));
  const stopBefore = Number.isFinite(oldest) ? oldest - TURN_SLACK_MS : -Infinity;

  let tokens: Map<string, string>;
  let searched: string;
  try {
    ({ tokens, searched } = await findReplyTokens(droplet, path, wanted, stopBefore));
  } catch (err) {
    opts.signal?.throwIfAborted();
    const note = `The conversation archive could not be read: ${describeError(err)}`;
    opts.warnings.push(note);
    for (const c of changes) if (c.turn !== null) c.replyNote = note;
    return;
  }
  opts.signal?.throwIfAborted();
  let keyring: Keyring | null = null;
  let keyringNote: string | null = null;
  if (tokens.size > 0) {
    try {
      keyring = await loadKeyring(droplet);
    } catch (err) {
      if (!(err instanceof StratamError)) throw err;
      // The keyring's errors name the file and what is wrong with it, never a key.
      keyringNote = `The archive holds a reply for this turn, but it cannot be decrypted: ${err.message}`;
      opts.warnings.push(`Replies could not be decrypted: ${err.message}`);
    }
  }
  try {
    for (const c of changes) {
      if (c.turn === null) continue;
      const token = tokens.get(c.turn);
      if (token === undefined) c.replyNote = `No assistant reply for turn ${c.turn} in ${searched}.`;
      else if (!keyring) c.replyNote = keyringNote;
      else Object.assign(c, decryptReply(keyring, token));
    }
  } finally {
    keyring?.destroy();
  }
}

function decryptReply(keyring: Keyring, token: string): { reply: string | null; replyNote: string | null } {
  let plain: Buffer;
  try {
    plain = keyring.decrypt(token);
  } catch (err) {
    if (!(err instanceof InvalidToken)) throw err;
    return { reply: null, replyNote: 'The reply is in the archive, but its token does not open with any key in vault.keys.' };
  }
  try {
    const content = (JSON.parse(plain.toString('utf8')) as { content?: unknown }).content;
    if (typeof content !== 'string') return { reply: null, replyNote: 'The reply decrypts, but holds no text "content".' };
    return { reply: content.length > REPLY_CHARS ? `${content.slice(0, REPLY_CHARS)}…` : content, replyNote: null };
  } catch {
    return { reply: null, replyNote: 'The reply decrypts, but not to the JSON the contract describes.' };
  } finally {
    plain.fill(0);
  }
}

/** The `enc` of each wanted turn's last assistant record, and a phrase saying what was searched. */
async function findReplyTokens(droplet: Droplet, path: string, wanted: Set<string>, stopBefore: number): Promise<{ tokens: Map<string, string>; searched: string }> {
  const tokens = new Map<string, string>();
  const file = await droplet.openRegular(path, 'read');
  if (!file) return { tokens, searched: 'the conversation archive (there is none)' };
  const budget = { left: ARCHIVE_BUDGET, exhausted: false };
  try {
    for await (const line of linesFromEnd(file, { budget, maxLine: MAX_ARCHIVE_LINE })) {
      if (line.overlong || !line.bytes.includes('assistant')) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line.bytes.toString('utf8')) as Record<string, unknown>;
      } catch {
        continue; // a torn or malformed archive line holds no reply we could show
      }
      if (!rec || typeof rec !== 'object') continue;
      const at = Date.parse(typeof rec.ts === 'string' ? rec.ts : '');
      if (at < stopBefore) break;
      if (rec.role !== 'assistant' || typeof rec.turn !== 'string' || typeof rec.enc !== 'string') continue;
      if (wanted.has(rec.turn) && !tokens.has(rec.turn)) tokens.set(rec.turn, rec.enc);
      if (tokens.size === wanted.size) break;
    }
  } finally {
    await file.close();
  }
  const searched = budget.exhausted ? `the last ${ARCHIVE_BUDGET >> 20} MiB of the conversation archive` : 'the conversation archive';
  return { tokens, searched };
}
