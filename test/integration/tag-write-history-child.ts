/**
 * Child process for the history test: records a genre edit with tag write-back and SIGKILLs itself at
 * a chosen point. Usage: node tag-write-history-child.js DB FILE before-write|after-write
 */
import { openDatabase } from '../../core/db/open.js';
import { GenreService } from '../../core/genres/service.js';
import { TagWriter } from '../../core/tags/tag-writer.js';

if (process.argv[1]?.endsWith('tag-write-history-child.js')) {
  const [dbPath, path, when] = process.argv.slice(2);
  const apply = TagWriter.prototype.apply;
  // The edit is committed by the time the first file is written: this is the window between the two.
  TagWriter.prototype.apply = function (this: TagWriter, ...args: Parameters<TagWriter['apply']>) {
    if (when === 'before-write') process.kill(process.pid, 'SIGKILL');
    const written = apply.apply(this, args);
    process.kill(process.pid, 'SIGKILL');
    return written;
  };
  new GenreService(openDatabase(dbPath)).setGenres({ targets: [{ path, trackId: null }], genres: ['Jazz'], writeTags: true });
}
