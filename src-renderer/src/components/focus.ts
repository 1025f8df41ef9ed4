/**
 * Where keyboard focus goes when the thing that had it goes away. A button
 * that disappears (a revoked id), turns disabled (Resume once resumed,
 * Re-arm once re-armed) or a view that is swapped out would otherwise drop
 * focus onto <body>: a screen reader then starts again from the top of the
 * page and a keyboard user has to Tab from the first control. The view's
 * "home" is what it marks with `data-focus-home`, else its heading.
 */

const CANDIDATES = 'a[href], button, input, select, textarea, summary, [tabindex]';

function isDisabled(el: Element): boolean {
  return (el as HTMLButtonElement).disabled === true;
}

/** Whether focus() on this element would take (and keep) focus. */
export function canTakeFocus(el: Element | null): el is HTMLElement {
  return el instanceof HTMLElement && el.isConnected && !isDisabled(el) && !el.closest('[inert]') && el.getClientRects().length > 0;
}

/** The elements Tab visits inside `root`, in document order (no positive tabindex is used in this app). */
export function tabbables(root: Element): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(CANDIDATES)].filter((el) => el.tabIndex >= 0 && !(el instanceof HTMLInputElement && el.type === 'hidden') && canTakeFocus(el));
}

/** The open modal dialog, if any (a native <dialog> shown with showModal()). */
export function openModal(): HTMLDialogElement | null {
  return document.querySelector<HTMLDialogElement>('dialog:modal');
}

/** Focus the current view's home: its `data-focus-home` element, else its first heading, else the main region. */
export function focusViewHome(): void {
  const modal = openModal();
  if (modal) {
    (tabbables(modal)[0] ?? modal).focus();
    return;
  }
  const main = document.querySelector<HTMLElement>('main.main');
  if (!main) return;
  const homes = [...main.querySelectorAll<HTMLElement>('[data-focus-home]'), ...main.querySelectorAll<HTMLElement>('h1')];
  const target = homes.find((el) => el.isConnected && el.getClientRects().length > 0) ?? main;
  // A heading or region is not focusable by itself; -1 makes it a focus target without adding a Tab stop.
  if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
}

/**
 * Watch `root` for the focused element being removed or disabled and move
 * focus to the view's home. Only a loss caused by the page itself counts: if
 * the element that last had focus is still there and usable, the person moved
 * focus away on purpose (a click on empty space) and it is left alone.
 */
export function rescueLostFocus(root: HTMLElement): () => void {
  let last: Element | null = null;
  const onFocusIn = (e: FocusEvent) => {
    last = e.target instanceof Element ? e.target : null;
  };
  const check = () => {
    const active = document.activeElement;
    const lost = !active || active === document.body || isDisabled(active);
    if (!lost || !last) return;
    if (last !== active && canTakeFocus(last)) return;
    last = null;
    focusViewHome();
  };
  const observer = new MutationObserver(check);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled', 'inert', 'hidden'] });
  document.addEventListener('focusin', onFocusIn);
  return () => {
    observer.disconnect();
    document.removeEventListener('focusin', onFocusIn);
  };
}

/** Give focus back to `opener` when it can still take it, else to the view's home; only if focus is now nowhere useful or inside `leaving`. */
export function returnFocus(opener: Element | null, leaving: Element | null): void {
  const active = document.activeElement;
  const stranded = !active || active === document.body || (leaving !== null && leaving.contains(active));
  if (!stranded) return;
  if (canTakeFocus(opener)) opener.focus();
  else focusViewHome();
}
