/** A call named something that does not exist (a track, a playlist, a model version): 'not-found'. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
