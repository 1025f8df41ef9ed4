/**
 * A loading text that never waits forever: while the droplet's link is down
 * or its connect failed, it says "Not connected" with the reason instead
 * (state/link-down.ts). For views whose waits are their own calls, not the
 * store's details.
 */
import { useAppState } from '../state/hooks.js';
import { notConnectedText } from '../state/link-down.js';

export function WaitingText({ name, text }: { name: string; text: string }) {
  const s = useAppState();
  return <>{notConnectedText(name, s.droplets[name], s.connectErrors[name]?.text ?? null) ?? text}</>;
}
