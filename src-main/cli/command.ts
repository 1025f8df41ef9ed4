/**
 * What every `stratam` command receives. Commands live one per file under
 * commands/ and are loaded lazily by main.ts, so `stratam pause` never pays
 * for the code of `stratam vault rotate`.
 */
import type { Droplet } from '../core/droplet/droplet.js';
import type { Output } from './output.js';

export interface GlobalOptions {
  host?: string;
  port?: number;
  user?: string;
  identity?: string;
  knownHosts?: string;
  fingerprint?: string;
  jarvisHome?: string;
  jarvisRoot?: string;
  envFile?: string;
  container?: string;
  sandboxImage?: string;
  backupsVolume?: string;
  agentCodeDir?: string;
  /** As given; checked where it becomes the profile's mirrorCapMB. */
  mirrorCapMB?: string;
  local: boolean;
  profile?: string;
  stateDir: string;
  json: boolean;
  /** Echo log lines to stderr (core/log/logger.ts). */
  verbose?: boolean;
}

export interface CommandContext {
  /** Arguments after the command name (and subcommand, if the command has them). */
  argv: string[];
  globals: GlobalOptions;
  out: Output;
  /** Connect to the droplet the global options name (SSH or --local). Closed by main after run. */
  droplet(): Promise<Droplet>;
  /** Aborted on Ctrl-C / SIGTERM, so commands can clean up (remove containers, close channels). */
  signal: AbortSignal;
}

export interface Command {
  /** One line for `stratam --help`. */
  summary: string;
  /** Full usage text for `stratam CMD --help`. */
  usage: string;
  /** Returns the exit code (see errors.ts EXIT_CODES). Throw StratamError for failures. */
  run(ctx: CommandContext): Promise<number>;
}
