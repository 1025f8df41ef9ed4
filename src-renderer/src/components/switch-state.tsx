/**
 * The pieces every view uses to show a droplet's switch: the badge (never
 * "paused" or "allowed" unless read now), when it was read (updating every
 * second), the mark that says the values are old, and the reason with its
 * fix when the switch is unknown. All text from the core is rendered inert.
 */
import type { SwitchView } from '../state/switch-view.js';
import { switchWord } from '../state/switch-view.js';
import { legible } from '../text/inert.js';
import { ago, clock, useNow } from './time.js';

export function SwitchBadge({ v, testId }: { v: SwitchView; testId?: string }) {
  const cls = v.selfModify === 'paused' ? 'b-paused' : v.selfModify === 'allowed' ? 'b-ok' : v.stale ? 'b-stale' : 'b-unknown';
  return (
    <span className={`badge ${cls}`} data-testid={testId} title={v.unknown ? legible(v.unknown.detail) : undefined}>
      {switchWord(v)}
    </span>
  );
}

/** "read 12s ago", ticking; "never read" before the first read. */
export function ReadAge({ at, testId, prefix = 'read' }: { at: string | null; testId?: string; prefix?: string }) {
  const now = useNow(1000);
  return (
    <span className="read-age" data-testid={testId}>
      {at ? `${prefix} ${ago(at, now)}` : 'never read'}
    </span>
  );
}

/** The explicit mark beside greyed values: why they are not current, and how old they are. */
export function StaleMark({ v, id }: { v: SwitchView; id?: string }) {
  const now = useNow(1000);
  if (!v.stale) return null;
  const last = v.last ? `last read ${ago(v.checkedAt, now)}${v.last.selfModify !== 'unknown' ? ` (${v.last.selfModify})` : ''}` : 'never read';
  const head = v.stale === 'link-down' ? (v.since ? `Link down since ${clock(v.since)}` : 'Not connected') : `Link back since ${clock(v.since)}, reading again`;
  return (
    <p className="stale-mark" id={id} data-testid="stale-mark">
      {head}; {last}. These values are not current.
    </p>
  );
}

/** The core's reason for an unknown switch, and its fix. */
export function UnknownReason({ v }: { v: SwitchView }) {
  if (!v.unknown || v.stale) return null;
  return (
    <div className="unknown-reason" data-testid="switch-unknown">
      <p>
        <strong>Why unknown ({v.unknown.reason}):</strong> {legible(v.unknown.detail)}
      </p>
      <p>
        <strong>Fix:</strong> {legible(v.unknown.fix)}
      </p>
    </div>
  );
}
