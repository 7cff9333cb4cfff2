import { API_EVENT_NAMES, type ApiEventName, type ApiEvents, type ApiResponse } from '../../core/api/contract.js';
import type { Transport } from './client.js';

/**
 * Web mode: POST /api/<method> and one shared EventSource on /api/events. The access token is an
 * HttpOnly cookie the launch address set (core/api/server.ts): the page never sees it, and every
 * same-origin request (fetch, EventSource, <audio>) carries it by itself.
 */
export function createHttpTransport(): Transport {
  const listeners = new Map<ApiEventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  const connect = () => {
    source = new EventSource('/api/events');
    for (const name of API_EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const payload = JSON.parse((message as MessageEvent<string>).data) as never;
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
  };

  return {
    async invoke(method, args) {
      try {
        const response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(args),
        });
        if (response.status === 401) {
          return {
            ok: false,
            error: { code: 'failed', message: 'This page has no access: open the address `timbre serve` printed (each works once; restart it for a new one).' },
          };
        }
        return (await response.json()) as ApiResponse;
      } catch (error) {
        return { ok: false, error: { code: 'failed', message: `Timbre is not reachable (${String(error)}). Is \`timbre serve\` still running?` } };
      }
    },
    subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      if (!source) connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    mediaUrl: (trackId) => `/media/${trackId}`,
    artUrl: (trackId, hash) => `/media/art/${trackId}?v=${hash}`,
  };
}
