/**
 * A confirmation for an action that cannot be taken back by a click: the
 * person types the droplet's name (as the CLI's `--confirm <droplet-name>`).
 * Focus starts in the field (once, when it opens: see dialog.tsx); the action
 * button stays disabled until the text matches exactly; Escape and Cancel
 * close it. The main side checks the same
 * name again, so this dialog is a guard for people, not the only one.
 */
import { useId, useRef, useState, type ReactNode } from 'react';
import { ModalDialog } from './dialog.js';

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
  const matches = typed === props.expected;
  return (
    <ModalDialog labelledBy={`${id}-title`} describedBy={`${id}-body`} initialFocus={input} onCancel={props.onCancel}>
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
    </ModalDialog>
  );
}
