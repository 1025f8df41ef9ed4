/**
 * `stratam`: the CLI face of the core. Commands are one file each under
 * commands/, loaded on demand so a cold `stratam pause` loads only what pause
 * needs. Exit codes: 0 ok, 1 failed, 2 bad input or usage, 3 refused by a
 * guard or a policy finding, 4 could not connect or host key refused.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { offerScanWorker } from '../core/audit/scan-pool.js';
import type { Droplet } from '../core/droplet/droplet.js';
import { StratamError } from '../core/errors.js';
import { describeForLog, log, openLog, reportError, setLogEcho } from '../core/log/logger.js';
import type { Command, CommandContext } from './command.js';
import { checkOptions, unknownCommand } from './did-you-mean.js';
import { extractGlobals, GLOBAL_FLAGS } from './globals.js';
import { Output } from './output.js';

const VERSION = '0.1.0';
const COMMANDS_DIR = new URL('./commands/', import.meta.url);
// The bundle (dist/cli) carries the audit scan worker beside this file.
offerScanWorker(new URL('./scan-worker.js', import.meta.url));

const commandNames = () =>
  readdirSync(fileURLToPath(COMMANDS_DIR))
    .filter((f) => f.endsWith('.js'))
    .map((f) => f.slice(0, -3))
    .sort();

async function loadCommand(name: string): Promise<Command> {
  if (!/^[a-z][a-z-]{0,30}$/.test(name)) throw unknownCommand(name, name.startsWith('-') ? [] : commandNames());
  // A computed specifier: the bundler leaves it alone and each command stays its own chunk.
  const spec = new URL(`${name}.js`, COMMANDS_DIR).href;
  try {
    return ((await import(spec)) as { command: Command }).command;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`${name}.js`)) {
      throw unknownCommand(name, commandNames());
    }
    throw err;
  }
}

async function help(out: Output): Promise<void> {
  const names = commandNames();
  const rows: Array<[string, string]> = [];
  for (const n of names) rows.push([n, (await loadCommand(n)).summary]);
  out.line(`stratam ${VERSION}: the operator's side of a Stratam droplet.\n\nUsage: stratam [global options] COMMAND [args]\n\nCommands:`);
  out.line(out.table(rows).replace(/^/gm, '  '));
  out.line('\nGlobal options:');
  out.line(out.table(GLOBAL_FLAGS.map((f) => [`--${f.name}${f.kind === 'boolean' ? '' : ' X'}`, f.help])).replace(/^/gm, '  '));
  out.line('\nExit codes: 0 ok, 1 failed, 2 bad input, 3 refused by a guard or policy, 4 could not connect or host key refused.');
  out.line("Run `stratam COMMAND --help` for a command's own options.");
}

export async function main(argv: string[]): Promise<number> {
  let out = new Output({ json: argv.includes('--json') });
  let droplet: Droplet | null = null;
  const abort = new AbortController();
  let interrupts = 0;
  let command = '';
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { globals, rest } = extractGlobals(argv);
    out = new Output({ json: globals.json });
    // Errors a command recovers from go to the log file (nothing is created until a line is written).
    openLog(globals.stateDir);
    if (globals.verbose) {
      const err = out;
      setLogEcho((line) => err.warn(err.field(line)));
    }
    const [name, ...args] = rest;
    command = name ?? '';
    if (name === '--version' || name === 'version') {
      out.line(VERSION);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      await help(out);
      return name === undefined ? 2 : 0;
    }
    const cmd = await loadCommand(name);
    // `stratam profile add --help` as well as `stratam profile --help`: every subcommand's usage is in its command's text.
    const beforeDashes = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
    if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) {
      out.line(cmd.usage);
      return 0;
    }
    checkOptions(
      name,
      args,
      cmd.usage,
      GLOBAL_FLAGS.map((f) => `--${f.name}`),
    );
    // Only the command's name: its arguments can hold a path or a value that is nobody else's business.
    log.debug('cli', `stratam ${VERSION} ${name}: started (state folder ${globals.stateDir})`);
    let opening: Promise<Droplet> | null = null;
    const ctx: CommandContext = {
      argv: args,
      globals,
      out,
      signal: abort.signal,
      droplet: () => {
        opening ??= (async () => {
          const { resolveProfile, openDroplet, identityModeWarning } = await import('./connect.js');
          const profile = await resolveProfile(globals);
          const unprotected = identityModeWarning(profile.transport === 'ssh' ? profile.identityFile : undefined);
          if (unprotected) out.warn(out.c.yellow(`warning: ${out.field(unprotected)}`));
          droplet = await openDroplet(profile);
          return droplet;
        })();
        return opening;
      },
    };
    const code = await cmd.run(ctx);
    log.debug('cli', `${name}: exit ${code}`);
    return code;
  } catch (err) {
    return report(out, err, command);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (droplet) await (droplet as Droplet).close().catch((err: unknown) => reportError('cli', err, 'closing the droplet connection'));
  }
}

function report(out: Output, err: unknown, command: string): number {
  // What the operator was told, kept: a usage slip is not worth a line.
  if (!(err instanceof StratamError)) log.error('cli', `${command || 'stratam'}: ${describeForLog(err)}`);
  else if (err.kind !== 'usage') log.warn('cli', `${command}: ${describeForLog(err)}`);
  if (err instanceof StratamError) {
    if (out.json) out.event({ error: { kind: err.kind, message: err.message, hint: err.hint ?? null, ...(err.detail ?? {}) } });
    // A message can quote droplet text (a path, a line of .env): one line, always. Hints are
    // one line too, except a usage error's, which is our own usage text.
    out.warn(`stratam: ${out.field(err.message)}`);
    if (err.hint) out.warn(`  hint: ${err.kind === 'usage' ? err.hint : out.field(err.hint)}`);
    return err.exitCode;
  }
  // Unexpected (a raw ssh2, Docker or system error): say what failed, never dump objects (they may
  // hold configs), and still give the same three fields and a next step as every other error.
  const message = err instanceof Error ? err.message : String(err);
  const hint = `\`stratam doctor\` checks the droplet's SSH, SFTP, Docker and files; the log (${command ? `\`stratam ${command} --verbose\`` : '--verbose'}) has the details.`;
  if (out.json) out.event({ error: { kind: 'failed', message, hint } });
  out.warn(`stratam: ${out.field(message)}`);
  out.warn(`  hint: ${hint}`);
  if (process.env.STRATAM_DEBUG && err instanceof Error && err.stack) out.warn(err.stack);
  return 1;
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
