/**
 * The IPC handlers: one function per channel, knowing nothing of how
 * messages travel (Electron's ipcMain, the harness's loopback socket, a
 * test's direct call). Each validates its payload with the channel's schema
 * first; a malformed payload returns a usage error and never reaches the
 * core. Results are checked against the result schema on the way out.
 */
import { DEFAULT_PATHS, type DropletProfile } from '../core/config/profile.js';
import { coreStatus } from '../core/controls/status.js';
import { addTrust, listTrust, revokeTrust } from '../core/controls/trust.js';
import { describeError, refusedError } from '../core/errors.js';
import { reportError } from '../core/log/logger.js';
import type { Session } from '../core/session/session.js';
import { aggregateIcon } from '../core/tray/tray-state.js';
import { auditSearch } from './audit-search-handler.js';
import { auditWindow } from './audit-window-handler.js';
import { CHANNEL_NAMES, type ChannelName } from './channel-names.js';
import { channels, type ParsedArgsOf, type ResultOf } from './channels.js';
import { describeIssues, errorEnvelope, invalidArgs, type Envelope } from './envelope.js';
import { ChosenExports, type HostServices } from './host-services.js';
import { setMirrorCap } from './mirror-cap-handler.js';
import { recoveryImplementations } from './recovery-handlers.js';
import { feedItemToView, profileToView } from './views.js';

export type Handler<C extends ChannelName> = (raw: unknown) => Promise<Envelope<ResultOf<C>>>;
export type Handlers = { [C in ChannelName]: Handler<C> };
type Impl = { [C in ChannelName]: (args: ParsedArgsOf<C>) => Promise<ResultOf<C>> };

const OUTPUT_CAP = 64 * 1024;

