import { addTrust, listTrust, revokeTrust } from '../../core/controls/trust.js';
import { usageError } from '../../core/errors.js';
import { assertChannel, TRUST_CHANNELS } from '../../core/flags/identifiers.js';
import type { Command } from '../command.js';

const USAGE = `Usage:
  stratam trust list
  stratam trust add CHANNEL ID
  stratam trust revoke CHANNEL ID

CHANNEL is one of ${TRUST_CHANNELS.join(', ')}. IDs: Discord snowflake (17-20 digits),
Telegram user id (1-15 digits), email address, E.164 number (+14155550100).
The Discord owner (DISCORD_OWNER_ID) is always trusted and cannot be revoked.`;

export const command: Command = {
  summary: 'list, add or revoke trusted senders per channel',
  usage: USAGE,
  async run(ctx) {
    const [sub, channelArg, id, ...extra] = ctx.argv;
    if (sub === 'list' || sub === undefined) {
      const t = await listTrust(await ctx.droplet());
      ctx.out.result(t, () =>
        ctx.out.table([
          ['discord', `owner ${t.discord.owner ?? '(not set)'}${t.discord.trusted.length ? `; trusted ${t.discord.trusted.join(', ')}` : ''}`],
          ['telegram', t.telegram.join(', ') || '(none)'],
          ['email', t.email.join(', ') || '(none)'],
          ['sms', t.sms.join(', ') || '(none)'],
        ]),
      );
      return 0;
    }
    if (sub !== 'add' && sub !== 'revoke') throw usageError(`Unknown trust subcommand "${sub}".`, USAGE);
    if (channelArg === undefined || id === undefined || extra.length > 0) throw usageError(`trust ${sub} needs exactly CHANNEL and ID.`, USAGE);
    const channel = assertChannel(channelArg);
    const droplet = await ctx.droplet();
    const r = sub === 'add' ? await addTrust(droplet, channel, id) : await revokeTrust(droplet, channel, id);
    const verb = sub === 'add' ? (r.changed ? 'Now trusted' : 'Already trusted') : r.changed ? 'Revoked' : 'Was not trusted; nothing to revoke';
    ctx.out.result(r, () => `${verb}: ${channel} ${ctx.out.field(id)}.`);
    return 0;
  },
};
