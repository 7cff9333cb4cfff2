import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiErrorCode } from './contract.js';
import type { Dispatcher } from './dispatch.js';
import { artResponse, MEDIA_METHODS, mediaResponse } from './media.js';
import { MAX_TRACKS_PER_EDIT } from './schemas-genres.js';

/**
 * Web mode: the renderer and the API over HTTP on 127.0.0.1, for browsers and the Playwright tests.
 *
 * - POST /api/<method> with a JSON body (the argument object, or the argument list) → ApiResponse JSON.
 * - GET /api/events → server-sent events (one `event:` per API event).
 * - GET /media/<trackId> → the track's file, with Range support.
 * - GET /media/art/<trackId> → the thumbnail of the track's album art.
 * - Anything else → a file of the bundled renderer (dist/renderer), which needs no token.
 *
 * Every API, event and media request must carry the per-launch token: the page has it as an HttpOnly,
 * SameSite=Strict cookie, which its fetches, EventSource and <audio> send by themselves; scripts send
 * the header `X-Timbre-Token` (or `?token=`). The token never appears in an address a browser keeps:
 * the address `timbre serve` prints holds a one-time launch code instead, which GET /launch exchanges
 * for the cookie before redirecting to the app (a used code is worth nothing, so a browser's history
 * keeps no key). Requests from another Origin, or naming another Host (DNS rebinding), are refused.
 */
export interface WebServerOptions {
  dispatcher: Dispatcher;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The bundled renderer; default dist/renderer beside the compiled core. */
  staticDir?: string;
  /** Tests and scripts pass a fixed token (TIMBRE_SERVE_TOKEN for `timbre serve`); otherwise a random one is made per launch. */
  token?: string;
}

export interface WebServer {
  port: number;
  token: string;
  /** The address to open: it carries a one-time launch code, exchanged for the token's cookie. */
  url: string;
  /** A further address to open (another browser, another profile): a fresh one-time launch code. */
  launchUrl(): string;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-timbre-token';
export const SESSION_COOKIE = 'timbre_session';
const HOST = '127.0.0.1';
/**
 * The largest request body web mode reads. The largest request the contract accepts is a bulk genre
 * edit naming MAX_TRACKS_PER_EDIT (200,000) tracks: about 1.4 MB of JSON with 6-digit ids, 2.2 MB even
 * with 10-digit ones, so a select-all edit fits; a larger body is answered 413 'too-large'.
 */
export const MAX_BODY_BYTES = 4 << 20;
const KEEPALIVE_MS = 20_000;

const ERROR_STATUS: Partial<Record<ApiErrorCode, number>> = {
  'unknown-method': 404,
  'not-found': 404,
  'invalid-arguments': 400,
  'too-large': 413,
  'library-unavailable': 503,
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { dispatcher } = options;
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticDir = resolve(options.staticDir ?? DEFAULT_STATIC_DIR);
  const eventStreams = new Set<ServerResponse>();
  const launchCodes = new Set<string>();
  const newLaunchCode = () => {
    const code = randomBytes(24).toString('base64url');
    launchCodes.add(code);
    return code;
  };
  let port = 0;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { ok: false, error: { code: 'failed', message: String(error) } });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const allowedOrigins = [`http://${HOST}:${port}`, `http://localhost:${port}`];
    if (!allowedOrigins.some((origin) => request.headers.host === origin.slice('http://'.length))) {
      return sendText(response, 421, 'unknown host');
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.includes(origin)) return sendText(response, 403, 'foreign origin');

    const url = new URL(request.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname === '/launch') return launch(request, response, url);
    const isApi = url.pathname.startsWith('/api/');
    const isMedia = url.pathname.startsWith('/media/');
    if ((isApi || isMedia) && !hasToken(request, url, token)) return sendText(response, 401, 'missing or wrong token');

