import assert from 'node:assert/strict';
import type { Dispatcher } from '../../core/api/dispatch.js';

/** Calls API methods through the dispatch, as a transport would; a failed call fails the test. */
export function dispatchCaller(dispatcher: () => Dispatcher) {
  return async function call<T>(method: string, args?: unknown): Promise<T> {
    const response = await dispatcher().call(method, args === undefined ? [] : [args]);
    assert.ok(response.ok, `${method} failed: ${JSON.stringify(response)}`);
    return (response as { ok: true; result: T }).result;
  };
}
