/**
 * Settings → Keyboard: turn the single-key shortcuts off (WCAG 2.1.4), for
 * speech input and for anyone who types into the window by accident. Escape,
 * Tab and the arrow keys in the feed are not single-character shortcuts and
 * stay on.
 */
import { setShortcutsEnabled, useShortcutsEnabled } from '../state/shortcuts.js';

export function ShortcutsSetting() {
  const on = useShortcutsEnabled();
  return (
    <div className="panel">
      <h2 id="keyboard-h">Keyboard</h2>
      <label className="check">
        <input type="checkbox" checked={on} onChange={(e) => setShortcutsEnabled(e.target.checked)} aria-describedby="keyboard-what" /> Single-key shortcuts
      </label>
      <p id="keyboard-what" className="small muted">
        <kbd>1</kbd>–<kbd>8</kbd> switch views, <kbd>/</kbd> searches the audit feed, <kbd>Shift</kbd>+<kbd>P</kbd> pauses the selected droplet. They never act while a dialog is open. Saved in this
        window only.
      </p>
    </div>
  );
}
