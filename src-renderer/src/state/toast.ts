/**
 * Toasts answer the person's own actions. One that states the switch (the
 * answer to Pause or Resume) must never contradict the header, so it is
 * shown only while the latest pushed state of that droplet agrees with it.
 */
import type { DropletStateView } from '../../../src-main/ipc/api.js';

export interface Toast {
  text: string;
  tone: 'ok' | 'error';
  /**
   * A toast that states the switch (the answer to Pause or Resume) is shown
   * only while the latest pushed state of that droplet says the same: a newer
   * read that disagrees hides it, so a toast never contradicts the header.
   */
  claim: { name: string; selfModify: 'paused' | 'allowed' } | null;
}

/** The toast to show now: a claim about the switch only while the latest pushed state agrees with it. */
export function visibleToast(s: { toast: Toast | null; droplets: Readonly<Record<string, DropletStateView>> }): Toast | null {
  const t = s.toast;
  if (!t?.claim) return t;
  const d = s.droplets[t.claim.name];
  return d?.link.state === 'connected' && d.switch?.selfModify === t.claim.selfModify ? t : null;
}
