/**
 * Which droplet a mirror belongs to, known without connecting. The mirror is
 * filed under the droplet's identity (host, port, user and the host key the
 * connection verified); a profile that pins the host key names that identity
 * by itself, so the trail stays readable and searchable when the droplet is
 * gone or unreachable (issue 16: "it survives the droplet"). A connection to
 * such a droplet can only succeed with that same key, so both roads find the
 * same folder.
 */
import type { DropletProfile } from '../../config/profile.js';
import type { DropletIdentity } from '../../droplet/droplet.js';

/** The identity a profile pins, or null when it pins no host key (trust on first use, or a local droplet). */
export function pinnedIdentity(profile: DropletProfile): DropletIdentity | null {
  if (profile.transport !== 'ssh' || profile.fingerprint === undefined) return null;
  return { host: profile.host, port: profile.port, user: profile.user, hostKey: profile.fingerprint };
}
