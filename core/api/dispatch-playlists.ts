import type { GeneratedPlaylist, SavedPlaylist } from '../similarity/types.js';
import type { PlaylistApiMethods, PlaylistEntry, PlaylistTrackInfo, PlaylistView } from './contract-playlists.js';
import type { DispatchContext, MethodHandlers } from './dispatch.js';
import { NotFoundError } from './errors.js';

/** Neighbours "sounds like this" lists when the caller does not say. */
const DEFAULT_SIMILAR_COUNT = 10;

/**
 * The similarity and playlist methods (contract-playlists.ts) over core.similarity. Results carry
 * each track's title, artist, genre and length (from the table's index), so the app shows a playlist
 * or the map without a call per track. Genres carry the vocabulary's name, as on the Genres page.
 */
export function playlistMethods(context: DispatchContext): MethodHandlers<PlaylistApiMethods> {
  const { core, index, emit } = context;
  const similarity = core.similarity;

  // The app will ask for neighbours soon: build the index now, and again whenever analysis finishes.
  similarity.prepare();
  context.onClose(
    core.events.on('progress', ({ active, done, failed, total }) => {
      if (active === 0 && done + failed === total) similarity.prepare();
    }),
  );

  const infoOf = (id: number): PlaylistTrackInfo => {
    const row = index.row(id);
    return {
      id,
      title: row?.title ?? null,
      artist: row?.artist ?? null,
      album: row?.album ?? null,
      fileName: row?.fileName ?? `track ${id}`,
      durationSec: row?.durationSec ?? null,
      tempoBpm: row?.tempoBpm ?? null,
      genre: row?.genre ? index.canonicalGenre(row.genre) : null,
    };
  };
  const view = (name: string, entries: PlaylistEntry[], saved: Pick<PlaylistView, 'id' | 'request' | 'createdAt' | 'updatedAt'>): PlaylistView => ({
    ...saved,
    name,
    entries,
    durationSec: entries.reduce((sum, entry) => sum + (entry.durationSec ?? 0), 0),
  });
  const savedView = (playlist: SavedPlaylist): PlaylistView =>
    view(
      playlist.name,
      playlist.trackIds.map((id) => ({ ...infoOf(id), score: null, reasons: [] })),
      { id: playlist.id, request: playlist.request, createdAt: playlist.createdAt, updatedAt: playlist.updatedAt },
    );
  const generatedView = (generated: GeneratedPlaylist): PlaylistView => {
    const seed = infoOf(generated.request.seeds[0]);
    return view(
      `Sounds like ${seed.title ?? seed.fileName}`,
      generated.entries.map((entry) => ({ ...infoOf(entry.trackId), score: entry.score, reasons: entry.reasons })),
      { id: null, request: generated.request, createdAt: null, updatedAt: null },
    );
  };
  const requirePlaylist = (id: number): SavedPlaylist => {
    const playlist = similarity.getPlaylist(id);
    if (!playlist) throw new NotFoundError(`there is no playlist ${id}`);
    return playlist;
  };
  const changed = (id: number) => emit('playlists-changed', { ids: [id] });

  return {
    similarTracks: async ({ id, count }) =>
      (await similarity.similar(id, count ?? DEFAULT_SIMILAR_COUNT)).map((result) => ({ ...infoOf(result.trackId), score: result.score, reasons: result.reasons })),
    generatePlaylist: async (request) => {
      // The genre options name genres as the Genres page does; the playlist matches every spelling of them
      // but keeps the names as asked, so regenerating or saving it stores the user's choice.
      const { includeGenres, excludeGenres } = request;
      const generated = await similarity.generate({
        ...request,
        ...(includeGenres && { includeGenres: index.spellingsOf(includeGenres) }),
        ...(excludeGenres && { excludeGenres: index.spellingsOf(excludeGenres) }),
      });
      return generatedView({ ...generated, request: { ...generated.request, ...(includeGenres && { includeGenres }), ...(excludeGenres && { excludeGenres }) } });
    },
    listPlaylists: async () =>
      similarity.listPlaylists().map(({ id, name, trackCount, durationSec, createdAt, updatedAt }) => ({ id, name, trackCount, durationSec, createdAt, updatedAt })),
    getPlaylist: async ({ id }) => savedView(requirePlaylist(id)),
    savePlaylist: async ({ name, trackIds, request }) => {
      const playlist = similarity.savePlaylist({ name, trackIds, request });
      changed(playlist.id);
      return savedView(playlist);
    },
    updatePlaylist: async ({ id, ...patch }) => {
      requirePlaylist(id);
      // A request given with the tracks (a regenerated playlist) is stored as given; without one, tracks
      // left out of the list count as removals and join the request's exclusions.
      const playlist = similarity.updatePlaylist(id, patch);
      changed(id);
      return savedView(playlist);
    },
    deletePlaylist: async ({ id }) => {
      const deleted = similarity.deletePlaylist(id);
      if (deleted) changed(id);
      return { deleted };
    },
    playlistM3u8: async ({ trackIds, style, location }) => ({ text: similarity.tracksM3u8(trackIds, { style, path: location }) }),
    exportPlaylist: async ({ trackIds, style, path }) => {
      // Only where the user chose, in the app's own save dialog: a request alone never picks the file.
      const choose = context.host.choosePlaylistFile;
      if (!choose) throw new Error('in the browser a playlist is downloaded (Download), never written by the server: nothing was written');
      const chosen = await choose(path);
      if (chosen === null) return { path: null, trackCount: 0 };
      const written = await similarity.exportTracks(trackIds, { style, path: chosen });
      return { path: written.path, trackCount: written.tracks };
    },
    importPlaylist: async (source) => {
      const imported =
        'path' in source
          ? await similarity.importPlaylist(source.path)
          : similarity.importPlaylistText(source.name, source.text);
      changed(imported.playlist.id);
      return { playlist: savedView(imported.playlist), missing: imported.missing };
    },
    libraryMap: async () => {
      // A stale layout is shown at once while the new one is computed (libraryMapStatus tells when).
      const map = await similarity.libraryMap({ wait: false });
      return {
        computedAt: map.computedAt,
        stale: map.stale,
        points: map.points.map((point) => {
          const row = index.row(point.trackId);
          return {
            id: point.trackId,
            title: row?.title ?? null,
            artist: row?.artist ?? null,
            fileName: row?.fileName ?? `track ${point.trackId}`,
            album: row?.album ?? null,
            artHash: row?.artHash ?? null,
            genre: point.genre === null ? null : index.canonicalGenre(point.genre),
            // 1e-5 of the map is under a pixel even zoomed in all the way, and keeps a 100,000-track answer small.
            x: Math.round(point.x * 1e5) / 1e5,
            y: Math.round(point.y * 1e5) / 1e5,
          };
        }),
      };
    },
    libraryMapStatus: async () => similarity.mapStatus(),
  };
}
