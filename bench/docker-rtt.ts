/**
 * Docker API round trip (GET /_ping), three ways, in one run:
 *   ssh-channel  our ChannelAgent: stream-local channels on one SSH connection, keep-alive pool
 *   local        the local /var/run/docker.sock (the floor)
 *   dockerode-ssh dockerode's built-in `ssh` protocol: a new SSH handshake and
 *                `docker system dial-stdio` per request (the thing we avoid)
 * Goals (anchors): ssh-channel p50 <= 3x local, and >= 50x faster than dockerode-ssh.
 * Run: node scripts/transpile.mjs /tmp/x && node /tmp/x/bench/docker-rtt.js
 */
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { SshDroplet } from '../src-main/core/droplet/ssh-droplet.js';
import { LocalDroplet } from '../src-main/core/droplet/local-droplet.js';
import { dockerFor, releaseDocker } from '../src-main/core/docker/docker-client.js';
import { percentile, report, ms } from './stats.js';
import { startReferenceDroplet } from '../tests/helpers/reference-droplet.js';

async function sample(ping: () => Promise<unknown>, n: number, warmup = 3): Promise<{ p50: number; p99: number; n: number }> {
  for (let i = 0; i < warmup; i++) await ping();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await ping();
    t.push(performance.now() - t0);
  }
  return { p50: percentile(t, 50), p99: percentile(t, 99), n };
}

const ref = await startReferenceDroplet();
try {
  const d = await SshDroplet.connect(ref.profile());
  const ssh = await sample(() => dockerFor(d).docker.ping(), 200);
  releaseDocker(d);
  await d.close();

  const local = new LocalDroplet(ref.profile().paths);
  const loc = await sample(() => dockerFor(local).docker.ping(), 200);
  releaseDocker(local);

  const modem = new Docker({ protocol: 'ssh', host: '127.0.0.1', port: ref.port, username: 'root', sshOptions: { privateKey: readFileSync(ref.clientKey) } } as Docker.DockerOptions);
  const dssh = await sample(() => modem.ping(), 15, 1);

  const figures = {
    dockerRttMs: { sshChannel: ssh, local: loc, dockerodeSsh: dssh },
    ratios: { sshChannelOverLocal: +(ssh.p50 / loc.p50).toFixed(2), dockerodeSshOverSshChannel: +(dssh.p50 / ssh.p50).toFixed(1) },
  };
  console.log(JSON.stringify(figures));
  const r = figures.ratios;
  report({
    benchmark: 'Docker /_ping over SSH (p50)',
    figure: `${ms(ssh.p50)} (p99 ${ms(ssh.p99)}, n=${ssh.n})`,
    anchor: `local socket ${ms(loc.p50)}`,
    ratio: `${r.sshChannelOverLocal}x local`,
    goal: '<= 3x local',
    met: r.sshChannelOverLocal <= 3,
  });
  report({
    benchmark: 'Docker /_ping, dockerode built-in ssh (p50)',
    figure: `${ms(dssh.p50)} (n=${dssh.n})`,
    anchor: `ours over SSH ${ms(ssh.p50)}`,
    ratio: `ours ${r.dockerodeSshOverSshChannel}x faster`,
    goal: '>= 50x faster',
    met: r.dockerodeSshOverSshChannel >= 50,
  });
} finally {
  await ref.teardown();
}
