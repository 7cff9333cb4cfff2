import { z } from 'zod';
import type { ApiArgs, ApiMethodName } from './contract.js';
import { albumArgSchemas } from './schemas-albums.js';
import { genreArgSchemas } from './schemas-genres.js';
import { playlistArgSchemas } from './schemas-playlists.js';
import { trackQuery } from './schemas-track-query.js';

/**
 * Argument validation at the API boundary: every call, from IPC or HTTP, is parsed here before the
 * core sees it. Each schema parses the method's argument list (a tuple), and the type check below
 * keeps the schemas and the contract in step.
 */
const noArgs = z.tuple([]);
const trackId = z.number().int().positive();

type ArgSchemas = { [M in ApiMethodName]: z.ZodType<ApiArgs<M>, z.ZodTypeDef, unknown> };

export const argSchemas: ArgSchemas = {
  appInfo: noArgs,
  chooseFolder: noArgs,
  listFolders: noArgs,
  addFolder: z.tuple([
    z
      .object({
        path: z
          .string()
          .trim()
          .min(1, 'a folder path is required')
          .max(4096)
          .refine((path) => !path.includes('\0'), 'a path cannot contain NUL'),
      })
      .strict(),
  ]),
  removeFolder: z.tuple([z.object({ id: z.number().int().positive() }).strict()]),
  scanProgress: noArgs,
  pauseScan: noArgs,
  resumeScan: noArgs,
  queryTracks: z.tuple([trackQuery]),
  trackFacets: noArgs,
  getTrack: z.tuple([z.object({ id: trackId }).strict()]),
  trackRows: z.tuple([z.object({ ids: z.array(trackId).max(10_000) }).strict()]),
  ...genreArgSchemas,
  ...playlistArgSchemas,
  ...albumArgSchemas,
};

/** Parses a call's raw arguments; throws a ZodError with readable issues when they do not fit. */
export function parseArgs<M extends ApiMethodName>(method: M, args: unknown): ApiArgs<M> {
  const schema: ArgSchemas[M] = argSchemas[method];
  return schema.parse(args);
}
