/**
 * Wait `ms`, or less if `signal` aborts: resolves either way, never rejects.
 * The abort listener goes when the wait ends, so loops that wait again and
 * again (a follower's restart, a watch's poll) leave nothing on a signal that
 * lives for weeks.
 */
export function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
