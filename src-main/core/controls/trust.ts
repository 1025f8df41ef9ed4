/**
 * Channel trust lists: who besides the configured owner may drive destructive
 * tools. Add and revoke edit one comma-separated .env value each; the Discord
 * owner (DISCORD_OWNER_ID) is always trusted and cannot be revoked.
 */
import type { Droplet } from '../droplet/droplet.js';
import { refusedError } from '../errors.js';
import { assertCertain, editEnv, FLAG_KEYS, readEnv } from '../flags/env-editor.js';
import { splitList, TRUST_KEYS, TRUST_CHANNELS, validateIdentifier, type TrustChannel } from '../flags/identifiers.js';
import { withReceipt } from '../receipts/receipts.js';

export interface TrustLists {
  discord: { owner: string | null; trusted: string[] };
  telegram: string[];
  email: string[];
  sms: string[];
}

export function trustFromValues(values: Map<string, string>): TrustLists {
  return {
    discord: { owner: values.get(FLAG_KEYS.discordOwner) || null, trusted: splitList(values.get(TRUST_KEYS.discord)) },
    telegram: splitList(values.get(TRUST_KEYS.telegram)),
    email: splitList(values.get(TRUST_KEYS.email)),
    sms: splitList(values.get(TRUST_KEYS.sms)),
  };
}

export async function listTrust(droplet: Droplet): Promise<TrustLists> {
  return trustFromValues((await readEnv(droplet)).values);
}

const same = (channel: TrustChannel, a: string, b: string) => (channel === 'email' ? a.toLowerCase() === b.toLowerCase() : a === b);

export interface TrustChange {
  channel: TrustChannel;
  id: string;
  changed: boolean;
  trusted: string[];
}

export async function addTrust(droplet: Droplet, channel: TrustChannel, rawId: string, via = 'cli'): Promise<TrustChange> {
  const id = validateIdentifier(channel, rawId);
  return withReceipt(droplet, 'trust_add', { channel, id, via }, async () => {
    const snap = await readEnv(droplet);
    // "Already trusted" is a decision too: never take it from a reading the agent may not share.
    assertCertain(droplet, snap, [TRUST_KEYS[channel]]);
    const list = splitList(snap.values.get(TRUST_KEYS[channel]));
    if (list.some((x) => same(channel, x, id))) return { channel, id, changed: false, trusted: list };
    const next = [...list, id];
    await editEnv(droplet, [{ key: TRUST_KEYS[channel], value: next.join(',') }], snap);
    return { channel, id, changed: true, trusted: next };
  });
}

export async function revokeTrust(droplet: Droplet, channel: TrustChannel, rawId: string, via = 'cli'): Promise<TrustChange> {
  const id = validateIdentifier(channel, rawId);
  return withReceipt(droplet, 'trust_revoke', { channel, id, via }, async () => {
    const snap = await readEnv(droplet);
    assertCertain(droplet, snap, channel === 'discord' ? [TRUST_KEYS[channel], FLAG_KEYS.discordOwner] : [TRUST_KEYS[channel]]);
    if (channel === 'discord' && snap.values.get(FLAG_KEYS.discordOwner) === id) {
      throw Object.assign(
        refusedError(
          `${id} is the droplet's owner (DISCORD_OWNER_ID) and is always trusted; it cannot be revoked.`,
          'To hand the droplet to someone else, change DISCORD_OWNER_ID on the droplet itself.',
        ),
        { blocked: 'trust' as const },
      );
    }
    const list = splitList(snap.values.get(TRUST_KEYS[channel]));
    const next = list.filter((x) => !same(channel, x, id));
    if (next.length === list.length) return { channel, id, changed: false, trusted: list };
    await editEnv(droplet, [{ key: TRUST_KEYS[channel], value: next.join(',') }], snap);
    return { channel, id, changed: true, trusted: next };
  });
}

export { TRUST_CHANNELS };
