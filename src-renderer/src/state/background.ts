/**
 * Work the console starts and does not wait for: a refresh after a push, a
 * feed start after a connect, a button's action. The functions it runs turn
 * the failures they expect into a toast or a card's error themselves; what
 * they did not expect (the host's transport rejecting, a bug in a view) is
 * caught here, told to the person and written to the console with what was
 * being done, instead of vanishing as an unhandled rejection.
 */

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Run `p` without waiting for it; a rejection is reported as "<what> failed unexpectedly: ...". */
export function background(p: Promise<unknown>, what: string, report: (text: string) => void): void {
  p.catch((err: unknown) => {
    const text = `${what} failed unexpectedly: ${messageOf(err)}`;
    console.error(`stratam console: ${text}`, err);
    try {
      report(text);
    } catch (reportErr) {
      // The toast itself failed (a view threw while rendering it): the console line above is all that is left.
      console.error('stratam console: the error above could not be shown', reportErr);
    }
  });
}
