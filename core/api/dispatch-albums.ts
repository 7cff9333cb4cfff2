import { AlbumIndex } from './album-index.js';
import type { AlbumApiMethods } from './contract-albums.js';
import type { DispatchContext, MethodHandlers } from './dispatch.js';

/** The album and artist methods (contract-albums.ts), answered from the table's index. */
export function albumMethods(context: DispatchContext): MethodHandlers<AlbumApiMethods> {
  const albums = new AlbumIndex(context.index);
  // Grouping 100,000 tracks takes most of a second: done once the dispatcher is up, not on the first click.
  const warm = setImmediate(() => albums.listAlbums({}));
  context.onClose(() => clearImmediate(warm));
  return {
    listAlbums: async (query) => albums.listAlbums(query),
    getAlbum: async ({ key }) => albums.getAlbum(key),
    listArtists: async (query) => albums.listArtists(query),
    getArtist: async ({ name }) => albums.getArtist(name),
  };
}