    if (url.pathname === '/api/events' && request.method === 'GET') return openEventStream(request, response);
    if (isApi) {
      if (request.method !== 'POST') return sendText(response, 405, 'use POST');
      const args = await readJsonBody(request);
      if (args === TOO_LARGE) {
        const message = `the request body is over ${MAX_BODY_BYTES / (1 << 20)} MiB, the most one API call may send (a bulk edit names at most ${MAX_TRACKS_PER_EDIT.toLocaleString('en')} tracks)`;
        return sendJson(response, 413, { ok: false, error: { code: 'too-large', message } });
      }
      if (args === undefined) return sendJson(response, 400, { ok: false, error: { code: 'invalid-arguments', message: 'body is not JSON' } });
      const method = decodePathPart(url.pathname.slice('/api/'.length));
      if (method === null) return sendJson(response, 400, { ok: false, error: { code: 'invalid-arguments', message: 'malformed %-escape in the address' } });
      const result = await dispatcher.call(method, args);
      const status = result.ok ? 200 : ERROR_STATUS[result.error.code] ?? 500;
      return sendJson(response, status, result);
    }
    if (isMedia) return serveMedia(request, response, url);
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed');
    return serveStatic(response, url.pathname);
  }

  /** Exchanges a one-time launch code for the session cookie, and leaves the code's address at once. */
  function launch(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed');
    const code = url.searchParams.get('code') ?? '';
    // Opened again in the browser that used it (a reload, a bookmark): that browser has the cookie already.
    if (!launchCodes.has(code) && hasToken(request, new URL('/', url), token)) {
      response.writeHead(303, { Location: '/', 'Cache-Control': 'no-store' });
      return void response.end();
    }
    if (!launchCodes.delete(code)) {
      return sendText(response, 403, 'this launch address was already used or is wrong: open the one `timbre serve` printed, in a browser that has not opened it yet');
    }
    response.writeHead(303, {
      'Set-Cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      Location: '/',
      'Cache-Control': 'no-store',
    });
    response.end();
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    response.write('retry: 2000\n\n');
    eventStreams.add(response);
    const unsubscribe = dispatcher.subscribe((event, payload) => {
      response.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const keepalive = setInterval(() => response.write(': keepalive\n\n'), KEEPALIVE_MS);
    request.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
      eventStreams.delete(response);
    });
  }

  async function serveMedia(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (!MEDIA_METHODS.has(request.method ?? '')) {
      response.setHeader('Allow', 'GET, HEAD');
      return sendText(response, 405, 'media is read with GET or HEAD only');
    }
    const isArt = url.pathname.startsWith('/media/art/');
    const id = Number(url.pathname.slice(isArt ? '/media/art/'.length : '/media/'.length));
    if (!Number.isSafeInteger(id) || id <= 0) return sendText(response, 404, 'no such track');
    let media;
    if (isArt) media = await artResponse(dispatcher.trackArtPath(id));
    else {
      const file = dispatcher.mediaFile(id);
      if (!('path' in file)) return sendText(response, file.status, file.reason);
      media = await mediaResponse(file.path, request.headers.range);
    }
    response.writeHead(media.status, media.headers);
    if (!media.body || request.method === 'HEAD') {
      media.body?.destroy();
      response.end();
      return;
    }
    media.body.pipe(response);
    response.on('close', () => media.body?.destroy());
  }

  async function serveStatic(response: ServerResponse, pathname: string): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodePathPart(pathname.slice(1));
    if (relative === null) return sendText(response, 400, 'malformed %-escape in the address');
    const file = resolve(join(staticDir, relative));
    if (!file.startsWith(staticDir + sep) || !(extname(file) in STATIC_TYPES)) return sendText(response, 404, 'not found');
    const body = await readFile(file).catch(() => null);
    if (!body) {
      const hint = relative === 'index.html' ? ' (run `npm run build` to bundle the renderer)' : '';
      return sendText(response, 404, `not found${hint}`);
    }
    response.writeHead(200, { 'Content-Type': STATIC_TYPES[extname(file)], 'Cache-Control': 'no-cache' });
    response.end(body);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${HOST}:${port}/launch?code=${newLaunchCode()}`,
    launchUrl: () => `http://${HOST}:${port}/launch?code=${newLaunchCode()}`,
    async close() {
      for (const stream of eventStreams) stream.end();
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}

function hasToken(request: IncomingMessage, url: URL, token: string): boolean {
  const header = request.headers[TOKEN_HEADER];
  const given = (typeof header === 'string' ? header : null) ?? cookieValue(request, SESSION_COOKIE) ?? url.searchParams.get('token');
  if (!given) return false;
  const expected = Buffer.from(token);
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function cookieValue(request: IncomingMessage, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

/** A %-decoded address part; null when an escape is malformed (a client error, not the server's). */
function decodePathPart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

const TOO_LARGE = Symbol('too large');

/**
 * The argument list of a call: an empty body is no arguments, an object is the one argument; undefined
 * when it is not JSON. A body over MAX_BODY_BYTES is read to its end but not kept, so the client, still
 * sending, gets the 413 instead of a reset connection.
 */
async function readJsonBody(request: IncomingMessage): Promise<unknown[] | undefined | typeof TOO_LARGE> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) return TOO_LARGE;
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
