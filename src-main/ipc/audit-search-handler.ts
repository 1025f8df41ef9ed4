/**
 * The `auditSearch` handler (audit-search-channel.ts): one page of the
 * whole-trail search, read from this desktop's mirror of the droplet's
 * activity log (core/audit/mirror-search.ts, shared with the CLI). The
 * session keeps the mirror synced while connected (mirror-keeper.ts), so the
 * search itself sends nothing to the droplet and still finds records the
 * droplet's own log no longer holds.
 *
 * Each hit becomes the same view as auditQuery's records (mirror-line-view.ts,
 * shared with auditWindow); a line the mirror kept as evidence but that is
 * not a JSON record comes back as a `malformed` diagnostic.
 */
import { pinnedIdentity } from '../core/audit/mirror/mirror-identity.js';
import { mirrorCapBytes } from '../core/config/profile.js';
import type { SearchQuery } from '../core/audit/search/search-types.js';
import type { Session } from '../core/session/session.js';
import type { ParsedArgsOf, ResultOf } from './channels.js';
import { lineToView } from './mirror-line-view.js';

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

export async function auditSearch(session: Session, { name, query, cursor, limit }: Args): Promise<ResultOf<'auditSearch'>> {
  const profile = await session.profiles.get(name);
  // With the link down, the profile's pinned host key still names the mirror: the trail outlives the droplet.
  const identity = pinnedIdentity(profile) ?? session.droplet(name).identity;
  const none = { items: [], next: null, mirror: null, scannedBytes: 0 };
  if (mirrorCapBytes(profile) === 0) return none;
  const { searchMirror } = await import('../core/audit/mirror-search.js');
  const found = await searchMirror(session.opts.stateDir, identity, coreQuery(query), { limit, ...(cursor ? { cursor } : {}) });
  if (!found) return none;
  const { info, page } = found;
  const inodes = new Map(info.files.map((f) => [f.n, f.inode]));
  return {
    items: page.hits.map((h) => lineToView(h.line, h.seq, h.value, h.pos, inodes.get(h.pos.n) ?? '')),
    next: page.next,
    mirror: { startSeq: info.startSeq, endSeq: info.endSeq, files: info.files.length, bytes: info.bytes },
    scannedBytes: page.scannedBytes,
  };
}
