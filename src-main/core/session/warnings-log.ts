/**
 * The warnings the session has raised, per droplet, bounded, each one
 * acknowledgeable. The tray icon and the dashboard count only what is not
 * acknowledged: a warning the person has seen must not keep the icon on
 * "warning" forever (it would hide a later "paused" or "ok").
 */
import type { Warning } from './droplet-state.js';

const MAX_PER_DROPLET = 500;

export class WarningsLog {
  private readonly byDroplet = new Map<string, Warning[]>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  add(name: string, w: Omit<Warning, 'id' | 'name' | 'at'>): Warning {
    const warning: Warning = { id: `w${++this.seq}`, name, at: new Date(this.now()).toISOString(), ...w };
    const list = this.byDroplet.get(name) ?? [];
    list.push(warning);
    if (list.length > MAX_PER_DROPLET) list.shift();
    this.byDroplet.set(name, list);
    return warning;
  }

  list(name?: string): Warning[] {
    const all = name === undefined ? [...this.byDroplet.values()].flat() : (this.byDroplet.get(name) ?? []);
    return [...all].sort((a, b) => a.at.localeCompare(b.at));
  }

  /**
   * Acknowledge one warning by id, or every warning (of one droplet, or of
   * all). Returns the warnings that changed, with their acknowledgement.
   */
  acknowledge(sel: { id: string } | { all: true; name?: string }): Warning[] {
    const at = new Date(this.now()).toISOString();
    const changed: Warning[] = [];
    for (const [name, list] of this.byDroplet) {
      if ('all' in sel && sel.name !== undefined && sel.name !== name) continue;
      for (let i = 0; i < list.length; i++) {
        const w = list[i]!;
        if (w.acknowledgedAt) continue;
        if ('id' in sel && w.id !== sel.id) continue;
        list[i] = { ...w, acknowledgedAt: at };
        changed.push(list[i]!);
      }
    }
    return changed;
  }

  /** Unacknowledged tier-1 fabrication warnings of one droplet (the tray's count). */
  openFabrications(name: string): number {
    return (this.byDroplet.get(name) ?? []).filter((w) => w.kind === 'fabrication' && w.tier === 1 && !w.acknowledgedAt).length;
  }

  forget(name: string): void {
    this.byDroplet.delete(name);
  }
}
