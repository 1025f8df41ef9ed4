/**
 * `doctor`'s measurements of the droplet itself: Docker round trip on the
 * open connection, SFTP read throughput, server versions, contract files and
 * their modes.
 */
import type { Droplet } from '../droplet/droplet.js';
import { CONTRACT_FILES, homeFile } from '../droplet/paths.js';
import { dockerFor } from '../docker/docker-client.js';
import { reportError } from '../log/logger.js';

export interface Percentiles {
  p50: number;
  p99: number;
}

/** Nearest-rank percentile of a sample (ms, 2 decimals). */
export function percentile(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return Math.round((s[i] ?? NaN) * 100) / 100;
}

/** N sequential /_ping calls on the pooled channel (the first, which opens it, is not counted). */
export async function dockerRtt(droplet: Droplet, n = 50): Promise<Percentiles & { samples: number }> {
  const { docker } = dockerFor(droplet);
  await docker.ping();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await docker.ping();
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples: n };
}

/** Read `bytes` of /dev/zero through the droplet's file interface (SFTP over SSH). */
export async function sftpReadMBps(droplet: Droplet, bytes = 8 * 1024 * 1024): Promise<number> {
  const t0 = performance.now();
  const buf = await droplet.readRange('/dev/zero', 0, bytes);
  const s = (performance.now() - t0) / 1000;
  return Math.round((buf.length / 1024 / 1024 / s) * 10) / 10;
}

export interface ServerVersions {
  ssh: string | null;
  docker: string | null;
  dockerApi: string | null;
  kernel: string | null;
}

export async function serverVersions(droplet: Droplet): Promise<ServerVersions> {
  let ssh: string | null = null;
  const link = (droplet as unknown as { link?: { ready(): Promise<unknown> } }).link;
  if (link) ssh = ((await link.ready()) as { _remoteVer?: string })._remoteVer ?? null;
  // Versions are shown as unknown when they cannot be read; the Docker and exec checks report the cause, the log keeps it.
  const v = await dockerFor(droplet)
    .docker.version()
    .catch((err: unknown) => (reportError('doctor', err, 'reading the Docker version'), null));
  const uname = await droplet.exec(['uname', '-sr']).catch((err: unknown) => (reportError('doctor', err, 'reading uname'), null));
  return {
    ssh,
    docker: v?.Version ?? null,
    dockerApi: v?.ApiVersion ?? null,
    kernel: uname && uname.code === 0 ? uname.stdout.toString().trim() : null,
  };
}

export interface FileCheck {
  file: string;
  path: string;
  present: boolean;
  mode: string | null;
  /** 'ok', 'absent-ok' (absence is allowed), or the problem. */
  verdict: 'ok' | 'absent-ok' | 'missing' | 'unsafe-mode';
  expected: string;
}

interface FileRule {
  file: string;
  path: string;
  /** Mode bits that must be clear. */
  forbid: number;
  exact?: number;
  mayBeAbsent: boolean;
  expected: string;
}

const oct = (m: number) => `0${(m & 0o777).toString(8).padStart(3, '0')}`;

export function fileRules(droplet: Droplet): FileRule[] {
  const h = (n: string) => homeFile(droplet.paths, n);
  return [
    { file: CONTRACT_FILES.keyring, path: h(CONTRACT_FILES.keyring), forbid: 0o077, exact: 0o600, mayBeAbsent: true, expected: '0600' },
    { file: CONTRACT_FILES.vault, path: h(CONTRACT_FILES.vault), forbid: 0o077, mayBeAbsent: true, expected: 'no group/other access' },
    { file: CONTRACT_FILES.archive, path: h(CONTRACT_FILES.archive), forbid: 0o077, mayBeAbsent: true, expected: 'no group/other access' },
    { file: CONTRACT_FILES.activity, path: h(CONTRACT_FILES.activity), forbid: 0o002, mayBeAbsent: false, expected: 'not world-writable' },
    { file: CONTRACT_FILES.receipts, path: h(CONTRACT_FILES.receipts), forbid: 0o002, mayBeAbsent: true, expected: 'not world-writable' },
    { file: CONTRACT_FILES.breaker, path: h(CONTRACT_FILES.breaker), forbid: 0o002, mayBeAbsent: true, expected: 'not world-writable' },
    // .env holds API keys beside the flags.
    { file: '.env', path: droplet.paths.envFile, forbid: 0o007, mayBeAbsent: false, expected: 'no other access' },
  ];
}

export async function contractFiles(droplet: Droplet): Promise<FileCheck[]> {
  const out: FileCheck[] = [];
  for (const r of fileRules(droplet)) {
    const st = await droplet.stat(r.path);
    if (!st) {
      out.push({ file: r.file, path: r.path, present: false, mode: null, verdict: r.mayBeAbsent ? 'absent-ok' : 'missing', expected: r.expected });
      continue;
    }
    const bad = (st.mode & r.forbid) !== 0 || (r.exact !== undefined && (st.mode & 0o777) !== r.exact);
    out.push({ file: r.file, path: r.path, present: true, mode: oct(st.mode), verdict: bad ? 'unsafe-mode' : 'ok', expected: r.expected });
  }
  return out;
}
