/**
 * `stratam doctor`: what a user runs when something feels off. Measures, then
 * turns the measurements into findings, each with a hint. The measurements
 * are the --json answer; the findings are what a human reads.
 */
import type { Droplet } from '../droplet/droplet.js';
import { isSftpMissing } from '../droplet/sftp-session.js';
import { describeError, StratamError } from '../errors.js';
import { agentStatus, type AgentStatus } from '../docker/agent-status.js';
import { DOCKER_REACH_HINT } from '../docker/channel-agent.js';
import { accessChecks } from './access-checks.js';
import { checkEdge, type EdgeOptions, type EdgeReport } from './edge-checks.js';
import { contractFiles, dockerRtt, serverVersions, sftpReadMBps, type FileCheck, type Percentiles, type ServerVersions } from './droplet-probes.js';

export interface Finding {
  level: 'ok' | 'warn' | 'fail';
  check: string;
  message: string;
  hint: string | null;
}

export interface DoctorReport {
  sshHandshakeMs: number | null;
  dockerRttMs: Percentiles | null;
  sftpReadMBps: number | null;
  versions: ServerVersions | null;
  agent: AgentStatus | null;
  files: FileCheck[];
  edge: EdgeReport | null;
  findings: Finding[];
}

export interface DoctorOptions {
  /** Measured by the caller around connecting (null for --local). */
  sshHandshakeMs: number | null;
  edge?: EdgeOptions | undefined;
  pings?: number;
}

/** Docker RTT above this on a connection suggests Nagle/delayed-ACK or a slow link. */
const RTT_WARN_MS = 20;
const TLS_WARN_DAYS = 14;

export async function runDoctor(droplet: Droplet, opts: DoctorOptions): Promise<DoctorReport> {
  const findings: Finding[] = [];
  const add = (level: Finding['level'], check: string, message: string, hint: string | null = null) => findings.push({ level, check, message, hint });
  let sftpMissing = false;
  const attempt = async <T>(check: string, fn: () => Promise<T>, hint: string): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      // An error that knows its own fix (the sshd_config line SFTP needs) says it, not the generic hint.
      add('fail', check, describeError(err), err instanceof StratamError && err.hint ? err.hint : hint);
      if (check === 'sftp' && isSftpMissing(err)) sftpMissing = true;
      return null;
    }
  };

  if (opts.sshHandshakeMs !== null) add('ok', 'ssh', `SSH connected in ${opts.sshHandshakeMs} ms.`);
  const rtt = await attempt('docker', () => dockerRtt(droplet, opts.pings ?? 50), DOCKER_REACH_HINT);
  if (rtt) {
    if (rtt.p50 > RTT_WARN_MS)
      add('warn', 'docker', `Docker round trip p50 ${rtt.p50} ms, p99 ${rtt.p99} ms: slow.`, 'A slow network path or a congested droplet; compare with `ping` to the droplet.');
    else add('ok', 'docker', `Docker round trip p50 ${rtt.p50} ms, p99 ${rtt.p99} ms.`);
  }
  const sftp = await attempt('sftp', () => sftpReadMBps(droplet), "Check that the droplet's sshd has the sftp subsystem enabled.");
  if (sftp !== null) add('ok', 'sftp', `SFTP reads at ${sftp} MB/s.`);
  const versions = await attempt('versions', () => serverVersions(droplet), 'The droplet did not answer a version query.');
  if (versions) add('ok', 'versions', `ssh ${versions.ssh ?? '-'}, docker ${versions.docker ?? '-'} (API ${versions.dockerApi ?? '-'}), ${versions.kernel ?? '-'}.`);

  const agent = rtt ? await attempt('agent', () => agentStatus(droplet), "Docker answered pings but not an inspect; check the daemon's logs.") : null;
  if (agent) {
    if (agent.state === 'missing') add('fail', 'agent', `No container named ${agent.name}.`, 'Start the agent, or point --container at its real name.');
    else if (agent.state !== 'running')
      add('fail', 'agent', `The agent container ${agent.name} is ${agent.state}.`, 'Look at `docker logs` on the droplet; do not restart it in a loop: restarts count toward the breaker.');
    else if (agent.health === 'unhealthy') add('warn', 'agent', `The agent container is running but unhealthy.`, 'Look at its healthcheck output: docker inspect --format "{{json .State.Health}}".');
    else if (agent.restartsLastHour > 0)
      add('warn', 'agent', `The agent restarted ${agent.restartsLastHour} time(s) in the last hour.`, 'Four restarts within 60 minutes trip the breaker; see `stratam breaker status`.');
    else add('ok', 'agent', `The agent container ${agent.name} is running (${agent.image}).`);
  }

  // Without SFTP no file can be read: the sftp finding above already says why and what to add.
  const files = sftpMissing ? [] : ((await attempt('files', () => contractFiles(droplet), 'Check --jarvis-home and --jarvis-root.')) ?? []);
  for (const f of files) {
    if (f.verdict === 'missing') add('warn', 'files', `${f.file} is missing at ${f.path}.`, 'Check --jarvis-home/--jarvis-root, or whether the agent has ever run.');
    else if (f.verdict === 'unsafe-mode')
      add('fail', 'files', `${f.file} has mode ${f.mode}; expected ${f.expected}.`, `On the droplet: chmod ${f.file === 'vault.keys' ? '600' : 'go-rwx'} ${f.path}`);
  }
  if (files.length > 0 && files.every((f) => f.verdict === 'ok' || f.verdict === 'absent-ok')) add('ok', 'files', 'Contract files present with safe modes.');
  if (!sftpMissing)
    for (const f of (await attempt('access', () => accessChecks(droplet), 'The droplet did not answer a command; check that the SSH user has a shell.')) ?? [])
      add(f.level, f.check, f.message, f.hint);

  let edge: EdgeReport | null = null;
  if (opts.edge) {
    edge = await attempt('edge', () => checkEdge(opts.edge!), "Check the edge URL and that the droplet's web server is up.");
    if (edge) edgeFindings(edge, add);
  }
  return { sshHandshakeMs: opts.sshHandshakeMs, dockerRttMs: rtt ? { p50: rtt.p50, p99: rtt.p99 } : null, sftpReadMBps: sftp, versions, agent, files, edge, findings };
}

