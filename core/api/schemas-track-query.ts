import { z } from 'zod';
import { MAX_PAGE_SIZE, SORT_KEYS } from './contract.js';

/**
 * The library table's query, shared by queryTracks (a page of it, schemas.ts) and selectTracks (all of
 * it, for "select all"; schemas-genres.ts).
 */
const shortText = z.string().max(500);

export const trackSelectionShape = {
  search: shortText.optional(),
  sort: z.object({ key: z.enum(SORT_KEYS), direction: z.enum(['asc', 'desc']) }).strict().optional(),
  genre: shortText.optional(),
  predictedGenre: shortText.optional(),
  confidence: z
    .tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
    .refine(([min, max]) => min <= max, 'confidence range must be [min, max] with min <= max')
    .optional(),
  unconfirmed: z.boolean().optional(),
  status: z.enum(['pending', 'analysing', 'done', 'error']).optional(),
  problems: z.boolean().optional(),
};

export const trackSelection = z.object(trackSelectionShape).strict();

export const trackQuery = z
  .object({
    ...trackSelectionShape,
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(MAX_PAGE_SIZE),
  })
  .strict();
