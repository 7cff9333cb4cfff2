import type { z } from 'zod';
import type { ApiArgs } from './contract.js';
import type { PlaylistApiMethods } from './contract-playlists.js';

/** Argument schemas of the similarity and playlist methods (contract-playlists.ts); merged into schemas.ts. */
export const playlistArgSchemas: { [M in keyof PlaylistApiMethods]: z.ZodType<ApiArgs<M>, z.ZodTypeDef, unknown> } = {};
