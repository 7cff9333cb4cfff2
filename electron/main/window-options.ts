import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * The security settings of Timbre's window, kept free of runtime electron imports so a plain Node
 * test can assert them without the Electron binary.
 */

/** The app's own scheme: the renderer is served from timbre://app/, never from file:// or the network. */
export const APP_SCHEME = 'timbre';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** Track audio for the <audio> element, with Range support: timbre-media://track/<id>. */
export const MEDIA_SCHEME = 'timbre-media';

export const ELECTRON_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' data: blob: ${MEDIA_SCHEME}:`,
  `media-src ${MEDIA_SCHEME}:`,
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'Timbre',
    show: false,
    backgroundColor: '#15161a',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** Whether a URL belongs to the app itself; everything else is refused (navigation, IPC senders). */
export function isAppUrl(url: string): boolean {
  try {
    // Compared by parts: Node's URL gives non-special schemes an opaque origin.
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'app';
  } catch {
    return false;
  }
}
