import { onTrackUpdates } from '../events.js';
import { EditBlockedError, type SetGenresResult } from '../genres/service.js';
import { basename, dirname, join, sep } from 'node:path';
import { moveAside, restoreSetAside, type SetAside } from '../duplicates/service.js';
import { parseTreeNode } from '../genres/spellings.js';
import { GENRE_FAMILIES } from '../genres/tree.js';
import { BUILTIN_GENRES } from '../genres/vocabulary.js';
import type { GenreApiMethods, GenreEditResult, GenreEditState, GenreUndoResult, TrackRow } from './contract.js';
import type { DispatchContext, MethodHandlers } from './dispatch.js';
import { NotFoundError } from './errors.js';

/** What a core edit returns: a track edit its files (tag writes, each with an error or null), a vocabulary edit its id. */
type EditOutcome = number | { files: ReadonlyArray<{ path: string; error: string | null }> };

/** The files of an edit that could not be written, with why. */
function fileErrorsOf(outcome: EditOutcome): Array<{ path: string; error: string }> {
  if (typeof outcome === 'number') return [];
  return outcome.files.flatMap(({ path, error }) => (error === null ? [] : [{ path, error }]));
}

/**
 * The genre-fixing methods (contract-genres.ts) over core.genres (edits, vocabulary, undo/redo) and
 * core.retrain (model versions, confusion). Every edit answers with what changed and the new undo
 * state, and announces 'genres-changed'; the table rows follow through the core's track updates
 * (one 'tracks-updated' for a bulk edit), which createCore raises for the tracks the genre service changed.
 */
