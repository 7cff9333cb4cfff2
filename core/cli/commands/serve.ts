import { parseArgs } from 'node:util';
import { createCore } from '../../index.js';
import { createDispatcher } from '../../api/dispatch.js';
import { startWebServer } from '../../api/server.js';
import { appVersion } from '../../api/version.js';

export const summary = 'serve the app in a browser (web mode) on 127.0.0.1, with a per-launch token';

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      db: { type: 'string' },
      port: { type: 'string' },
      jobs: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: timbre serve [--db FILE] [--port N] [--jobs N]\n\nPrints the address to open; it carries the access token.');
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`timbre serve: --port must be a port number, not '${values.port}'`);
    return 2;
  }
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    console.error(`timbre serve: --jobs must be a positive integer, not '${values.jobs}'`);
    return 2;
  }

  const core = await createCore({ dbPath: values.db, jobs, watch: true });
  const dispatcher = createDispatcher(core, { mode: 'web', version: appVersion() });
  const server = await startWebServer({ dispatcher, port }).catch(async (error: unknown) => {
    dispatcher.close();
    await core.shutdown();
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
}
