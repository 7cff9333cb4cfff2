import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import {
  APP_ORIGIN,
  ELECTRON_CONTENT_SECURITY_POLICY,
  isAppUrl,
  mainWindowOptions,
} from '../../electron/main/window-options.js';
import { BRIDGE_KEY, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../electron/preload/bridge.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('the window is sandboxed: context isolation, sandbox, no Node, no webview', () => {
  const options = mainWindowOptions('/app/preload.cjs');
  const prefs = options.webPreferences!;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, '/app/preload.cjs');
});

test('the CSP allows only the app itself (no eval, no inline script, no remote hosts)', () => {
  const directives = new Map(ELECTRON_CONTENT_SECURITY_POLICY.split(';').map((part) => {
    const [name, ...values] = part.trim().split(/\s+/);
    return [name, values] as const;
  }));
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.doesNotMatch(ELECTRON_CONTENT_SECURITY_POLICY, /unsafe-eval|unsafe-inline|https?:|\*/);
});

test('only the app origin counts as the app (navigation and IPC senders are checked with it)', () => {
  assert.equal(isAppUrl(`${APP_ORIGIN}/index.html`), true);
  assert.equal(isAppUrl('https://example.com/'), false);
  assert.equal(isAppUrl('file:///etc/passwd'), false);
  assert.equal(isAppUrl('timbre://evil/index.html'), false);
  assert.equal(isAppUrl('not a url'), false);
});

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** Bundles the preload exactly as `npm run build` does, and runs it against a fake electron module. */
async function runPreload() {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['electron/preload/preload.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  const exposed: Array<{ key: string; api: Record<string, unknown> }> = [];
  const invocations: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const required: string[] = [];
  const fakeElectron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invocations.push(args);
        return { ok: true, result: [] };
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      },
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => listeners.get(channel)?.delete(listener),
    },
  };
  const module = { exports: {} };
  runInNewContext(result.outputFiles[0].text, {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`the sandboxed preload cannot require ${name}`);
      return fakeElectron;
    },
  });
  return { exposed, invocations, listeners, required };
}

test('the preload exposes exactly one generic invoke/subscribe bridge and nothing else', async () => {
  const { exposed, invocations, listeners, required } = await runPreload();
  assert.deepEqual(required, ['electron']);
  assert.equal(exposed.length, 1);
  assert.equal(exposed[0].key, BRIDGE_KEY);
  const bridge = exposed[0].api as {
    invoke: (method: string, ...args: unknown[]) => Promise<unknown>;
    subscribe: (event: string, listener: (payload: unknown) => void) => () => void;
  };
  assert.deepEqual(Object.keys(bridge).sort(), ['invoke', 'subscribe']);

  // invoke forwards the method and its arguments on the one invoke channel; nothing raw leaks out.
  assert.deepEqual(await bridge.invoke('queryTracks', { offset: 0, limit: 5 }), { ok: true, result: [] });
  // (Arrays made inside the preload's context are compared by value, across realms.)
  assert.deepEqual(plain(invocations), [[IPC_INVOKE_CHANNEL, 'queryTracks', [{ offset: 0, limit: 5 }]]]);

  // subscribe delivers only its own event's payload (never the IpcRendererEvent), and unsubscribes.
  const received: unknown[] = [];
  const unsubscribe = bridge.subscribe('progress', (payload) => received.push(payload));
  const channel = listeners.get(IPC_EVENT_CHANNEL)!;
  assert.equal(channel.size, 1);
  const [listener] = channel;
  listener({ sender: 'ipc internals' }, { event: 'progress', payload: { done: 1 } });
  listener({ sender: 'ipc internals' }, { event: 'folders-changed', payload: {} });
  assert.deepEqual(plain(received), [{ done: 1 }]);
  unsubscribe();
  assert.equal(channel.size, 0);
});
