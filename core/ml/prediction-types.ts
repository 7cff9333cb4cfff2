/**
 * The plain-data shapes of a genre prediction's timeline, shared by the classifier, the stored
 * predictions and the API contract (no Node-only code here: the renderer reads them too).
 */

/** One ~3-s stretch of the genre timeline. */
export interface GenreSegment {
  /** Seconds: from the start of the analysed excerpt in the classifier's output, of the track once stored. */
  start: number;
  end: number;
  /** The segment's top genre, or null when it is below the model's unsure threshold. */
  genre: string | null;
  probabilities: Record<string, number>;
}

/** A stretch of track time: analysed by the model, or a gap it never heard. */
export interface TimelineSpan {
  start: number;
  end: number;
  analysed: boolean;
}
