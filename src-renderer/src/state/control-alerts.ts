/**
 * Which warnings are shown as alerts above every view: critical signs that
 * the off switch was undermined (a control-plane change no operator receipt
 * explains, a destructive tool that ran while paused, hold-pause failing to
 * put a pause back, a blocked command that ran). Each stays until the person
 * dismisses it (this window) or acknowledges it (every window and the tray);
 * the Warnings view keeps them all.
 */
import type { WarningView } from '../../../src-main/ipc/api.js';

export const ALERT_KINDS: ReadonlySet<WarningView['kind']> = new Set(['control-tampered', 'destructive-while-paused', 'hold-pause', 'blocked-command-ran']);

export const KIND_LABEL: Partial<Record<WarningView['kind'], string>> = {
  'control-tampered': 'Control plane changed without a receipt',
  'destructive-while-paused': 'Destructive tool ran while paused',
  'hold-pause': 'Hold-pause',
  'blocked-command-ran': 'Blocked command ran',
};

export interface ControlAlert {
  warning: WarningView;
  /** For a tamper: what hold-pause did next on the same droplet (put it back, or failed), if it acted. */
  followUp: WarningView | null;
}

const order = (a: WarningView, b: WarningView) => a.at.localeCompare(b.at) || idNum(a) - idNum(b);
const idNum = (w: WarningView) => Number(/\d+$/.exec(w.id)?.[0] ?? 0);

/** Alerts neither dismissed nor acknowledged, newest first, for one droplet or all. */
export function controlAlerts(warnings: readonly WarningView[], dismissed: ReadonlySet<string>, name: string | null = null): ControlAlert[] {
  const sorted = warnings
    .filter((w) => !name || w.name === name)
    .slice()
    .sort(order);
  const out: ControlAlert[] = [];
  sorted.forEach((w, i) => {
    if (w.severity !== 'critical' || !ALERT_KINDS.has(w.kind) || dismissed.has(w.id) || w.acknowledgedAt) return;
    let followUp: WarningView | null = null;
    if (w.kind === 'control-tampered' && w.detail.reverted === false) {
      followUp = sorted.slice(i + 1).find((x) => x.name === w.name && x.kind === 'hold-pause') ?? null;
    }
    out.push({ warning: w, followUp });
  });
  return out.reverse();
}
