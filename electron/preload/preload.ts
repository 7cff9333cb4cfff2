/**
 * The preload of Timbre's sandboxed window. It runs with contextIsolation and sandbox on, so it may
 * only use `contextBridge` and `ipcRenderer`; it exposes exactly one object, the generic bridge.
 * The main process validates every call (core/api/schemas.ts), so nothing is trusted here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_KEY, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeEventMessage, type TimbreBridge } from './bridge.js';

const bridge: TimbreBridge = {
  invoke: (method, ...args) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, args),
  subscribe(event, listener) {
    const onMessage = (_event: IpcRendererEvent, message: BridgeEventMessage) => {
      if (message.event === event) listener(message.payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, onMessage);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, onMessage);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
