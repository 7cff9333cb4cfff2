import { describeDatabaseError } from '../../db/errors.js';
import { createCore } from '../../index.js';
import { defineCommand } from '../command.js';
import { allFolders, libraryOptions, libraryPath, parseJobs } from './options.js';
import { formatDuration, ProgressBar } from './progress-bar.js';

export const summary = 'scan DIR... [--db FILE] [--jobs N]: add folders, analyse new and changed tracks, exit when done';

const USAGE = `usage: timbre scan DIR... [--db FILE] [--jobs N]

Adds each DIR to the library, analyses its new and changed audio files with N worker threads (default:
one per core) and exits when the queue is empty. Progress goes to stderr.
Ctrl-C stops: finished analyses are kept, the rest stays queued for the next scan (exit 130).
A DIR that is not a folder fails the command before anything is scanned (exit 1).`;

const spec = { name: 'scan', usage: USAGE, options: libraryOptions, positionals: { name: 'DIR', min: 1 } } as const;

export const run = defineCommand(spec, async ({ values, positionals }) => {
  const jobs = parseJobs(values.jobs);
  if (!allFolders('scan', positionals)) return 1;
  const core = await createCore({ dbPath: libraryPath(values.db, { mustExist: false }), jobs });
  const bar = new ProgressBar();
  const unsubscribe = core.events.on('progress', (progress) => bar.update(progress));
  const started = performance.now();
  let exitCode = 0;
  let interrupted = false;
  // Ctrl-C: start nothing new; the workers give back the tracks they have not started, which stay
  // queued for the next scan, and the tracks being analysed finish and are saved.
  // A second Ctrl-C kills at once, which is safe too (jobs are durable).
  const onInterrupt = () => {
    interrupted = true;
    core.library.pause();
    bar.finish('stopping: finishing the tracks being analysed; the rest stays queued for the next scan (Ctrl-C again to quit at once)…');
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (const dir of positionals) {
      try {
        const folder = await core.library.addFolder(dir);
        const result = await core.library.scanFolder(folder.id);
        console.error(
          `${folder.path}: ${result.files} audio files (${result.added} new, ${result.changed} changed, ` +
            `${result.moved} moved, ${result.removed} removed)`,
        );
        for (const skipped of result.skippedFolders) console.error(`  skipped ${skipped.path}: ${skipped.reason}`);
      } catch (error) {
        console.error(`timbre scan: ${describeDatabaseError(error)}`);
        exitCode = 1;
      }
    }
    const { total } = core.library.progress();
    console.error(`${total} track${total === 1 ? '' : 's'} to analyse`);
    await core.library.whenIdle();
    const { done, failed, total: left } = core.library.progress();
    bar.finish(
      `analysed ${done} track${done === 1 ? '' : 's'}${failed ? `, ${failed} failed (see 'timbre tracks --json')` : ''} ` +
        `in ${formatDuration((performance.now() - started) / 1000)}` +
        (interrupted ? `; interrupted: ${left - done - failed} left for the next scan` : ''),
    );
    if (interrupted) exitCode = 130;
  } finally {
    process.off('SIGINT', onInterrupt);
    unsubscribe();
    await core.shutdown();
  }
  return exitCode;
});
