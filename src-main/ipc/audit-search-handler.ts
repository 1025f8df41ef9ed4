/**
 * The `auditSearch` handler (audit-search-channel.ts): one page of the
 * whole-trail search, read from this desktop's mirror of the droplet's
 * activity log (core/audit/mirror-search.ts, shared with the CLI). The
 * session keeps the mirror synced while connected (mirror-keeper.ts), so the
 * search itself sends nothing to the droplet and still finds records the
 * droplet's own log no longer holds.
 *
 * Each hit becomes the same view as auditQuery's records: the exact line as
 * text, its sha256, and where it sits in the droplet's file (a mirror file is
 * that file's bytes from offset 0, so the offset is the droplet's). A line the
 * mirror kept as evidence but that is not a JSON record (no seq) comes back as
 * a `malformed` diagnostic, as the feed would show it.
 */
import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import { mirrorCapBytes } from '../core/config/profile.js';
import type { SearchHit, SearchQuery } from '../core/audit/search/search-types.js';
import type { Session } from '../core/session/session.js';
import type { ParsedArgsOf, ResultOf } from './channels.js';
import type { AuditItemView } from './schemas.js';

type Args = ParsedArgsOf<'auditSearch'>;

function coreQuery(q: Args['query']): SearchQuery {
  const out: SearchQuery = {};
  if (q.text !== undefined) out.text = q.text;
  if (q.tools) out.tools = q.tools;
  if (q.outcomes) out.outcomes = q.outcomes;
  if (q.channels) out.channels = q.channels;
  if (q.trust) out.trust = q.trust;
  if (q.since !== undefined) out.since = Date.parse(q.since);
  if (q.until !== undefined) out.until = Date.parse(q.until);
  return out;
}

function hitToView(h: SearchHit, inodeOf: (n: number) => string): AuditItemView {
  const sha256 = hash('sha256', h.line, 'hex');
  const fileId = inodeOf(h.pos.n);
  if (h.seq === null) {
    const reason = !isUtf8(h.line) ? 'invalid-utf8' : Object.keys(h.value).length ? 'no-seq' : 'invalid-json';
    const preview = JSON.stringify(h.line.subarray(0, 200).toString('utf8')).slice(1, -1);
    return { type: 'diagnostic', diagnostic: { kind: 'malformed', stream: 'activity', reason, file_id: fileId, offset: h.pos.offset, length: h.line.length, sha256, preview } };
  }
  return { type: 'record', record: { stream: 'activity', seq: h.seq, value: h.value, text: h.line.toString('utf8'), sha256, fileId, offset: h.pos.offset } };
}

export async function auditSearch(session: Session, { name, query, cursor, limit }: Args): Promise<ResultOf<'auditSearch'>> {
  const droplet = session.droplet(name);
  const profile = await session.profiles.get(name);
  const none = { items: [], next: null, mirror: null, scannedBytes: 0 };
  if (mirrorCapBytes(profile) === 0) return none;
  const { searchMirror } = await import('../core/audit/mirror-search.js');
  const found = await searchMirror(session.opts.stateDir, droplet.identity, coreQuery(query), { limit, ...(cursor ? { cursor } : {}) });
  if (!found) return none;
  const { info, page } = found;
  const inodes = new Map(info.files.map((f) => [f.n, f.inode]));
  return {
    items: page.hits.map((h) => hitToView(h, (n) => inodes.get(n) ?? '')),
    next: page.next,
    mirror: { startSeq: info.startSeq, endSeq: info.endSeq, files: info.files.length, bytes: info.bytes },
    scannedBytes: page.scannedBytes,
  };
}
