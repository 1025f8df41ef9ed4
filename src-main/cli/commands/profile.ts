import { ProfileStore } from '../../core/config/profile-store.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { resolveProfile } from '../connect.js';

const USAGE = `Usage:
  stratam profile list
  stratam profile add NAME --host H [--port P] [--user U] [--identity FILE] (--fingerprint SHA256:... | --known-hosts FILE) [paths...]
  stratam profile remove NAME

Saved droplets hold no secrets: the identity is a file path, the host key a fingerprint.
Use one with --profile NAME on any command.`;

export const command: Command = {
  summary: 'save, list and remove droplet profiles',
  usage: USAGE,
  async run(ctx) {
    const store = new ProfileStore(ctx.globals.stateDir);
    const [sub, name, ...extra] = ctx.argv;
    if (sub === 'list' || sub === undefined) {
      const all = await store.all();
      ctx.out.result(all, () =>
        Object.values(all).length === 0
          ? 'No saved droplets. Add one with `stratam profile add NAME --host ...`.'
          : ctx.out.table(
              Object.values(all).map((p) => [
                p.name,
                p.transport === 'local' ? 'local' : `${p.user}@${p.host}:${p.port}  ${p.fingerprint ?? `known_hosts ${p.knownHostsFile ?? '~/.ssh/known_hosts'}`}`,
              ]),
            ),
      );
      return 0;
    }
    if (!name || extra.length > 0) throw usageError(`profile ${sub} needs exactly one NAME.`, USAGE);
    if (sub === 'add') {
      const p = await resolveProfile({ ...ctx.globals, profile: undefined });
      await store.save({ ...p, name });
      ctx.out.result({ saved: name }, () => `Saved droplet "${ctx.out.field(name)}" in ${ctx.out.field(store.file)}.`);
      return 0;
    }
    if (sub === 'remove') {
      const removed = await store.remove(name);
      ctx.out.result({ removed }, () => (removed ? `Removed "${ctx.out.field(name)}".` : `No saved droplet named "${ctx.out.field(name)}".`));
      return removed ? 0 : 1;
    }
    throw usageError(`Unknown profile subcommand "${sub}".`, USAGE);
  },
};
