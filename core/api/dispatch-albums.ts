import { AlbumIndex } from './album-index.js';
import type { AlbumApiMethods } from './contract-albums.js';
import type { DispatchContext, MethodHandlers } from './dispatch.js';

/** The album and artist methods (contract-albums.ts), answered from the table's index. */
export function albumMethods(context: DispatchContext): MethodHandlers<AlbumApiMethods> {
  const albums = new AlbumIndex(context.index);
  return {
    listAlbums: async (query) => albums.listAlbums(query),
    getAlbum: async ({ key }) => albums.getAlbum(key),
    listArtists: async (query) => albums.listArtists(query),
    getArtist: async ({ name }) => albums.getArtist(name),
  };
}
