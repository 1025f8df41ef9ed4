import { useId, useRef, type ReactNode } from 'react';
import { ModalDialog } from './dialog.js';

/** A modal confirmation: focus starts on Cancel so Enter never confirms by accident. */
export function Confirm(props: { title: string; children: ReactNode; confirmLabel: string; danger?: boolean; onConfirm(): void; onCancel(): void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useId();
  return (
    <ModalDialog labelledBy={`${id}-title`} describedBy={`${id}-body`} initialFocus={cancel} onCancel={props.onCancel}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      <div className="dialog-body" id={`${id}-body`}>
        {props.children}
      </div>
      <div className="row end">
        <button type="button" ref={cancel} onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </ModalDialog>
  );
}
