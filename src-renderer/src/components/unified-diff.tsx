/**
 * One file's unified diff as text lines, each marked added, removed, hunk
 * header or context by a class (colour) AND by its leading character, so the
 * meaning never rests on colour alone. The patch comes from the droplet's
 * files: every line is rendered as inert text (legible strips escapes).
 */
import { legible } from '../text/inert.js';

const MAX_LINES = 4000;

function kind(line: string): 'add' | 'del' | 'hunk' | 'meta' | 'ctx' {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('Index:') || line.startsWith('===')) return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  return 'ctx';
}

export function UnifiedDiff({ patch, label }: { patch: string; label: string }) {
  const lines = patch.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, MAX_LINES);
  return (
    // The name is on a figure: a <pre> is generic and may not carry one (axe aria-prohibited-attr); it scrolls, so it takes focus.
    <figure className="text-block" aria-label={label}>
      <pre className="diff" tabIndex={0}>
        {shown.map((l, i) => {
          const k = kind(l);
          return (
            <span key={i} className={`diff-line diff-${k}`} data-kind={k}>
              {legible(l)}
              {'\n'}
            </span>
          );
        })}
        {lines.length > shown.length && <span className="diff-line diff-meta">… {lines.length - shown.length} more line(s) not shown</span>}
      </pre>
    </figure>
  );
}
