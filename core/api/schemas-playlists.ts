import { z } from 'zod';
import type { ApiArgs } from './contract.js';
import type { PlaylistApiMethods } from './contract-playlists.js';

/** Argument schemas of the similarity and playlist methods (contract-playlists.ts); merged into schemas.ts. */
const noArgs = z.tuple([]);
const id = z.number().int().positive();
/** A playlist longer than this is not something a person edits in the app. */
const MAX_PLAYLIST_TRACKS = 10_000;
const trackIds = z.array(id).max(MAX_PLAYLIST_TRACKS);
const genres = z.array(z.string().trim().min(1).max(200)).max(200);
const filePath = z
  .string()
  .trim()
  .min(1, 'a file path is required')
  .max(4096)
  .refine((path) => !path.includes('\0'), 'a path cannot contain NUL');
/**
 * The one kind of file these methods touch: an absolute path (the server's working folder means nothing to
 * the user) of a playlist. Other files can be neither overwritten by an export nor echoed back by an import.
 */
const playlistFile = filePath
  .refine((path) => /^(\/|\\\\|[A-Za-z]:[\\/])/.test(path), 'an absolute path is needed')
  .refine((path) => /\.m3u8?$/i.test(path), 'a playlist file ends in .m3u8 or .m3u');
const name = z.string().trim().min(1, 'a playlist needs a name').max(200);
const style = z.enum(['relative', 'absolute']);

const playlistRequest = z
  .object({
    seeds: z.array(id).min(1, 'at least one seed track is needed').max(100),
    count: z.number().int().min(1).max(1000).optional(),
    durationSec: z.number().positive().max(7 * 24 * 3600).optional(),
    maxPerArtist: z.number().int().min(1).max(1000).optional(),
    maxPerAlbum: z.number().int().min(1).max(1000).optional(),
    includeGenres: genres.optional(),
    excludeGenres: genres.optional(),
    moreLike: trackIds.optional(),
    lessLike: trackIds.optional(),
    exclude: trackIds.optional(),
  })
  .strict();

export const playlistArgSchemas: { [M in keyof PlaylistApiMethods]: z.ZodType<ApiArgs<M>, z.ZodTypeDef, unknown> } = {
  similarTracks: z.tuple([z.object({ id, count: z.number().int().min(1).max(500).optional() }).strict()]),
  generatePlaylist: z.tuple([playlistRequest]),
  listPlaylists: noArgs,
  getPlaylist: z.tuple([z.object({ id }).strict()]),
  savePlaylist: z.tuple([z.object({ name, trackIds, request: playlistRequest.nullable() }).strict()]),
  updatePlaylist: z.tuple([
    z
      .object({ id, name: name.optional(), trackIds: trackIds.optional(), request: playlistRequest.optional() })
      .strict(),
  ]),
  deletePlaylist: z.tuple([z.object({ id }).strict()]),
  playlistM3u8: z.tuple([z.object({ trackIds, style, location: filePath }).strict()]),
  exportPlaylist: z.tuple([z.object({ trackIds, style, path: playlistFile }).strict()]),
  importPlaylist: z.tuple([
    z.union([
      z.object({ path: playlistFile }).strict(),
      // The body limit of the web server (1 MiB) bounds an uploaded file anyway.
      z.object({ name, text: z.string().max(1 << 20) }).strict(),
    ]),
  ]),
  libraryMap: noArgs,
  libraryMapStatus: noArgs,
};
