import { z } from 'zod';
import type { ApiArgs } from './contract.js';
import { ALBUM_SORTS, type AlbumApiMethods } from './contract-albums.js';
import { GENRE_FAMILY_IDS } from '../genres/tree.js';

/** Argument schemas of the album and artist methods (contract-albums.ts); merged into schemas.ts. */
const search = z.string().max(500).optional();
const genreFamily = z
  .string()
  .refine((id) => GENRE_FAMILY_IDS.includes(id), (id) => ({ message: `'${id}' is not a genre family (one of ${GENRE_FAMILY_IDS.join(', ')})` }))
  .optional();

type AlbumArgSchemas = { [M in keyof AlbumApiMethods]: z.ZodType<ApiArgs<M>, z.ZodTypeDef, unknown> };

export const albumArgSchemas: AlbumArgSchemas = {
  listAlbums: z.tuple([
    z.object({ sort: z.enum(ALBUM_SORTS).optional(), direction: z.enum(['asc', 'desc']).optional(), genreFamily, search }).strict(),
  ]),
  getAlbum: z.tuple([z.object({ key: z.string().regex(/^[0-9a-f]{16}$/, 'an album key is 16 hex digits') }).strict()]),
  listArtists: z.tuple([z.object({ genreFamily, search }).strict()]),
  getArtist: z.tuple([z.object({ name: z.string().trim().min(1, 'an artist name is required').max(1000) }).strict()]),
};
