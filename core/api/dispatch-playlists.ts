import type { PlaylistApiMethods } from './contract-playlists.js';
import type { DispatchContext, MethodHandlers } from './dispatch.js';

/** The similarity and playlist methods (contract-playlists.ts) over the core's services. */
export function playlistMethods(context: DispatchContext): MethodHandlers<PlaylistApiMethods> {
  void context;
  return {};
}
