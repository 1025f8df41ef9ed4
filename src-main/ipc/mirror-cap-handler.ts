/**
 * The `mirrorCapSet` handler: how much of one droplet's audit trail this
 * desktop keeps (docs/audit-mirror.md, "The cap"), saved in its profile as
 * `mirrorCapMB` exactly as `--mirror-cap-mb` saves it. Nothing is sent to the
 * droplet, so there is no receipt (receipts record actions on a droplet; like
 * holdPauseSet, this is a desktop setting).
 *
 * A connection reads the cap once, when it dials (droplet-connection.ts hands
 * it to the feed and the mirror keeper), and keeps it across the link's own
 * reconnects. So a new cap takes effect at the next connect; `reconnect` says
 * when a running connection still holds the old one. Applying it live would
 * mean restarting the feed mid-stream, which the feed's resume point and the
 * fabrication watch would have to survive; a Disconnect and Connect does
 * exactly that, on the operator's word.
 */
import type { DropletProfile } from '../core/config/profile.js';
import type { Session } from '../core/session/session.js';
import type { ParsedArgsOf, ResultOf } from './channels.js';
import { profileToView } from './views.js';

/** Link states in which the connection has dialed (or is dialing) with the cap it was given then. */
const DIALED = new Set(['connecting', 'connected', 'reconnecting']);

export async function setMirrorCap(session: Session, { name, mb }: ParsedArgsOf<'mirrorCapSet'>): Promise<ResultOf<'mirrorCapSet'>> {
  const { mirrorCapMB: _previous, ...rest } = await session.profiles.get(name);
  // null goes back to the default by leaving the field out, as a profile saved before the mirror has it.
  const next: DropletProfile = mb === null ? rest : { ...rest, mirrorCapMB: mb };
  await session.profiles.save(next);
  const saved = await session.profiles.get(name);
  // Whether the running connection's cap differs is not visible from here (it is the one it dialed with), so any
  // dialed connection gets the note; the console words it as "takes effect at the next connect".
  const link = session.stateOf(name)?.link.state;
  return { profile: profileToView(saved), reconnect: link !== undefined && DIALED.has(link) };
}
