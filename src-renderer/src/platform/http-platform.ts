/**
 * The browser face of the platform: calls are POST /api/call/<channel> and
 * pushed events arrive on one long GET /api/events as newline-delimited JSON.
 * Both carry the harness token as a bearer header, never in a URL the server
 * sees: the token comes in the page's #fragment (not sent on requests, not
 * logged), is kept in sessionStorage for reloads, and the fragment is wiped.
 */
import type { ChannelName, Envelope, EventName, StratamApi } from '../../../src-main/ipc/api.js';
import type { Platform } from './platform.js';

const TOKEN_KEY = 'stratam.harness.token';

function takeToken(): string {
  const m = /(?:^|[#&])token=([A-Za-z0-9_-]{16,128})/.exec(window.location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
  }
  const kept = sessionStorage.getItem(TOKEN_KEY);
  if (kept) return kept;
  throw new Error('This page needs the harness token: open the exact URL that `npm run ui:browser` printed.');
}

type Listener = (payload: unknown) => void;

/** One listener's failure (a bug in a view) must not drop the event stream for every other listener. */
function deliver(event: string, l: Listener, payload: unknown): void {
  try {
    l(payload);
  } catch (err) {
    console.error(`stratam console: a listener for the ${event} event failed`, err);
  }
}

export async function connectHttpPlatform(): Promise<Platform> {
  const token = takeToken();
  const headers = { authorization: `Bearer ${token}` };
  const res = await fetch('/api/channels', { headers });
  if (!res.ok) throw new Error(res.status === 401 ? 'The harness refused the token: open the URL it printed (each run makes a new one).' : `The harness answered ${res.status}.`);
  const { channels } = (await res.json()) as { channels: ChannelName[] };
  const served = new Set(channels);

  const listeners = new Map<string, Set<Listener>>();
  const transport = new Set<(up: boolean) => void>();
  const setUp = (up: boolean) => transport.forEach((l) => l(up));

  const call = async (channel: ChannelName, args: unknown): Promise<Envelope<unknown>> => {
    try {
      const r = await fetch(`/api/call/${channel}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(args ?? {}) });
      const body = (await r.json()) as Envelope<unknown>;
      return body;
    } catch (err) {
      return { error: { kind: 'connect', message: `The harness is unreachable (${(err as Error).message}).`, hint: 'Restart `npm run ui:browser` and reload the page.' } };
    }
  };

  // One event stream, re-opened with backoff if it drops.
  const pump = async () => {
    let delay = 250;
    for (;;) {
      try {
        const r = await fetch('/api/events', { headers });
        if (!r.ok || !r.body) throw new Error(String(r.status));
        setUp(true);
        delay = 250;
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (!line) continue;
            const msg = JSON.parse(line) as { event: string; payload: unknown };
            listeners.get(msg.event)?.forEach((l) => deliver(msg.event, l, msg.payload));
          }
        }
      } catch (err) {
        // Expected while the harness restarts (the page shows the transport as down meanwhile): said once per outage, then retried.
        if (delay === 250) console.warn(`stratam console: the harness event stream dropped (${err instanceof Error ? err.message : String(err)}); reconnecting.`);
      }
      setUp(false);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  };
  // pump() loops for the page's life; it ends only if something it did not expect throws, and then pushes stop for good.
  pump().catch((err: unknown) => {
    console.error('stratam console: the harness event stream stopped; reload the page to receive live updates again.', err);
    setUp(false);
  });

  const api = Object.fromEntries(channels.map((c) => [c, (args: unknown) => call(c, args)])) as unknown as StratamApi;
  api.on = ((event: EventName, listener: Listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  }) as StratamApi['on'];

  return {
    kind: 'browser',
    api,
    has: (c) => served.has(c),
    onTransport: (l) => {
      transport.add(l);
      return () => transport.delete(l);
    },
  };
}
