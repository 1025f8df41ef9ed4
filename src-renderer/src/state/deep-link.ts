/**
 * The address fragment the host opens the window on (a tray item, a
 * notification click): `#/droplet/<name>` or `#/droplet/<name>/incident`.
 * The host builds it with src-main/ipc/deep-link.ts; this side parses it and
 * imports nothing from the main side (a test checks the two agree).
 */
export interface ParsedDeepLink {
  name: string;
  view: 'incident' | null;
}

export function parseDeepLink(hash: string): ParsedDeepLink | null {
  const m = /^#\/droplet\/([^/]+)(?:\/(incident))?$/.exec(hash);
  if (!m?.[1]) return null;
  let name: string;
  try {
    name = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  return { name, view: m[2] === 'incident' ? 'incident' : null };
}
