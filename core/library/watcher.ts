import { watch, type FSWatcher } from 'chokidar';
import { basename } from 'node:path';
import type { Stats } from 'node:fs';
import { isAudioPath, isHiddenName } from './files.js';

export interface WatchHandlers {
  /** A file appeared or changed (after its writes settled). */
  onFile(path: string): void;
  /** A file or directory disappeared; it may reappear elsewhere (a move). */
  onRemoved(path: string): void;
  onError(error: Error): void;
}

/** How long a write must be quiet before a file counts as finished. */
const WRITE_SETTLE_MS = 1000;

/**
 * Watches one music folder with chokidar: audio files added, changed or removed, hidden files ignored.
 * Resolves once the initial directory listing is done (the folder's own scan has already run).
 */
export async function watchFolder(root: string, handlers: WatchHandlers): Promise<FSWatcher> {
  const watcher = watch(root, {
    ignoreInitial: true,
    awaitWriteFinish: { stabilityThreshold: WRITE_SETTLE_MS, pollInterval: 100 },
    ignored: (path: string, stats?: Stats) =>
      path !== root && (isHiddenName(basename(path)) || (stats?.isFile() === true && !isAudioPath(path))),
  });
  watcher
    .on('add', handlers.onFile)
    .on('change', handlers.onFile)
    .on('unlink', handlers.onRemoved)
    .on('unlinkDir', handlers.onRemoved)
    .on('error', (error) => handlers.onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return watcher;
}
