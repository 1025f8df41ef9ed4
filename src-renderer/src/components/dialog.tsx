/**
 * A modal dialog: a native <dialog> opened with showModal(), so the browser
 * makes the rest of the page inert (no click, no focus, hidden from screen
 * readers) and puts it above everything (toasts included). Focus is taken
 * once, when it opens, onto `initialFocus` (else its first control); Tab and
 * Shift+Tab wrap inside it; Escape is Cancel; on close focus goes back to
 * what opened it, or to the view's home when that is gone or disabled.
 * A parent re-rendering (a pushed state, a ticking clock) never moves focus.
 */
import { useLayoutEffect, useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { returnFocus, tabbables } from './focus.js';

export function ModalDialog(props: {
  labelledBy: string;
  describedBy?: string;
  /** Where focus starts; read once, when the dialog opens. */
  initialFocus?: RefObject<HTMLElement | null>;
  onCancel(): void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // The latest callbacks, read when they fire, so the open effect runs once.
  const cancel = useRef(props.onCancel);
  cancel.current = props.onCancel;
  const initial = useRef(props.initialFocus);

  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return;
    const opener = document.activeElement;
    if (!d.open) d.showModal();
    (initial.current?.current ?? tabbables(d)[0] ?? d).focus();
    let cancelled = false;
    // Escape fires `cancel`; the parent decides (it unmounts the dialog), the browser does not close it behind React's back.
    const onCancelEvent = (e: Event) => {
      e.preventDefault();
      cancelled = true;
      cancel.current();
    };
    // A cancel the browser would not let us prevent (a second Escape without a click in between) still closes: tell the parent.
    const onClose = () => {
      if (!cancelled && d.isConnected) cancel.current();
    };
    d.addEventListener('cancel', onCancelEvent);
    d.addEventListener('close', onClose);
    return () => {
      d.removeEventListener('cancel', onCancelEvent);
      d.removeEventListener('close', onClose);
      // Leave the modal state first: while it lasts, everything outside (the opener too) is inert and refuses focus.
      if (d.open) d.close();
      returnFocus(opener, d);
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const list = tabbables(ref.current);
    const first = list[0];
    const last = list[list.length - 1];
    const active = document.activeElement;
    if (!first || !last) {
      e.preventDefault();
      return;
    }
    if (e.shiftKey && (active === first || active === ref.current)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={props.labelledBy} aria-describedby={props.describedBy} onKeyDown={onKeyDown}>
      {props.children}
    </dialog>
  );
}
