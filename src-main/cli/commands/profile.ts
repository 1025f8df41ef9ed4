import { ProfileStore } from '../../core/config/profile-store.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { resolveProfile } from '../connect.js';

const USAGE = `Usage:
  stratam profile list
  stratam profile add NAME --host H [--port P] [--user U] [--identity FILE] (--fingerprint SHA256:... | --known-hosts FILE) [paths...] [--force]
  stratam profile remove NAME

Saved droplets hold no secrets: the identity is a file path (stored absolute), the host key a fingerprint.
Use one with --profile NAME on any command. Replacing a saved droplet needs --force.`;

export const command: Command = {
  summary: 'save, list and remove droplet profiles',
  usage: USAGE,
  async run(ctx) {
    const store = new ProfileStore(ctx.globals.stateDir);
    const force = ctx.argv.includes('--force');
    const [sub, name, ...extra] = ctx.argv.filter((a) => a !== '--force');
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
      const existing = (await store.all())[name];
      if (existing && !force) {
        const where = existing.transport === 'local' ? 'local' : `${existing.user}@${existing.host}:${existing.port}`;
        throw usageError(
          `A droplet named "${name}" is already saved (${where}); nothing was changed.`,
          `Add --force to replace it (every setting it had is replaced by this command's, --container and paths included), or pick another NAME. See it with \`stratam profile list\`.`,
        );
      }
      await store.save({ ...p, name });
      // Checked against known_hosts at each connect: it works, but nothing in the profile says which key is the droplet's.
      const unpinned = p.transport === 'ssh' && !p.fingerprint;
      const note = unpinned
        ? `no pinned host key: each connect checks ${p.knownHostsFile ?? '~/.ssh/known_hosts'}. Pin it with \`stratam profile add ${name} --fingerprint SHA256:... --force\` (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the droplet).`
        : null;
      if (note) ctx.out.warn(ctx.out.c.yellow(`warning: ${ctx.out.field(note)}`));
      ctx.out.result({ saved: name, replaced: Boolean(existing), pinned: !unpinned }, () => `${existing ? 'Replaced' : 'Saved'} droplet "${ctx.out.field(name)}" in ${ctx.out.field(store.file)}.`);
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
