import type { GenreApiMethods } from './contract-genres.js';
import type { DispatchContext, MethodHandlers } from './dispatch.js';

/** The genre-fixing methods (contract-genres.ts) over the core's services. */
export function genreMethods(context: DispatchContext): MethodHandlers<GenreApiMethods> {
  void context;
  return {};
}
