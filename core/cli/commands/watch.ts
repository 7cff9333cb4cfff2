import { onTrackUpdates } from '../../events.js';
import { createCore } from '../../index.js';
import { defineCommand, UsageError } from '../command.js';
import { allFolders, libraryOptions, libraryPath, parseJobs } from './options.js';
import { ProgressBar } from './progress-bar.js';

export const summary = "watch [DIR...] [--db FILE] [--jobs N]: add folders, then keep the library's folders analysed until Ctrl-C";

const USAGE = `usage: timbre watch [DIR...] [--db FILE] [--jobs N]

Adds each DIR to the library, then keeps every folder of the library analysed (new, changed, deleted,
moved files) until Ctrl-C or SIGTERM. Without DIR it watches the folders the library already has.
A DIR that is not a folder fails the command before anything is watched (exit 1).`;

const spec = { name: 'watch', usage: USAGE, options: libraryOptions, positionals: { name: 'DIR' } } as const;

export const run = defineCommand(spec, async ({ values, positionals }) => {
  const jobs = parseJobs(values.jobs);
  if (!allFolders('watch', positionals)) return 1;
  // Without DIRs there is nothing to watch but an existing library's folders.
  const core = await createCore({ dbPath: libraryPath(values.db, { mustExist: positionals.length === 0 }), jobs, watch: true });
  const bar = new ProgressBar();
  core.events.on('progress', (progress) => bar.update(progress));
  onTrackUpdates(core.events, (updates) => {
    for (const { id, track } of updates) {
      if (!track) console.error(`removed track ${id}`);
      else if (track.status === 'error') console.error(`failed: ${track.path}: ${track.error}`);
    }
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
    await core.shutdown();
    throw new UsageError('no folders to watch; give one or more DIRs');
  }
  console.error(`watching ${folders.map((folder) => folder.path).join(', ')} (Ctrl-C to stop)`);
  await stopped;
  bar.finish('stopping: finishing the tracks being analysed; the rest stays queued for the next scan or watch…');
  await core.shutdown();
  return exitCode;
});
