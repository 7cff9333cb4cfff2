import { createCore } from '../../index.js';
import { createDispatcher } from '../../api/dispatch.js';
import { startWebServer } from '../../api/server.js';
import { appVersion } from '../../api/version.js';
import { defineCommand, integerOption, UsageError } from '../command.js';
import { libraryOptions, libraryPath, parseJobs } from './options.js';

export const summary = 'serve the app in a browser (web mode) on 127.0.0.1, with a per-launch token';

const USAGE = `usage: timbre serve [--db FILE] [--port N] [--jobs N]

Prints the address to open: it holds a one-time launch code, which the browser exchanges for an
access cookie (the address then works no more, so a browser's history keeps no key). Without --port,
a free port is picked. Scripts calling the API set TIMBRE_SERVE_TOKEN and send it as X-Timbre-Token.`;

export const run = defineCommand({ name: 'serve', usage: USAGE, options: { ...libraryOptions, port: { type: 'string' } } }, async ({ values }) => {
  const port = integerOption(values.port, '--port', { fallback: 0, min: 0 });
  if (port > 65535) throw new UsageError(`--port must be a port number, not '${values.port}'`);
  const jobs = parseJobs(values.jobs);
  const token = process.env.TIMBRE_SERVE_TOKEN || undefined;
  if (token !== undefined && token.length < 32) throw new UsageError('TIMBRE_SERVE_TOKEN must be at least 32 characters long');

  const core = await createCore({ dbPath: libraryPath(values.db, { mustExist: false }), jobs, watch: true });
  const dispatcher = createDispatcher(core, { mode: 'web', version: appVersion() });
  const server = await startWebServer({ dispatcher, port, token }).catch(async (error: unknown) => {
    dispatcher.close();
    await core.shutdown();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`port ${port} is in use: give another --port, or none for a free one`);
    throw error;
  });
  console.log(`Timbre (web mode) is serving ${core.dbPath}`);
  console.log(`Open ${server.url}`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.error('timbre serve: shutting down…');
  await server.close();
  dispatcher.close();
  await core.shutdown();
  return 0;
});
