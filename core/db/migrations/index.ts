import type { Migration } from './types.js';
import { migration as initial } from './0001-initial.js';
import { migration as genreVocabulary } from './0002-genre-vocabulary.js';
import { migration as editJournal } from './0003-edit-journal.js';
import { migration as genrePredictions } from './0004-genre-predictions.js';
import { migration as oneGenreStore } from './0005-one-genre-store.js';
import { migration as modelVersions } from './0006-model-versions.js';
import { migration as savedPlaylists } from './0007-saved-playlists.js';
import { migration as trackChangeLog } from './0008-track-change-log.js';
import { migration as editTagStateAndJobRunner } from './0009-edit-tag-state-and-job-runner.js';
import { migration as albumTagsAndArt } from './0010-album-tags-and-art.js';
import { migration as genreTreePlacements } from './0012-genre-tree-placements.js';
import { migration as duplicateProfiles } from './0013-duplicate-profiles.js';
import { migration as backboneFeatures } from './0014-backbone-features.js';
import { migration as honestPredictions } from './0015-honest-predictions.js';

/**
 * Every migration, in order. New ones take the next number: NNNN-name.ts, each with a test. Number
 * 0011 was reserved and never used; numbers are never reused.
 */
export const migrations: readonly Migration[] = [
  initial,
  genreVocabulary,
  editJournal,
  genrePredictions,
  oneGenreStore,
  modelVersions,
  savedPlaylists,
  trackChangeLog,
  editTagStateAndJobRunner,
  albumTagsAndArt,
  genreTreePlacements,
  duplicateProfiles,
  backboneFeatures,
  honestPredictions,
];
