/**
 * The shell-command blocklist (contract: "Shell-command blocklist"). One call,
 * `checkCommand(text)`, answers whether a command line may run. It parses the
 * text with tree-sitter-bash and refuses what the contract lists and anything
 * it cannot read with certainty. It never throws for bad input: every
 * surprise is a refusal.
 */
import type { ControlPlane } from '../droplet/control-plane.js';
import { Analyzer } from './analyze.js';
import { bashParser } from './bash-parser.js';
import { controlSet } from './control-targets.js';
import { type RuleId, TOO_SLOW } from './finding.js';

export type { RuleId } from './finding.js';
export { TOO_SLOW } from './finding.js';

export interface CheckOptions {
  /**
   * The droplet's control plane (`controlPlane(droplet.paths, droplet.home)`):
   * its paths, the SSH user's home, the agent container and backups volume.
   * Without it, the contract defaults with the home unknown.
   */
  plane?: ControlPlane | null;
}

export interface Verdict {
  allowed: boolean;
  /** Which rule refused the command; null when allowed. */
  rule: RuleId | null;
  /** One sentence for a person. */
  reason: string;
  /** The argv of the command that was refused (wrappers stripped), or of the first command when allowed. */
  argv: string[];
  /** Every command found, as argv, in source order (up to the refusal). */
  commands: string[][];
}

/** Longer command lines are refused unread: nobody types 64 KiB at a prompt. */
export const MAX_COMMAND_CHARS = 64 * 1024;
/** The whole check (parsing, walking aliases, functions and loops, payload scans) must finish within this, or the command is refused. */
export const CHECK_BUDGET_MS = 2000;

export async function checkCommand(text: string, opts: CheckOptions = {}): Promise<Verdict> {
  if (typeof text !== 'string') return refuse('parse-error', 'the command is not text', []);
  if (text.length > MAX_COMMAND_CHARS) return refuse('too-long', `the command is longer than ${MAX_COMMAND_CHARS} characters`, []);
  if (text.trim() === '') return refuse('parse-error', 'the command is empty', []);
  const started = performance.now();
  let analyzer: Analyzer;
  try {
    // A parser that fails to load, or a malformed plane, must not let a command through.
    const parser = await bashParser();
    analyzer = new Analyzer(parser, started + CHECK_BUDGET_MS, controlSet(opts?.plane));
  } catch (err) {
    return refuse('parse-error', `the command could not be checked (${err instanceof Error ? err.name : 'error'})`, []);
  }
  let finding;
  try {
    finding = analyzer.run(text);
    // The budget covers the whole check, payload scans included: a check that ran past it is refused.
    if (!finding && analyzer.expired()) finding = { rule: 'too-deep' as const, reason: TOO_SLOW, argv: [] };
  } catch (err) {
    // A bug in a rule must not let a command through.
    return refuse('parse-error', `the command could not be checked (${err instanceof Error ? err.name : 'error'})`, [], analyzer.commands);
  } finally {
    analyzer.dispose();
  }
  if (finding) return refuse(finding.rule, finding.reason, finding.argv, analyzer.commands);
  return { allowed: true, rule: null, reason: 'no blocklist rule matched', argv: analyzer.commands[0] ?? [], commands: analyzer.commands };
}

function refuse(rule: RuleId, reason: string, argv: string[], commands: string[][] = []): Verdict {
  return { allowed: false, rule, reason, argv, commands };
}
