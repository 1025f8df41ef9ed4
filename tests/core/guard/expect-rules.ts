import assert from 'node:assert/strict';
import type { ControlPlane } from '../../../src-main/core/droplet/control-plane.js';
import { type RuleId, checkCommand } from '../../../src-main/core/guard/blocklist.js';

/** A command and the rule that must refuse it, or null: it must be allowed. */
export type Case = [string, RuleId | null];

/** Check each command (against `plane`, or the contract defaults) and name the command and the reason on a mismatch. */
export async function expectRules(cases: readonly Case[], plane?: ControlPlane): Promise<void> {
  for (const [cmd, want] of cases) {
    const v = await checkCommand(cmd, plane ? { plane } : {});
    assert.equal(v.rule, want, `${plane ? `[home ${plane.home ?? 'unknown'}] ` : ''}${cmd}: ${v.reason}`);
  }
}
