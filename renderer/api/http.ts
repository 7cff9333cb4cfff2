import { API_EVENT_NAMES, type ApiEventName, type ApiEvents, type ApiResponse } from '../../core/api/contract.js';
import type { Transport } from './client.js';

const TOKEN_KEY = 'timbre.token';

/**
 * The per-launch token arrives in the URL fragment (never sent to a server, never logged); it is
 * kept in sessionStorage so a reload works, and removed from the address bar.
 */
function takeToken(): string {
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromFragment) {
    sessionStorage.setItem(TOKEN_KEY, fromFragment);
    history.replaceState(null, '', location.pathname + location.search);
    return fromFragment;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Web mode: POST /api/<method> and one shared EventSource on /api/events. */
export function createHttpTransport(): Transport {
  const token = takeToken();
  const listeners = new Map<ApiEventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  const connect = () => {
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
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
          headers: { 'Content-Type': 'application/json', 'X-Timbre-Token': token },
          body: JSON.stringify(args),
        });
        if (response.status === 401) {
          return { ok: false, error: { code: 'failed', message: 'This page has no valid access token: open the address `timbre serve` printed.' } };
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
    mediaUrl: (trackId) => `/media/${trackId}?token=${encodeURIComponent(token)}`,
    artUrl: (trackId, hash) => `/media/art/${trackId}?v=${hash}&token=${encodeURIComponent(token)}`,
  };
}
