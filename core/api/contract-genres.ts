/**
 * The genre-fixing part of the API contract (issue 5): editing genres, the vocabulary, undo/redo,
 * retraining from fixes, model versions and the confusion view. Self-contained like contract.ts.
 */

export interface GenreApiMethods {}

export const GENRE_API_METHOD_NAMES = [] as const satisfies readonly (keyof GenreApiMethods)[];

export interface GenreApiEvents {}

export const GENRE_API_EVENT_NAMES = [] as const satisfies readonly (keyof GenreApiEvents)[];