function edgeFindings(e: EdgeReport, add: (l: Finding['level'], c: string, m: string, h?: string | null) => void): void {
  if (!e.tls.trusted) add('fail', 'tls', `The certificate of ${e.url} is not trusted: ${e.tls.error}.`, 'Renew it, or pass --ca-file for a private CA.');
  if (e.tls.daysLeft !== null) {
    if (e.tls.daysLeft < TLS_WARN_DAYS)
      add(e.tls.daysLeft < 0 ? 'fail' : 'warn', 'tls', `The certificate expires in ${e.tls.daysLeft} days.`, "Check the web server's automatic renewal (Caddy/certbot logs).");
    else if (e.tls.trusted) add('ok', 'tls', `Certificate valid for ${e.tls.daysLeft} more days.`);
  }
  if (e.hsts) add('ok', 'hsts', `HSTS is set (${e.hsts}).`);
  else add('fail', 'hsts', 'No Strict-Transport-Security header.', 'Add `header Strict-Transport-Security "max-age=31536000"` to the site.');
  if (e.httpRedirect.ok) add('ok', 'redirect', `Plain HTTP redirects to ${e.httpRedirect.location}.`);
  else add('fail', 'redirect', `Plain HTTP does not redirect to HTTPS (status ${e.httpRedirect.status ?? 'no answer'}).`, 'Serve port 80 only to redirect to https://.');
  if (e.activity.queryKeyRefused) add('ok', 'activity-api', `The activity API refuses ?key= (${e.activity.queryKeyStatus}).`);
  else
    add(
      'fail',
      'activity-api',
      `The activity API answered ${e.activity.queryKeyStatus ?? 'nothing'} to a token in ?key=.`,
      'Accept the token only in the Authorization header; URL tokens end up in logs and history.',
    );
  if (e.activity.bearerAccepted === true) add('ok', 'activity-api', 'The activity API accepts Authorization: Bearer.');
  else if (e.activity.bearerAccepted === false)
    add('fail', 'activity-api', `The activity API answered ${e.activity.bearerStatus ?? 'nothing'} to a Bearer token.`, 'Check the token, and that the proxy passes the Authorization header through.');
  else add('warn', 'activity-api', 'Bearer acceptance not checked: no token given.', 'Set STRATAM_EDGE_TOKEN to check it.');
}
