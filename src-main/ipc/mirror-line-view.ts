/**
 * One mirror line as the console's audit row (schemas.ts `auditItem`), shared
 * by auditSearch and auditWindow so a row found by a search, shown from the
 * mirror or loaded by the feed renders and opens the same way: the exact line
 * as text, its sha256, and where it sits in the droplet's file (a mirror file
 * is that file's bytes from offset 0, so the offset is the droplet's). A line
 * the mirror kept as evidence but that is not a JSON record (no seq) becomes
 * a `malformed` diagnostic, as the feed would show it.
 */
import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import type { MirrorPos } from '../core/audit/mirror/mirror-types.js';
import type { AuditItemView } from './schemas.js';

/**
 * `value` is the parsed line ({} when it is not a JSON object); `fileId` the
 * droplet file's inode. A record longer than `clip` bytes comes as a
 * `truncated` marker with its first `clip` bytes, as the feed delivers a line
 * over its limit: the console shows it clipped and names the command that
 * fetches it whole.
 */
export function lineToView(line: Buffer, seq: number | null, value: Record<string, unknown>, pos: MirrorPos, fileId: string, clip = Infinity): AuditItemView {
  const sha256 = hash('sha256', line, 'hex');
  if (seq !== null && line.length > clip) {
    const head = line.subarray(0, clip).toString('utf8');
    const fetch = `stratam audit fetch --file-id ${fileId} --offset ${pos.offset}`;
    return {
      type: 'diagnostic',
      diagnostic: { kind: 'truncated', stream: 'activity', record_seq: seq, file_id: fileId, offset: pos.offset, length: line.length, sha256, head, marker: '[truncated]', fetch },
    };
  }
  if (seq === null) {
    const reason = !isUtf8(line) ? 'invalid-utf8' : Object.keys(value).length ? 'no-seq' : 'invalid-json';
    const preview = JSON.stringify(line.subarray(0, 200).toString('utf8')).slice(1, -1);
    return { type: 'diagnostic', diagnostic: { kind: 'malformed', stream: 'activity', reason, file_id: fileId, offset: pos.offset, length: line.length, sha256, preview } };
  }
  return { type: 'record', record: { stream: 'activity', seq, value, text: line.toString('utf8'), sha256, fileId, offset: pos.offset } };
}
