/**
 * The similarity part of the API contract (issue 6): "sounds like this", playlists (generate, keep,
 * edit, export, import) and the library map. Self-contained like contract.ts.
 */

export interface PlaylistApiMethods {}

export const PLAYLIST_API_METHOD_NAMES = [] as const satisfies readonly (keyof PlaylistApiMethods)[];

export interface PlaylistApiEvents {}

export const PLAYLIST_API_EVENT_NAMES = [] as const satisfies readonly (keyof PlaylistApiEvents)[];
