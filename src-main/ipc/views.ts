/** Core values turned into what crosses the contract (no Buffers, no secrets). */
import type { FeedItem } from '../core/audit/diagnostics.js';
import type { DropletProfile } from '../core/config/profile.js';
import type { AuditItemView, ProfileView } from './schemas.js';

export function profileToView(p: DropletProfile): ProfileView {
  return {
    name: p.name,
    transport: p.transport,
    host: p.host,
    port: p.port,
    user: p.user,
    identityFile: p.identityFile ?? null,
    fingerprint: p.fingerprint ?? null,
    edgeUrl: p.edgeUrl ?? null,
    mirrorCapMB: p.mirrorCapMB ?? null,
    paths: p.paths,
  };
}

export function feedItemToView(item: FeedItem): AuditItemView {
  if (item.type === 'diagnostic') return { type: 'diagnostic', diagnostic: { ...item.diagnostic } };
  const r = item.record;
  return {
    type: 'record',
    record: { stream: r.stream, seq: r.seq, value: r.value, text: r.bytes.toString('utf8'), sha256: r.sha256, fileId: r.file_id, offset: r.offset },
  };
}
