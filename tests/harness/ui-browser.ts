/**
 * `npm run ui:browser -- <droplet flags> --ui-port P`: the console in a plain
 * browser against a real droplet, for development and tests. The droplet
 * flags are the CLI's (--host, --port = SSH port, --user, --identity,
 * --fingerprint, --jarvis-home, ... or --local, or --profile NAME), so the
 * page's own port is --ui-port. Prints the page URL (with the token in its
 * fragment) and runs until Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveProfile } from '../../src-main/cli/connect.js';
import { extractGlobals } from '../../src-main/cli/globals.js';
import { StratamError } from '../../src-main/core/errors.js';
import { repoRoot } from '../helpers/repo-root.js';
import { startHarness } from './harness-server.js';

async function main(argv: string[]): Promise<void> {
  let uiPort = 0;
  let rendererDir = join(repoRoot(), 'dist', 'renderer');
  let name = 'droplet';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--ui-port') uiPort = Number(argv[++i]);
    else if (a === '--renderer') rendererDir = argv[++i] ?? rendererDir;
    else if (a === '--name') name = argv[++i] ?? name;
    else rest.push(a);
  }
  if (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65535) throw new StratamError('usage', '--ui-port must be a number from 0 to 65535.');
  const explicitState = rest.some((a) => a === '--state-dir' || a.startsWith('--state-dir='));
  const { globals, rest: unknown } = extractGlobals(rest);
  if (unknown.length > 0) throw new StratamError('usage', `Unknown argument ${JSON.stringify(unknown[0])}.`, { hint: 'Pass droplet flags as for the stratam CLI, plus --ui-port P.' });
  // A throwaway state dir unless one is given: the harness must not add profiles to the app's own.
  const tempState = explicitState ? null : mkdtempSync(join(tmpdir(), 'stratam-ui-'));
  const stateDir = tempState ?? globals.stateDir;
  const hasDroplet = globals.host !== undefined || globals.local || globals.profile !== undefined;
  const resolved = hasDroplet ? await resolveProfile({ ...globals, stateDir }) : null;
  // A local droplet has no host; the profile store still wants a name there.
  const profiles = resolved ? [{ ...resolved, host: resolved.host || 'localhost', name: globals.profile ?? name }] : [];
  const h = await startHarness({ rendererDir, stateDir, profiles, port: uiPort });
  process.stdout.write(`Stratam console (browser harness, loopback only):\n${h.url}\n`);
  const stop = async () => {
    await h.close();
    if (tempState) rmSync(tempState, { recursive: true, force: true });
    process.exit(0);
  };
  const stopOnSignal = () => {
    stop().catch(fail);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
}

function fail(err: unknown): never {
  const e = err as Error & { hint?: string };
  process.stderr.write(`stratam ui:browser: ${e.message}${e.hint ? `\n${e.hint}` : ''}\n`);
  process.exit(err instanceof StratamError && err.kind === 'usage' ? 2 : 1);
}

main(process.argv.slice(2)).catch(fail);
