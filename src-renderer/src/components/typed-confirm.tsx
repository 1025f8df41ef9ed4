/**
 * A confirmation for an action that cannot be taken back by a click: the
 * person types the droplet's name (as the CLI's `--confirm <droplet-name>`).
 * Focus starts in the field; the action button stays disabled until the text
 * matches exactly; Escape and Cancel close it. The main side checks the same
 * name again, so this dialog is a guard for people, not the only one.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

export function TypedConfirm(props: {
  title: string;
  /** What must be typed: the droplet's name. */
  expected: string;
  confirmLabel: string;
  children: ReactNode;
  /** Extra fields above the name (a checkbox, a number), rendered inside the dialog. */
  extra?: ReactNode;
  onConfirm(): void;
  onCancel(): void;
}) {
  const [typed, setTyped] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  // The latest onCancel, read at the key press: a parent re-rendering (a pushed state) must not re-run the effect and pull focus back.
  const cancel = useRef(props.onCancel);
  cancel.current = props.onCancel;
  useEffect(() => {
    input.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && cancel.current();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const matches = typed === props.expected;
  return (
    <div className="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} aria-describedby={`${id}-body`} className="dialog">
        <h2 id={`${id}-title`}>{props.title}</h2>
        <div className="dialog-body" id={`${id}-body`}>
          {props.children}
        </div>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (matches) props.onConfirm();
          }}
        >
          {props.extra}
          <label className="field" htmlFor={`${id}-name`}>
            Type <strong className="mono">{props.expected}</strong> to confirm
          </label>
          <input id={`${id}-name`} ref={input} className="mono wide" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
          <div className="row end">
            <button type="button" onClick={props.onCancel}>
              Cancel
            </button>
            <button type="submit" className="danger" disabled={!matches}>
              {props.confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
