import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, type Db } from '../../db/open.js';
import { TracksRepo } from '../../db/repos/tracks.js';
import { GenreService, NothingToUndoError, type SetGenresResult } from '../../genres/service.js';
import { defineCommand, UsageError } from '../command.js';
import { requireFile } from './audio-file.js';
import { libraryPath } from './options.js';

export const summary = 'genre set FILE GENRE… [--write-tags] [--dry-run] | undo | redo | history | list | rename | merge: fix genres';

const USAGE = `usage:
  timbre genre set FILE GENRE... [--write-tags] [--dry-run] [--db FILE] [--json]
      Confirms GENRE(s) as the genre of FILE (a track of the library). With --write-tags the genre is
      also written into the file's tags (ID3v2 TCON, Vorbis GENRE, MP4 ©gen, ...), journaled and
      undoable; a file outside the library then gets its tags written only. --dry-run shows the change.
  timbre genre undo [--keep-changed-files] [--db FILE]
      Reverts the last genre edit; files it wrote get their earlier bytes back exactly. A file changed
      since then blocks the undo, unless --keep-changed-files leaves such files as they are.
  timbre genre redo [--keep-changed-files] [--db FILE]   re-applies the last undone edit
  timbre genre history [--db FILE] [--json]             the latest edits, newest first, done or undone
  timbre genre list [--db FILE] [--json]                the vocabulary: tracks per genre, other spellings
  timbre genre rename GENRE NEW_NAME [--db FILE]
  timbre genre merge GENRE INTO_GENRE [--db FILE]`;

/** Each action's arguments: [at least, at most, what they are]. */
const ARGUMENTS: Record<string, [number, number, string]> = {
  set: [2, Infinity, 'FILE GENRE...'],
  undo: [0, 0, 'no arguments'],
  redo: [0, 0, 'no arguments'],
  history: [0, 0, 'no arguments'],
  list: [0, 0, 'no arguments'],
  rename: [2, 2, 'GENRE NEW_NAME'],
  merge: [2, 2, 'GENRE INTO_GENRE'],
};

const spec = {
  name: 'genre',
  usage: USAGE,
  options: {
    db: { type: 'string' },
    'write-tags': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    'keep-changed-files': { type: 'boolean' },
  },
  positionals: { name: 'ACTION', min: 1 },
} as const;

export const run = defineCommand(spec, async ({ values, positionals: [action, ...rest] }) => {
  const expected = ARGUMENTS[action];
  if (!expected) throw new UsageError(`unknown action '${action}'`);
  const [min, max, wanted] = expected;
  if (rest.length < min || rest.length > max) throw new UsageError(`'genre ${action}' takes ${wanted}`);
  if (action === 'set' && rest.slice(1).some((genre) => genre.trim() === '')) throw new UsageError('a GENRE cannot be empty');

  // Only writing a file's tags needs no library (the journal that makes it undoable starts one).
  const db = openDatabase(libraryPath(values.db, { mustExist: !(action === 'set' && values['write-tags']) }));
  try {
    const service = new GenreService(db);
    switch (action) {
      case 'set':
        return setGenre(db, service, rest[0], rest.slice(1), { writeTags: !!values['write-tags'], dryRun: !!values['dry-run'], json: !!values.json });
      case 'undo':
      case 'redo': {
        const options = { keepChangedFiles: !!values['keep-changed-files'] };
        const result = action === 'undo' ? service.undo(options) : service.redo(options);
        const files = result.files.length ? `; ${result.files.length} file(s) ${action === 'undo' ? 'restored' : 'rewritten'} byte for byte` : '';
        console.log(`${action === 'undo' ? 'undid' : 'redid'} edit #${result.editId}: ${result.summary}${files}`);
        for (const file of result.keptFiles) console.log(`${file.path}: changed since Timbre wrote it; left as it is`);
        return 0;
      }
      case 'history': {
        const edits = service.history();
        if (values.json) console.log(JSON.stringify(edits, null, 2));
        else if (edits.length === 0) console.error('no genre edits yet');
        else for (const edit of edits) console.log(`#${edit.id}  ${new Date(edit.createdAt).toISOString()}  ${edit.state.padEnd(10)}  ${edit.summary}`);
        return 0;
      }
      case 'list': {
        const genres = service.listGenres();
        if (values.json) console.log(JSON.stringify(genres, null, 2));
        else if (genres.length === 0) console.error("no genres yet: 'timbre genre set FILE GENRE' confirms a track's genre");
        else for (const genre of genres) console.log(`${String(genre.trackCount).padStart(6)}  ${genre.name}${genre.aliases.length ? `  (also: ${genre.aliases.join(', ')})` : ''}`);
        return 0;
      }
      case 'rename':
      case 'merge': {
        const editId = action === 'rename' ? service.renameGenre(rest[0], rest[1]) : service.mergeGenres(rest[0], rest[1]);
        // The edit's own summary names the genres as the vocabulary spells them, not as typed.
        const summary = service.history(1)[0]?.summary;
        console.log(`edit #${editId}: ${summary}; 'timbre genre undo' reverts it`);
        return 0;
      }
    }
    return 2;
  } catch (error) {
    if (error instanceof NothingToUndoError) {
      console.error(`timbre genre: ${error.message}`);
      return 1;
    }
    console.error(`timbre genre ${action}: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
});

function setGenre(
  db: Db,
  service: GenreService,
  file: string,
  genres: string[],
  options: { writeTags: boolean; dryRun: boolean; json: boolean },
): number {
  try {
    requireFile(file);
  } catch (error) {
    console.error(`timbre genre set: ${file}: ${(error as Error).message}`);
    return 1;
  }
  const path = realpathSync(file);
  const tracks = new TracksRepo(db);
  const trackId = tracks.idByPath(path) ?? tracks.idByPath(resolve(file));
  if (trackId === null && !options.writeTags) {
    console.error(`timbre genre set: ${path} is not in the library (scan its folder first), or pass --write-tags to write its tags only`);
    return 1;
  }
  const row = trackId === null ? null : tracks.fileRow(trackId);
  const result = service.setGenres({
    targets: [{ path, trackId, known: row ? { size: row.size, mtimeMs: row.mtimeMs } : undefined }],
    genres,
    writeTags: options.writeTags,
    dryRun: options.dryRun,
  });
  if (options.json) console.log(JSON.stringify(result, null, 2));
  else printResult(result);
  return result.files.some((change) => change.error) ? 1 : 0;
}

function printResult(result: SetGenresResult): void {
  for (const track of result.tracks) {
    console.log(`track ${track.trackId}: confirmed genre ${list(track.before)} → ${list(track.after)}`);
  }
  for (const file of result.files) {
    for (const field of file.fields) console.log(`${file.path}: ${field.tag} ${field.field} ${list(field.before)} → ${list(field.after)}`);
    if (!file.changed) console.log(`${file.path}: tags already hold ${list(result.genres)}; file left untouched`);
    else if (file.error) console.error(`${file.path}: NOT written: ${file.error}`);
    else if (file.writeId !== null) console.log(`${file.path}: tags written (journal #${file.writeId})`);
  }
  if (result.dryRun) console.log('dry run: nothing was changed');
  else if (result.editId !== null) console.log(`edit #${result.editId} recorded; 'timbre genre undo' reverts it`);
  else console.log('nothing to change: no edit recorded');
}

function list(values: readonly string[]): string {
  return values.length ? values.map((value) => `'${value}'`).join(', ') : '(none)';
}
