/**
 * The unsure rule: a track's genre is named only when the model is confident enough; below the
 * threshold (chosen on held-out validation, stored with the model) the track is shown as unsure with its
 * top candidates instead of a confident wrong label. Probabilities are always kept.
 */

export interface GenreCandidate {
  genre: string;
  probability: number;
}

export interface GenreDecision {
  /** The named genre, or null when the top probability is below the threshold (unsure). */
  genre: string | null;
  /** The top probability, whether or not it names the genre. */
  confidence: number;
  /** The most probable genres, best first (at most `maxCandidates`). */
  candidates: GenreCandidate[];
}

/** Genres are named when their probability reaches this, for a model that stores no threshold of its own. */
export const DEFAULT_UNSURE_THRESHOLD = 0.5;

/**
 * Names the top genre when its probability reaches `threshold`, otherwise none. Ties go to the label
 * listed first, so the decision does not depend on object key order.
 */
export function decideGenre(
  probabilities: Readonly<Record<string, number>>,
  threshold = DEFAULT_UNSURE_THRESHOLD,
  maxCandidates = 3,
): GenreDecision {
  const ranked = Object.entries(probabilities)
    .filter(([, probability]) => Number.isFinite(probability))
    .map(([genre, probability], order) => ({ genre, probability, order }))
    .sort((a, b) => b.probability - a.probability || a.order - b.order);
  const top = ranked[0];
  const candidates = ranked.slice(0, maxCandidates).map(({ genre, probability }) => ({ genre, probability }));
  if (!top) return { genre: null, confidence: 0, candidates };
  return { genre: top.probability >= threshold ? top.genre : null, confidence: top.probability, candidates };
}
