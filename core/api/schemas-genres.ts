import type { z } from 'zod';
import type { ApiArgs } from './contract.js';
import type { GenreApiMethods } from './contract-genres.js';

/** Argument schemas of the genre-fixing methods (contract-genres.ts); merged into schemas.ts. */
export const genreArgSchemas: { [M in keyof GenreApiMethods]: z.ZodType<ApiArgs<M>, z.ZodTypeDef, unknown> } = {};
