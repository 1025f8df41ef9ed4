/**
 * What each thing the session hears raises, as data: a warning for the
 * dashboard, a notification for the tray, a marker for the live feed. Pure,
 * so the rules are read and tested in one place; the session only applies
 * them.
 */
import type { AlertDiagnostic, ControlDiagnostic } from '../audit/diagnostics.js';
import type { Trigger } from '../tray/notify-policy.js';
import type { WatchEvent } from '../watch/watch-event.js';
import type { Warning } from './droplet-state.js';

export interface Alert {
  warning: Omit<Warning, 'id' | 'name' | 'at'> | null;
  trigger: Trigger | null;
  marker: ControlDiagnostic | null;
}

const none: Alert = { warning: null, trigger: null, marker: null };

/** The contract's gated tools (destructive: flag and trust). */
const DESTRUCTIVE_TOOLS = new Set(['self_modify_code', 'self_restart', 'docker_cmd', 'host_exec']);

/** The feed's alerts, as warnings: a control file turned into a link is tampering with the control plane. */
const ALERT_KINDS: Readonly<Record<AlertDiagnostic['reason'], Warning['kind']>> = {
  'blocklisted-command-ran': 'blocked-command-ran',
  rewritten: 'audit-rewritten',
  rollback: 'audit-rollback',
  'not-regular-file': 'control-tampered',
};

/** A control-plane watch event. `linkUp`: while the link is down the watch reports every retry, and the link state already says so. */
export function watchAlert(name: string, e: WatchEvent, linkUp: boolean): Alert {
  const detail = { ...e } as Record<string, unknown>;
  const marker = (severity: ControlDiagnostic['severity'], event: ControlDiagnostic['event']): ControlDiagnostic => ({
    kind: 'control',
    severity,
    event,
    file: e.file,
    key: e.key,
    at: e.at,
    detail: e.detail,
  });
  switch (e.kind) {
    case 'tampered':
      return {
        warning: { kind: 'control-tampered', severity: 'critical', tier: null, message: e.detail, detail },
        trigger: { kind: 'control-tampered', name, id: `${e.at}:${e.file}:${e.key}:${e.to}`, detail: e.detail, reverting: e.reverted === false },
        marker: marker('critical', 'tampered'),
      };
    case 'reverted':
    case 'revert-failed': {
      const ok = e.kind === 'reverted';
      return {
        warning: { kind: 'hold-pause', severity: ok ? 'info' : 'critical', tier: null, message: e.detail, detail },
        trigger: { kind: 'hold-pause', name, id: e.at, ok, detail: e.detail },
        marker: marker(ok ? 'info' : 'critical', e.kind),
      };
    }
    case 'error':
      return linkUp ? { ...none, warning: { kind: 'watch-failed', severity: 'warning', tier: null, message: e.detail, detail: { watcher: 'control' } } } : none;
    default:
      return none;
  }
}

/** An alert of the live audit feed. */
export function feedAlert(name: string, d: AlertDiagnostic): Alert {
  const kind = ALERT_KINDS[d.reason];
  const trigger: Trigger | null =
    kind === 'blocked-command-ran'
      ? { kind: 'blocked-command-ran', name, seq: d.at_seq, detail: d.detail }
      : kind === 'control-tampered'
        ? { kind: 'control-tampered', name, id: `feed:${d.stream}:${d.at_seq}:${d.reason}`, detail: d.detail, reverting: false }
        : null;
  return { warning: { kind, severity: d.severity, tier: null, message: d.detail, detail: { stream: d.stream, seq: d.at_seq } }, trigger, marker: null };
}

/**
 * An agent record: a destructive call that ran (not blocked) while the
 * droplet was paused or held paused means the agent read a flag the operator
 * did not set. Reported whatever hold-pause did, so no call made in a tamper
 * window goes unseen.
 */
export function whilePausedAlert(name: string, seq: number, v: Record<string, unknown>, paused: boolean, at: string): Alert | null {
  if (!paused || typeof v.tool !== 'string' || !DESTRUCTIVE_TOOLS.has(v.tool) || v.blocked !== null) return null;
  const message = `The agent ran ${v.tool} (audit record ${seq}) while ${name} was paused: it read JARVIS_SELF_MODIFY_ALLOWED as on.`;
  return {
    warning: { kind: 'destructive-while-paused', severity: 'critical', tier: null, message, detail: { seq, tool: v.tool, ts: v.ts ?? null } },
    trigger: { kind: 'destructive-while-paused', name, seq, detail: message },
    marker: { kind: 'control', severity: 'critical', event: 'destructive-while-paused', file: 'activity', key: null, at, detail: message },
  };
}
