import { readFile } from 'node:fs/promises';
import { releaseDocker } from '../../core/docker/docker-client.js';
import { runDoctor } from '../../core/doctor/doctor.js';
import { usageError } from '../../core/errors.js';
import type { Command } from '../command.js';
import { resolveProfile } from '../connect.js';

const USAGE = `Usage: stratam doctor [--edge-url https://HOST] [--ca-file PEM] [--edge-http-port N] [--json]

Measures the SSH handshake, Docker round trip (p50/p99 over 50 /_ping on the
open connection), SFTP (that sshd has the subsystem, and its read
throughput), server versions, the agent container and the contract files'
modes. With an edge URL (or the profile's), it also
checks TLS expiry, HSTS, the HTTP->HTTPS redirect, and that the activity API
refuses ?key= and accepts Authorization: Bearer (token from STRATAM_EDGE_TOKEN).
Exit 3 when a check fails.`;

export const command: Command = {
  summary: 'diagnose the connection, Docker, files and the edge',
  usage: USAGE,
  async run(ctx) {
    let edgeUrl: string | undefined;
    let caFile: string | undefined;
    let httpPort: number | undefined;
    for (let i = 0; i < ctx.argv.length; i++) {
      const a = ctx.argv[i]!;
      const v = () => {
        const x = ctx.argv[++i];
        if (x === undefined) throw usageError(`${a} needs a value.`, USAGE);
        return x;
      };
      if (a === '--edge-url') edgeUrl = v();
      else if (a === '--ca-file') caFile = v();
      else if (a === '--edge-http-port') {
        httpPort = Number(v());
        if (!Number.isInteger(httpPort) || httpPort < 1 || httpPort > 65535) throw usageError('--edge-http-port must be a port number.', USAGE);
      } else throw usageError(`Unknown option "${a}".`, USAGE);
    }
    edgeUrl ??= (await resolveProfile(ctx.globals)).edgeUrl;
    let ca: Buffer | undefined;
    if (caFile) {
      ca = await readFile(caFile).catch(() => {
        throw usageError(`Cannot read the CA file ${caFile}.`, 'Pass a PEM certificate file.');
      });
    }
    if (edgeUrl && !/^https:\/\//.test(edgeUrl)) throw usageError(`The edge URL must start with https:// (got "${edgeUrl}").`);
    const t0 = performance.now();
    const droplet = await ctx.droplet();
    const handshake = droplet.kind === 'ssh' ? Math.round(performance.now() - t0) : null;
    try {
      const token = process.env.STRATAM_EDGE_TOKEN || undefined;
      const r = await runDoctor(droplet, { sshHandshakeMs: handshake, edge: edgeUrl ? { url: edgeUrl, ca, httpPort, token } : undefined });
      ctx.out.result(r, () =>
        r.findings
          .map((f) => {
            const tag = f.level === 'ok' ? ctx.out.c.green('ok  ') : f.level === 'warn' ? ctx.out.c.yellow('warn') : ctx.out.c.red('FAIL');
            // Messages quote the droplet (server versions, paths, container state): one field each.
            return `${tag} ${f.check.padEnd(12)} ${ctx.out.field(f.message)}${f.hint ? `\n     ${''.padEnd(12)} ${ctx.out.c.dim(`hint: ${ctx.out.field(f.hint)}`)}` : ''}`;
          })
          .join('\n'),
      );
      return r.findings.some((f) => f.level === 'fail') ? 3 : 0;
    } finally {
      releaseDocker(droplet);
    }
  },
};