export function genreMethods(context: DispatchContext): MethodHandlers<GenreApiMethods> {
  const { core, index, emit } = context;
  const { genres, retrain } = core;

  const editState = (): GenreEditState => genres.undoState();

  /**
   * Runs one edit and reports it. The changed tracks are the ones the core announced during the
   * (synchronous) edit, which also covers undo, redo, rename and merge, whose results name no tracks.
   * `tracksAsked` is how many tracks a track edit named (the rest were skipped); vocabulary edits and
   * undo/redo name none and always count as done.
   */
  const edit = async (change: () => EditOutcome | Promise<EditOutcome>, tracksAsked?: number): Promise<GenreEditResult> => {
    const changed = new Set<number>();
    const stop = onTrackUpdates(core.events, (updates) => updates.forEach(({ id }) => changed.add(id)));
    let outcome: EditOutcome;
    try {
      outcome = await change();
    } finally {
      stop();
      // Renames, merges and new genres change which name a tag spelling goes by.
      index.vocabularyChanged();
    }
    const done = tracksAsked === undefined || changed.size > 0;
    const state = editState();
    if (done) emit('genres-changed', { state });
    return {
      summary: done ? state.undoSummary : null,
      trackIds: [...changed],
      skipped: tracksAsked === undefined ? 0 : Math.max(0, tracksAsked - changed.size),
      fileErrors: fileErrorsOf(outcome),
      state,
    };
  };

  /** A spelling edit: with writeTags it writes files in steps, as a track edit does. */
  const spellingEdit = (change: (onProgress: (progress: { done: number; total: number }) => void) => Promise<EditOutcome>) =>
    edit(() =>
      change((progress) => {
        // The vocabulary changed before the first file is written: the rows that follow must read it.
        if (progress.done === 0) index.vocabularyChanged();
        reportFiles(progress);
      }),
    );

  /** Progress of a bulk tag write, for the views' progress bar. */
  const reportFiles = ({ done, total }: { done: number; total: number }) => {
    if (total > 0) emit('tag-write-progress', { done, total });
  };
  /** A track edit, done in steps so the app keeps answering; with writeTags its files follow, with progress. */
  const trackEdit = (change: () => SetGenresResult, trackIds: number[]) => edit(() => genres.writingInSteps(change, reportFiles), new Set(trackIds).size);

  /** Undo or redo; one refused because files changed behind Timbre's back says why instead of failing. */
  const undoOrRedo = async (action: 'undo' | 'redo', keepChangedFiles = false): Promise<GenreUndoResult> => {
    let summary = '';
    try {
      const result = await edit(() => {
        const done = action === 'undo' ? genres.undo({ keepChangedFiles }) : genres.redo({ keepChangedFiles });
        summary = done.summary;
        return { files: done.keptFiles.map((file) => ({ path: file.path, error: 'changed since Timbre wrote it; left as it is' })) };
      });
      return { ...result, summary, blocked: null };
    } catch (error) {
      if (!(error instanceof EditBlockedError)) throw error;
      // The service's message ends with the CLI's way out; the app offers its own (keepChangedFiles).
      const blocked = error.message.replace(/\s*\(to \w+ the rest\b.*$/s, '.');
      return { summary: null, trackIds: [], skipped: 0, fileErrors: [], state: editState(), blocked };
    }
  };

  const rowsOf = (ids: number[]): TrackRow[] => ids.map((id) => index.row(id)).filter((row): row is TrackRow => row !== undefined);
  /** A version named by the caller must exist ('not-found' otherwise); none means the active one. */
  const checkVersion = (versionId: number | undefined) => {
    if (versionId !== undefined && !retrain.listVersions().some((version) => version.id === versionId)) {
      throw new NotFoundError(`there is no model version ${versionId}`);
    }
  };

  /** Files set aside by "keep one" in this session, for undo. */
  const setAside = new Map<number, SetAside>();
  /** Rescans the library folders holding these paths, so the library follows files moved in or out. */
  const rescanFoldersOf = async (paths: readonly string[]) => {
    const folders = core.library.listFolders().filter((folder) => paths.some((path) => path.startsWith(folder.path.endsWith(sep) ? folder.path : folder.path + sep)));
    for (const folder of folders) await core.library.scanFolder(folder.id);
  };

  context.onClose(core.events.on('retrain-progress', (progress) => emit('retrain-progress', progress)));
  context.onClose(core.events.on('model-changed', (change) => emit('model-changed', change)));

  return {
    setGenres: async ({ trackIds, genres: names, writeTags }) => trackEdit(() => genres.setTrackGenres(trackIds, names, { writeTags, source: 'user' }), trackIds),
    addGenre: async ({ trackIds, genre, writeTags }) => trackEdit(() => genres.addTrackGenre(trackIds, genre, { writeTags }), trackIds),
    removeGenre: async ({ trackIds, genre, writeTags }) => trackEdit(() => genres.removeTrackGenre(trackIds, genre, { writeTags }), trackIds),
    acceptSuggestions: async ({ trackIds, writeTags }) => trackEdit(() => genres.acceptPredictions(trackIds, { writeTags }), trackIds),
    confirmGenres: async ({ trackIds, writeTags }) => trackEdit(() => genres.confirmCurrent(trackIds, { writeTags }), trackIds),
    undoGenreEdit: async (args) => undoOrRedo('undo', args?.keepChangedFiles),
    redoGenreEdit: async (args) => undoOrRedo('redo', args?.keepChangedFiles),
    genreEditState: async () => editState(),
    genreHistory: async (args) => genres.history(args?.limit ?? 50),
    genreVocabulary: async () => {
      const vocabulary = genres.listGenres();
      const known = new Set(vocabulary.map((genre) => genre.name.toLowerCase()));
      const suggestions = new Set<string>();
      const offer = (name: string | null) => {
        if (name && !known.has(name.toLowerCase())) {
          known.add(name.toLowerCase());
          suggestions.add(name);
        }
      };
      for (const genre of BUILTIN_GENRES) offer(genre.name);
      const facets = index.facets();
      for (const name of facets.genres) offer(name);
      for (const name of facets.predictedGenres) offer(name);
      return { genres: vocabulary, suggestions: [...suggestions].sort((a, b) => a.localeCompare(b)) };
    },
    renameGenre: async ({ id, name }) => edit(() => genres.renameGenre(id, name)),
    mergeGenres: async ({ sourceId, targetId }) => edit(() => genres.mergeGenres(sourceId, targetId)),
    selectTracks: async (query) => ({ ids: index.ids(query) }),
    duplicateGroups: async () => core.duplicates.groups(),
    keepDuplicate: async ({ groupId, keepTrackId }) => {
      const group = core.duplicates.groups().find((candidate) => candidate.id === groupId);
      if (!group) throw new NotFoundError(`there is no duplicate group ${groupId} (any more)`);
      if (!group.tracks.some((track) => track.trackId === keepTrackId)) throw new NotFoundError(`track ${keepTrackId} is not in duplicate group ${groupId}`);
      const others = group.tracks.filter((track) => track.trackId !== keepTrackId).map((track) => track.path);
      const moved = moveAside(others, join(dirname(core.dbPath), 'set-aside'));
      setAside.set(moved.id, moved);
      await rescanFoldersOf(others);
      const kept = group.tracks.find((track) => track.trackId === keepTrackId)!;
      return { setAsideId: moved.id, summary: `kept ${basename(kept.path)}; moved ${others.length} other file${others.length === 1 ? '' : 's'} aside`, moved: moved.moves };
    },
    undoKeepDuplicate: async ({ setAsideId }) => {
      const moved = setAside.get(setAsideId);
      if (!moved) throw new NotFoundError(`nothing set aside as ${setAsideId} in this session`);
      restoreSetAside(moved);
      setAside.delete(setAsideId);
      await rescanFoldersOf(moved.moves.map((move) => move.from));
      return { restored: moved.moves.length };
    },
    genreSpellings: async () => ({ ...genres.spellingVocabulary(), families: GENRE_FAMILIES.map(({ id, name }) => ({ id, name })) }),
    mergeSpellings: async ({ sources, target, writeTags }) => spellingEdit((onProgress) => genres.mergeSpellings(sources, target, { writeTags, onProgress })),
    renameSpelling: async ({ spelling, name, writeTags }) => spellingEdit((onProgress) => genres.renameSpelling(spelling, name, { writeTags, onProgress })),
    splitOffSpelling: async ({ spelling }) => edit(() => genres.splitOffSpelling(spelling)),
    mapSpelling: async ({ spelling, family }) => {
      const node = family === null ? null : parseTreeNode(family);
      if (family !== null && node === null) throw new NotFoundError(`'${family}' is not a family of the genre tree, nor 'outside'`);
      return edit(() => genres.mapSpelling(spelling, node));
    },

    startRetrain: async () => retrain.start(),
    retrainStatus: async () => retrain.status(),
    listModelVersions: async () => retrain.listVersions(),
    activateModelVersion: async ({ id }) => {
      checkVersion(id);
      return retrain.activate(id);
    },
    confusion: async (args) => {
      checkVersion(args?.versionId);
      return retrain.confusion(args?.versionId);
    },
    confusionTracks: async ({ versionId, confirmed, predicted }) => {
      checkVersion(versionId);
      return rowsOf(retrain.confusionTracks(versionId, confirmed, predicted));
    },
  };
}
