import type { TimbreBridge } from '../../electron/preload/bridge.js';
import type { Transport } from './client.js';

declare global {
  interface Window {
    /** Present only inside Electron, put there by the preload. */
    timbre?: TimbreBridge;
  }
}

/** Calls through the preload bridge; the main process dispatches and validates them. */
export function createIpcTransport(bridge: TimbreBridge): Transport {
  return {
    invoke: (method, args) => (bridge.invoke as (method: string, ...args: unknown[]) => ReturnType<Transport['invoke']>)(method, ...args),
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    mediaUrl: (trackId) => `timbre-media://track/${trackId}`,
    artUrl: (trackId, hash) => `timbre-media://art/${trackId}?v=${hash}`,
  };
}
