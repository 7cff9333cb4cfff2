/**
 * Electron main process: one sandboxed window, the core in this process, IPC → the shared dispatch.
 * Run with `npm start` (which falls back to web mode when the Electron binary is missing).
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createDispatcher, type Dispatcher } from '../../core/api/dispatch.js';
import { artResponse, MEDIA_METHODS, mediaResponse } from '../../core/api/media.js';
import { appVersion } from '../../core/api/version.js';
import { createCore, type Core } from '../../core/index.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type BridgeEventMessage } from '../preload/bridge.js';
import {
  APP_SCHEME,
  ELECTRON_CONTENT_SECURITY_POLICY,
  MEDIA_SCHEME,
  isAppUrl,
  mainWindowOptions,
} from './window-options.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const RENDERER_DIR = resolve(here, '../../renderer');
const PRELOAD_PATH = resolve(here, '../preload.cjs');

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true } },
]);

let core: Core | null = null;
let dispatcher: Dispatcher | null = null;
let mainWindow: BrowserWindow | null = null;

async function serveAppFile(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  const file = resolve(join(RENDERER_DIR, pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1))));
  const type = STATIC_TYPES[extname(file)];
  const body = file.startsWith(RENDERER_DIR + sep) && type ? await readFile(file).catch(() => null) : null;
  if (!body) return new Response('not found', { status: 404 });
  return new Response(body, {
    headers: { 'Content-Type': type, 'Content-Security-Policy': ELECTRON_CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' },
  });
}

async function serveMedia(request: Request): Promise<Response> {
  if (!MEDIA_METHODS.has(request.method)) return new Response('media is read with GET or HEAD only', { status: 405, headers: { Allow: 'GET, HEAD' } });
  const url = new URL(request.url);
  const id = Number(url.pathname.slice(1));
  const known = Number.isSafeInteger(id) && id > 0;
  let media;
  if (url.host === 'art') media = await artResponse(known ? (dispatcher?.trackArtPath(id) ?? null) : null);
  else {
    const file = url.host === 'track' && known && dispatcher ? dispatcher.mediaFile(id) : null;
    if (!file || !('path' in file)) return new Response(file?.reason ?? 'no such track', { status: file?.status ?? 404 });
    media = await mediaResponse(file.path, request.headers.get('range') ?? undefined);
  }
  const body = media.body ? (Readable.toWeb(media.body) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: media.status, headers: media.headers });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(PRELOAD_PATH));
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser, never inside the app.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  // A redirect (of a navigation that started inside the app) must not lead out of it either.
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_SCHEME}://app/index.html`);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  // No permission (camera, notifications, …) is ever needed.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  protocol.handle(APP_SCHEME, serveAppFile);
  protocol.handle(MEDIA_SCHEME, serveMedia);

  core = await createCore({ watch: true });
  dispatcher = createDispatcher(core, {
    mode: 'electron',
    version: appVersion(),
    chooseFolder: async () => {
      const options = { title: 'Add a music folder', properties: ['openDirectory' as const] };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    choosePlaylistFile: async (suggested) => {
      const options = { title: 'Export playlist', defaultPath: suggested, filters: [{ name: 'M3U8 playlist', extensions: ['m3u8', 'm3u'] }] };
      const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  });
  ipcMain.handle(IPC_INVOKE_CHANNEL, (event, method: unknown, args: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) {
      return { ok: false, error: { code: 'failed', message: 'calls are accepted from the app window only' } };
    }
    return dispatcher!.call(String(method), args);
  });
  dispatcher.subscribe((event, payload) => {
    const message: BridgeEventMessage = { event, payload };
    mainWindow?.webContents.send(IPC_EVENT_CHANNEL, message);
  });

  mainWindow = createWindow();
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  app.on('activate', () => {
    mainWindow ??= createWindow();
  });
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let shuttingDown = false;
app.on('will-quit', (event) => {
  if (shuttingDown || !core) return;
  // Let running analyses save their results before the process exits.
  event.preventDefault();
  shuttingDown = true;
  dispatcher?.close();
  void core.shutdown().finally(() => app.quit());
});

start().catch((error: unknown) => {
  dialog.showErrorBox('Timbre could not start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
