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
import { percentile } from '../src-main/core/doctor/droplet-probes.js';
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
  console.log(`docker /_ping p50 over SSH channel  ${ssh.p50} ms (p99 ${ssh.p99}, n=${ssh.n})`);
  console.log(`docker /_ping p50 local socket      ${loc.p50} ms (p99 ${loc.p99}, n=${loc.n})`);
  console.log(`docker /_ping p50 dockerode ssh     ${dssh.p50} ms (p99 ${dssh.p99}, n=${dssh.n})`);
  console.log(`ratio ssh/local  ${figures.ratios.sshChannelOverLocal}x   (anchor: <= 3x)  ${figures.ratios.sshChannelOverLocal <= 3 ? 'met' : 'MISSED'}`);
  console.log(`dockerode-ssh/ssh ${figures.ratios.dockerodeSshOverSshChannel}x  (anchor: >= 50x) ${figures.ratios.dockerodeSshOverSshChannel >= 50 ? 'met' : 'MISSED'}`);
} finally {
  await ref.teardown();
}
