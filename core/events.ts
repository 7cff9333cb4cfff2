import { EventEmitter } from 'node:events';
import type { CoreEventMap, CoreEventName, CoreEvents, TrackUpdate } from './library/types.js';

/** The core's typed event bus: `on` for subscribers (returns an unsubscribe), `emit` for the core itself. */
export class CoreEventBus implements CoreEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every window, SSE client and CLI listener subscribes here; none of them is a leak.
    this.emitter.setMaxListeners(0);
  }

  on<E extends CoreEventName>(event: E, listener: (payload: CoreEventMap[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends CoreEventName>(event: E, payload: CoreEventMap[E]): void {
    this.emitter.emit(event, payload);
  }
}

/**
 * Follows every track change, whether it came alone ('track-updated') or with others ('tracks-updated'):
 * the listener always gets a list. Returns one unsubscribe for both.
 */
export function onTrackUpdates(events: CoreEvents, listener: (updates: readonly TrackUpdate[]) => void): () => void {
  const stopSingle = events.on('track-updated', (update) => listener([update]));
  const stopBatch = events.on('tracks-updated', ({ updates }) => listener(updates));
  return () => {
    stopSingle();
    stopBatch();
  };
}