function implementations(session: Session, host: HostServices): Impl {
  const via = session.via;
  const exportsChosen = new ChosenExports(host);
  return {
    profilesList: async () => ({ profiles: Object.values(await session.profiles.all()).map(profileToView) }),
    profilesAdd: async ({ profile }) => {
      const all = await session.profiles.all();
      if (all[profile.name]) throw refusedError(`A droplet named "${profile.name}" already exists.`, 'Pick another name, or remove the old one first.');
      const p: DropletProfile = {
        name: profile.name,
        transport: 'ssh',
        host: profile.host,
        port: profile.port,
        user: profile.user,
        identityFile: profile.identityFile,
        knownHostsFile: profile.knownHostsFile,
        edgeUrl: profile.edgeUrl,
        paths: { ...DEFAULT_PATHS, ...profile.paths },
      };
      await session.profiles.save(p);
      return { profile: profileToView(await session.profiles.get(p.name)) };
    },
    profilesRemove: async ({ name }) => ({ removed: await session.removeProfile(name) }),
    connect: ({ name }) => session.connect(name),
    confirmHostKey: ({ name, fingerprint }) => session.confirmHostKey(name, fingerprint),
    disconnect: async ({ name }) => ({ disconnected: await session.disconnect(name) }),
    connections: async () => ({ droplets: session.states() }),
    status: async ({ name }) => {
      const droplet = session.droplet(name);
      const s = await coreStatus(droplet);
      let agent = null;
      let agentError: string | null = null;
      try {
        const { agentStatus } = await import('../core/docker/agent-status.js');
        agent = await agentStatus(droplet);
      } catch (err) {
        agentError = describeError(err);
      }
      // The status itself is the answer; a state refresh that fails beside it (link just dropped) is logged, not an error of the call.
      await session.refresh(name).catch((err: unknown) => reportError('ipc', err, `Refreshing the state of ${name} after a status read`));
      return { ...s, agent, agentError };
    },
    pause: ({ name }) => session.pause(name),
    pauseAll: async () => ({ results: await session.pauseAll() }),
    resume: ({ name, confirm }) => session.resume(name, confirm),
    holdPauseSet: ({ name, on }) => session.setHoldPause(name, on),
    mirrorCapSet: (args) => setMirrorCap(session, args),
    trustList: ({ name }) => listTrust(session.droplet(name)),
    trustAdd: ({ name, channel, id }) => addTrust(session.droplet(name), channel, id, via),
    trustRevoke: ({ name, channel, id }) => revokeTrust(session.droplet(name), channel, id, via),
    breakerStatus: async ({ name }) => (await import('../core/breaker/breaker-actions.js')).breakerStatus(session.droplet(name)),
    breakerRearm: async ({ name, confirm }) => {
      const { rearmBreaker } = await import('../core/breaker/breaker-actions.js');
      const r = await rearmBreaker(session.droplet(name), { confirmed: confirm, via });
      // The re-arm is done and read back; a state refresh that fails after it is logged, not reported as a failed re-arm.
      await session.refresh(name).catch((err: unknown) => reportError('ipc', err, `Refreshing the state of ${name} after a re-arm`));
      return { state: 'armed' as const, rearmedAt: r.rearmed_at };
    },
    auditQuery: async ({ name, fromSeq, lines, receipts, limit }) => {
      const { AuditFeed } = await import('../core/audit/audit-feed.js');
      const items: ReturnType<typeof feedItemToView>[] = [];
      const ac = new AbortController();
      let truncated = false;
      const summary = await new AuditFeed(session.droplet(name), {
        follow: false,
        ...(fromSeq !== undefined ? { fromSeq } : {}),
        ...(lines !== undefined ? { lines } : {}),
        receipts: receipts ?? false,
        signal: ac.signal,
        onItem: (item) => {
          if (items.length >= limit) {
            truncated = true;
            ac.abort();
            return;
          }
          items.push(feedItemToView(item));
        },
      }).run();
      return { items, truncated, delivered: summary.delivered, gaps: summary.gaps, alerts: summary.alerts };
    },
    auditFollow: async ({ name, receipts, lines }) => {
      // Resolves once the feed has read to the end, so the console's gap read after it misses nothing.
      await session.followAudit(name, { ...(receipts !== undefined ? { receipts } : {}), ...(lines !== undefined ? { lines } : {}) });
      return { following: true as const };
    },
    auditUnfollow: async ({ name }) => {
      session.unfollowAudit(name);
      return { following: false as const };
    },
    auditSearch: (args) => auditSearch(session, args),
    auditWindow: (args) => auditWindow(session, args),
    warningsList: async ({ name }) => ({ warnings: session.warnings(name) }),
    warningsAcknowledge: async (sel) => ({ warnings: session.acknowledgeWarnings('id' in sel ? { id: sel.id } : { all: true, ...(sel.name !== undefined ? { name: sel.name } : {}) }) }),
    vaultStatus: async ({ name }) => (await import('../core/vault/status.js')).vaultStatus(session.droplet(name)),
    vaultRotate: async ({ name, opId }) => {
      const { rotateVault } = await import('../core/vault/rotate.js');
      return rotateVault(session.droplet(name), {
        onProgress: (p) => session.push({ type: 'progress', opId: opId ?? null, name, op: 'vaultRotate', phase: p.phase, done: p.done, total: p.total }),
      });
    },
    vaultVerify: async ({ name, opId }) => {
      const { verifyVault } = await import('../core/vault/verify.js');
      return verifyVault(session.droplet(name), {
        onProgress: (phase, done, total) => session.push({ type: 'progress', opId: opId ?? null, name, op: 'vaultVerify', phase, done, total }),
      });
    },
    sandboxCheck: async ({ name }) => {
      const { checkSandboxes } = await import('../core/sandbox/sandbox-policy.js');
      const r = await checkSandboxes(session.droplet(name));
      for (const v of r.violations) {
        session.addWarning(name, {
          kind: 'sandbox-violation',
          severity: 'critical',
          tier: null,
          message: `Sandbox container ${v.name} has ${v.setting}=${String(v.actual)}; the contract requires ${String(v.expected)}.`,
          detail: { ...v },
        });
      }
      return r;
    },
    sandboxRun: async ({ name, cmd, image, timeoutSec, opId }) => {
      const { sandboxRun } = await import('../core/sandbox/sandbox-run.js');
      const kept = { stdout: '', stderr: '' };
      let outputTruncated = false;
      const sink = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        session.push({ type: 'output', opId: opId ?? null, name, stream, text });
        if (kept[stream].length + text.length > OUTPUT_CAP) {
          outputTruncated = true;
          kept[stream] += text.slice(0, Math.max(0, OUTPUT_CAP - kept[stream].length));
        } else kept[stream] += text;
      };
      const r = await sandboxRun(session.droplet(name), {
        cmd,
        via,
        ...(image !== undefined ? { image } : {}),
        ...(timeoutSec !== undefined ? { timeoutSec } : {}),
        onStdout: sink('stdout'),
        onStderr: sink('stderr'),
      });
      return { ...r, ...kept, outputTruncated };
    },
    snapshotsList: async ({ name }) => (await import('../core/data/snapshots.js')).listSnapshots(session.droplet(name)),
    backupsList: async ({ name }) => {
      const [{ listBackupsWith }, { listVolumeFiles }] = await Promise.all([import('../core/data/backups.js'), import('../core/docker/volume-files.js')]);
      const droplet = session.droplet(name);
      return listBackupsWith(droplet, (volume) => listVolumeFiles(droplet, volume));
    },
    exportData: async ({ name, out, includeSecrets, opId }) => {
      exportsChosen.take(out);
      const [{ exportData }, { listVolumeFiles }] = await Promise.all([import('../core/data/export.js'), import('../core/docker/volume-files.js')]);
      const droplet = session.droplet(name);
      return exportData(droplet, {
        out,
        includeSecrets: includeSecrets === true,
        // Recorded in the app's state folder: a data delete from this app relies on an export from the last 24 h.
        stateDir: session.opts.stateDir,
        backupsLister: (volume) => listVolumeFiles(droplet, volume),
        onProgress: (p) => session.push({ type: 'progress', opId: opId ?? null, name, op: 'exportData', phase: p.phase, done: p.done, total: p.total }),
      });
    },
    exportChooseFile: async ({ name }) => {
      await session.profiles.get(name);
      return { out: await exportsChosen.choose(name) };
    },
    trayState: async () => {
      const droplets = session.states();
      const { icon, tooltip } = aggregateIcon(droplets, Date.now());
      const m = session.notifications.mutedUntil;
      return { icon, tooltip, droplets, mutedUntil: m !== null && m > Date.now() ? new Date(m).toISOString() : null };
    },
    notificationsMute: async ({ hours }) => {
      const m = session.mute(hours);
      return { mutedUntil: m === null ? null : new Date(m).toISOString() };
    },
    ...recoveryImplementations(session),
  };
}

export function createHandlers(session: Session, host: HostServices = {}): Handlers {
  const impl = implementations(session, host);
  const out = {} as Record<ChannelName, (raw: unknown) => Promise<Envelope<unknown>>>;
  for (const name of CHANNEL_NAMES) {
    const spec = channels[name];
    const fn = impl[name] as (args: unknown) => Promise<unknown>;
    out[name] = async (raw: unknown) => {
      const parsed = spec.args.safeParse(raw ?? {});
      if (!parsed.success) return invalidArgs(name, parsed.error);
      try {
        const result = await fn(parsed.data);
        const checked = spec.result.safeParse(result);
        if (!checked.success) {
          return {
            error: {
              kind: 'failed',
              message: `The ${name} result did not match the contract (${describeIssues(checked.error)}).`,
              hint: 'This is a bug in Stratam Tray; please report it with the droplet version.',
            },
          };
        }
        return { result: checked.data };
      } catch (err) {
        return errorEnvelope(err);
      }
    };
  }
  return out as unknown as Handlers;
}
