import { z } from 'zod';
import type { ApiArgs } from './contract.js';
import type { GenreApiMethods } from './contract-genres.js';
import { trackSelection } from './schemas-track-query.js';

const noArgs = z.tuple([]);
const id = z.number().int().positive();
/** One bulk edit may name every track of a large library, but not unboundedly many. */
export const MAX_TRACKS_PER_EDIT = 200_000;
const trackIds = z.array(id).min(1, 'select at least one track').max(MAX_TRACKS_PER_EDIT);
/** The vocabulary (core/genres/vocabulary.ts) decides what a valid name is; this only bounds the input. */
const genreName = z.string().trim().min(1, 'a genre name cannot be empty').max(200);
const writeTags = z.boolean().optional();
const undoArgs = z.union([noArgs, z.tuple([z.object({ keepChangedFiles: z.boolean().optional() }).strict()])]);
const trackIdsOnly = z.tuple([z.object({ trackIds, writeTags }).strict()]);

/** Argument schemas of the genre-fixing methods (contract-genres.ts); merged into schemas.ts. */
export const genreArgSchemas: { [M in keyof GenreApiMethods]: z.ZodType<ApiArgs<M>, z.ZodTypeDef, unknown> } = {
  setGenres: z.tuple([
    z
      .object({
        trackIds,
        genres: z.array(genreName).min(1, 'name at least one genre').max(20),
        writeTags,
      })
      .strict(),
  ]),
  addGenre: z.tuple([z.object({ trackIds, genre: genreName, writeTags }).strict()]),
  removeGenre: z.tuple([z.object({ trackIds, genre: genreName, writeTags }).strict()]),
  acceptSuggestions: trackIdsOnly,
  confirmGenres: trackIdsOnly,
  undoGenreEdit: undoArgs,
  redoGenreEdit: undoArgs,
  genreEditState: noArgs,
  genreHistory: z.union([noArgs, z.tuple([z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict()])]),
  genreVocabulary: noArgs,
  renameGenre: z.tuple([z.object({ id, name: genreName }).strict()]),
  mergeGenres: z.tuple([
    z
      .object({ sourceId: id, targetId: id })
      .strict()
      .refine((args) => args.sourceId !== args.targetId, { message: 'cannot merge a genre into itself', path: ['targetId'] }),
  ]),
  selectTracks: z.tuple([trackSelection]),
  genreSpellings: noArgs,
  mergeSpellings: z.tuple([z.object({ sources: z.array(genreName).min(1, 'name a genre to merge').max(100), target: genreName, writeTags }).strict()]),
  renameSpelling: z.tuple([z.object({ spelling: genreName, name: genreName, writeTags }).strict()]),
  splitOffSpelling: z.tuple([z.object({ spelling: genreName }).strict()]),
  duplicateGroups: noArgs,
  keepDuplicate: z.tuple([z.object({ groupId: id, keepTrackId: id }).strict()]),
  undoKeepDuplicate: z.tuple([z.object({ setAsideId: z.number().int().positive() }).strict()]),
  mapSpelling: z.tuple([z.object({ spelling: genreName, family: z.string().trim().min(1).max(40).nullable() }).strict()]),
  startRetrain: noArgs,
  retrainStatus: noArgs,
  listModelVersions: noArgs,
  activateModelVersion: z.tuple([z.object({ id }).strict()]),
  confusion: z.union([noArgs, z.tuple([z.object({ versionId: id.optional() }).strict()])]),
  confusionTracks: z.tuple([z.object({ versionId: id.optional(), confirmed: genreName, predicted: genreName }).strict()]),
};
