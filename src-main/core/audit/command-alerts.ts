/**
 * The feed's second line (second-line.ts) for each delivered record that ran
 * a shell command: the command is checked with the blocklist and a refused
 * one is a critical `blocklisted-command-ran` alert. Checks run one after
 * another on one chain, so alerts come out in record order.
 */
import type { Diagnostic, StreamName } from './diagnostics.js';
import type { CommandChecker, CommandVerdict } from './second-line.js';
import { reportError } from '../log/logger.js';

/** Second-line verdicts remembered per feed: a backlog repeats the same few commands a million times. */
export const VERDICT_CACHE = 4096;

export class CommandAlerts {
  private chain: Promise<void> = Promise.resolve();
  private readonly verdicts = new Map<string, CommandVerdict>();

  constructor(
    private readonly check: CommandChecker,
    private readonly emit: (d: Diagnostic) => void,
  ) {}

  /** Check the command of record `seq` of `stream` (delivered, `ok: true`); alert if the blocklist refuses it. */
  raise(stream: StreamName, seq: number, cmd: string): void {
    if (this.verdicts.get(cmd)?.refused === false) return;
    this.chain = this.chain
      .then(async () => {
        let verdict = this.verdicts.get(cmd);
        if (!verdict) {
          try {
            verdict = await this.check(cmd);
            if (this.verdicts.size >= VERDICT_CACHE) this.verdicts.delete(this.verdicts.keys().next().value as string);
            this.verdicts.set(cmd, verdict);
          } catch (err) {
            reportError('audit-feed', err, `checking seq ${seq} of ${stream} against the blocklist (failing closed: it is alerted)`);
            verdict = { refused: true, reason: 'the blocklist could not check it (fail closed)' }; // not remembered: the next one asks again
          }
        }
        if (verdict.refused) {
          this.emit({
            kind: 'alert',
            severity: 'critical',
            reason: 'blocklisted-command-ran',
            stream,
            at_seq: seq,
            detail: `A ${cmd.length > 200 ? `${cmd.slice(0, 200)}…` : cmd} call ran with ok:true, but the blocklist refuses it (${verdict.reason ?? 'blocked'}).`,
          });
        }
      })
      .catch((err: unknown) => {
        // One alert that could not be raised (a consumer that threw) must not silence every later one: the chain goes on.
        reportError('audit-feed', err, `raising the blocked-command alert for seq ${seq} of ${stream}`);
      });
  }

  /** Resolves once every alert raised so far was checked (and emitted). */
  settled(): Promise<void> {
    return this.chain;
  }
}
