import { parseArgs } from 'node:util';
import { createCore } from '../../index.js';
import { libraryOptions, parseJobs } from './options.js';
import { ProgressBar } from './progress-bar.js';

export const summary = "watch DIR... [--db FILE] [--jobs N]: add folders, then keep the library's folders analysed until Ctrl-C";

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: libraryOptions, allowPositionals: true });
  const core = await createCore({ dbPath: values.db, jobs: parseJobs(values.jobs), watch: true });
  const bar = new ProgressBar();
  core.events.on('progress', (progress) => bar.update(progress));
  core.events.on('track-updated', ({ id, track }) => {
    if (!track) console.error(`removed track ${id}`);
    else if (track.status === 'error') console.error(`failed: ${track.path}: ${track.error}`);
  });

  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let exitCode = 0;
  for (const dir of positionals) {
    try {
      await core.library.addFolder(dir);
    } catch (error) {
      console.error(`timbre watch: ${error instanceof Error ? error.message : String(error)}`);
      exitCode = 1;
    }
  }
  const folders = core.library.listFolders();
  if (folders.length === 0) {
    console.error('timbre watch: no folders to watch; give one or more DIRs');
    await core.shutdown();
    return 2;
  }
  console.error(`watching ${folders.map((folder) => folder.path).join(', ')} (Ctrl-C to stop)`);
  await stopped;
  bar.finish('stopping: finishing the tracks the workers already have…');
  await core.shutdown();
  return exitCode;
}
