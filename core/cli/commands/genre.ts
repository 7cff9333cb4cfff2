import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, type Db } from '../../db/open.js';
import { TracksRepo } from '../../db/repos/tracks.js';
import { GenreService, NothingToUndoError, type GenreSpellingEntry, type SetGenresResult } from '../../genres/service.js';
import { parseTreeNode } from '../../genres/spellings.js';
import { GENRE_FAMILIES, genreFamily } from '../../genres/tree.js';
import { defineCommand, UsageError } from '../command.js';
import { requireFile } from './audio-file.js';
import { libraryPath } from './options.js';
import { ProgressBar, progressBarText } from './progress-bar.js';

export const summary = 'genre set FILE GENRE… [--write-tags] [--dry-run] | undo | redo | history | list | suggest | rename | merge | split-off | map: fix genres';

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
  timbre genre list [--db FILE] [--json]
      Every genre the library holds: tracks whose tags spell it, tracks confirmed as it, where it sits in
      the genre tree (or 'unknown'), and the spellings the files use for it.
  timbre genre suggest [--db FILE] [--json]             spellings that probably name one genre, to merge
  timbre genre rename GENRE NEW_NAME [--write-tags] [--db FILE]
  timbre genre merge GENRE... INTO_GENRE [--write-tags] [--db FILE]
      GENRE is any spelling: a tag genre ("Alt. Rock") or a confirmed one. With --write-tags, every file
      whose tags spell it gets the new spelling, in one edit that 'genre undo' reverts byte for byte.
  timbre genre split-off SPELLING [--db FILE]            make a spelling merged earlier a genre of its own
  timbre genre map GENRE FAMILY|outside|tree [--db FILE]
      Place a genre in the genre tree (a family such as Rock or "Hip-Hop", 'outside' the tree, or
      'tree': back where the tree itself puts it).`;

/** Each action's arguments: [at least, at most, what they are]. */
const ARGUMENTS: Record<string, [number, number, string]> = {
  set: [2, Infinity, 'FILE GENRE...'],
  undo: [0, 0, 'no arguments'],
  redo: [0, 0, 'no arguments'],
  history: [0, 0, 'no arguments'],
  list: [0, 0, 'no arguments'],
  suggest: [0, 0, 'no arguments'],
  rename: [2, 2, 'GENRE NEW_NAME'],
  merge: [2, Infinity, 'GENRE... INTO_GENRE'],
  'split-off': [1, 1, 'SPELLING'],
  map: [2, 2, 'GENRE FAMILY|outside|tree'],
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
        const { entries } = service.spellingVocabulary();
        if (values.json) console.log(JSON.stringify(entries, null, 2));
        else if (entries.length === 0) console.error("no genres yet: no file's tags name a genre, and none is confirmed ('timbre genre set FILE GENRE')");
        else printVocabulary(entries);
        return 0;
      }
      case 'suggest': {
        const { suggestions } = service.spellingVocabulary();
        if (values.json) console.log(JSON.stringify(suggestions, null, 2));
        else if (suggestions.length === 0) console.error('no suggestions: no two spellings look like one genre');
        else {
          for (const suggestion of suggestions) {
            const spellings = suggestion.spellings.map((entry) => `'${entry.spelling}' (${entry.trackCount})`).join(', ');
            console.log(`${spellings} → '${suggestion.target}'  [${suggestion.reason}]`);
          }
        }
        return 0;
      }
      case 'rename':
      case 'merge': {
        const bar = new ProgressBar();
        const options = {
          writeTags: !!values['write-tags'],
          onProgress: ({ done, total }: { done: number; total: number }) => {
            if (total > 0) bar.draw(`${progressBarText(done / total)} ${done}/${total} files`, done === total);
          },
        };
        const result =
          action === 'rename'
            ? await service.renameSpelling(rest[0], rest[1], options)
            : await service.mergeSpellings(rest.slice(0, -1), rest[rest.length - 1], options);
        const failed = result.files.filter((file) => file.error);
        for (const file of failed) console.error(`${file.path}: NOT written: ${file.error}`);
        console.log(`edit #${result.editId}: ${result.summary}; 'timbre genre undo' reverts it`);
        return failed.length > 0 ? 1 : 0;
      }
      case 'split-off': {
        const editId = service.splitOffSpelling(rest[0]);
        console.log(`edit #${editId}: ${service.history(1)[0]?.summary}; 'timbre genre undo' reverts it`);
        return 0;
      }
      case 'map': {
        const backToTree = rest[1].trim().toLowerCase() === 'tree';
        const node = backToTree ? null : parseTreeNode(rest[1]);
        if (!backToTree && node === null) {
          throw new UsageError(`'${rest[1]}' is not a family of the genre tree (${GENRE_FAMILIES.map((family) => family.name).join(', ')}), 'outside' or 'tree'`);
        }
        const editId = service.mapSpelling(rest[0], node);
        console.log(`edit #${editId}: ${service.history(1)[0]?.summary}; 'timbre genre undo' reverts it`);
        return 0;
      }
    }
    return 2;
  } catch (error) {
    if (error instanceof UsageError) throw error;
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

/** The vocabulary as a table: counts, name, tree node, the files' spellings. */
function printVocabulary(entries: GenreSpellingEntry[]): void {
  console.log(`${'TAGS'.padStart(6)}  ${'CONFIRMED'.padStart(9)}  ${'GENRE'.padEnd(24)}  ${'TREE'.padEnd(20)}  SPELLINGS`);
  for (const entry of entries) {
    const tree =
      entry.placement.kind === 'families'
        ? entry.placement.families.map((id) => genreFamily(id)?.name ?? id).join(' + ')
        : entry.placement.kind === 'outside'
          ? '(outside the tree)'
          : '(unknown)';
    const spelled = entry.spellings.filter((spelling) => spelling.spelling !== entry.name).map((spelling) => `'${spelling.spelling}' ${spelling.trackCount}`);
    const also = entry.aliases.length ? [`also: ${entry.aliases.join(', ')}`] : [];
    const notes = [...spelled, ...also].join('; ');
    console.log(
      `${String(entry.tagTrackCount).padStart(6)}  ${String(entry.confirmedTrackCount).padStart(9)}  ${entry.name.padEnd(24)}  ${`${tree}${entry.placedByUser ? ' *' : ''}`.padEnd(20)}  ${notes}`.trimEnd(),
    );
  }
}

function list(values: readonly string[]): string {
  return values.length ? values.map((value) => `'${value}'`).join(', ') : '(none)';
}
