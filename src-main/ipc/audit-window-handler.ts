/**
 * The `auditWindow` handler (audit-window-channel.ts): a stretch of the audit
 * trail by seq, or the seq at a time, read from this desktop's mirror of the
 * droplet's activity log (core/audit/mirror-window.ts). The session keeps the
 * mirror synced while connected (mirror-keeper.ts), so the answer sends
 * nothing to the droplet and still holds records the droplet's own log no
 * longer does. Rows are the auditQuery view (mirror-line-view.ts, shared with
 * auditSearch).
 */
import { pinnedIdentity } from '../core/audit/mirror/mirror-identity.js';
import { mirrorCapBytes } from '../core/config/profile.js';
import type { WindowRequest } from '../core/audit/mirror-window.js';
import type { Session } from '../core/session/session.js';
import type { ParsedArgsOf, ResultOf } from './channels.js';
import { lineToView } from './mirror-line-view.js';

type Args = ParsedArgsOf<'auditWindow'>;

/**
 * A record longer than this comes clipped (a `truncated` marker): a page of
 * 100 rows is then at most 6.4 MB however long the lines an agent writes, and
 * the console's page cache stays bounded (trail-window.ts). Far above a real
 * record (~250 bytes); the drawer names the command that fetches it whole.
 */
export const WINDOW_CLIP_BYTES = 64 * 1024;

function coreRequest({ fromSeq, toSeq, time }: Args): WindowRequest {
  if (fromSeq !== undefined && toSeq !== undefined) return { fromSeq, toSeq };
  if (time !== undefined) return { time: Date.parse(time) };
  return {};
}

export async function auditWindow(session: Session, args: Args): Promise<ResultOf<'auditWindow'>> {
  const profile = await session.profiles.get(args.name);
  // With the link down, the profile's pinned host key still names the mirror: the trail outlives the droplet.
  const identity = pinnedIdentity(profile) ?? session.droplet(args.name).identity;
  const empty = { mirror: null, items: [], extra: 0, seq: null, bytesRead: 0 };
  if (mirrorCapBytes(profile) === 0) return { kept: false, ...empty };
  const { readMirrorWindow } = await import('../core/audit/mirror-window.js');
  const w = readMirrorWindow(session.opts.stateDir, identity, coreRequest(args));
  if (!w) return { kept: true, ...empty };
  const { info } = w;
  const inodes = new Map(info.files.map((f) => [f.n, f.inode]));
  return {
    kept: true,
    mirror: { startSeq: info.startSeq, endSeq: info.endSeq, files: info.files.length, bytes: info.bytes, droppedThroughSeq: info.dropped.throughSeq },
    items: w.records.map((r) => lineToView(r.line, r.seq, r.value, r.pos, inodes.get(r.pos.n) ?? '', WINDOW_CLIP_BYTES)),
    extra: w.extra,
    seq: w.seq,
    bytesRead: w.bytesRead,
  };
}
