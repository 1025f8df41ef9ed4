/**
 * A droplet-supplied value shown as plain text (never markup), legible (ANSI
 * and control characters neutralised), and clipped: a 6 MB value must not
 * freeze the page, so only a window of it is in the DOM until the person asks
 * for more.
 */
import { useState } from 'react';
import { formatBytes, legible } from '../text/inert.js';

const STEP = 16 * 1024;

export function ClippedText({ text, label, fullLength }: { text: string; label: string; fullLength?: number | null }) {
  const [shown, setShown] = useState(STEP);
  const visible = legible(text.length > shown ? text.slice(0, shown) : text);
  const more = text.length > shown;
  return (
    <div className="clipped">
      {/* The name is on a figure: a <pre> is generic and may not carry one (axe aria-prohibited-attr). It scrolls, so it takes focus (scrollable-region-focusable). */}
      <figure className="text-block" aria-label={label}>
        <pre className="value" tabIndex={0}>
          {visible}
        </pre>
      </figure>
      {more && (
        <button type="button" className="link" onClick={() => setShown((s) => s * 4)} aria-label={`Show more of ${label}`}>
          Showing {formatBytes(shown)} of {formatBytes(text.length)} — show more
        </button>
      )}
      {fullLength !== undefined && fullLength !== null && fullLength > text.length && (
        <p className="muted small">
          The full record is {formatBytes(fullLength)}; the feed keeps its first {formatBytes(text.length)} and its checksum.
        </p>
      )}
    </div>
  );
}
