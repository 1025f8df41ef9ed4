/**
 * The platform interface: the console talks to the core through one named API
 * object (StratamApi) whatever carries it. In Electron the preload exposes it
 * as `window.stratam`; in a plain browser (the dev/test harness) it is built
 * over a loopback HTTP transport. Views never know which one they have.
 * Only TYPES come from src-main/ipc: nothing of the main side is bundled.
 */
import type { ChannelName, StratamApi } from '../../../src-main/ipc/api.js';
import { connectHttpPlatform } from './http-platform.js';

export type { StratamApi };

export interface Platform {
  kind: 'electron' | 'browser';
  api: StratamApi;
  /** Channels this host actually serves; a view whose channels are missing is not shown. */
  has(channel: ChannelName): boolean;
  /** Transport health for the browser harness (always true in Electron). */
  onTransport?(listener: (up: boolean) => void): () => void;
}

declare global {
  interface Window {
    stratam?: StratamApi;
  }
}

export async function getPlatform(): Promise<Platform> {
  const injected = window.stratam;
  if (injected && typeof injected.status === 'function') {
    return { kind: 'electron', api: injected, has: (c) => typeof (injected as unknown as Record<string, unknown>)[c] === 'function' };
  }
  return connectHttpPlatform();
}
