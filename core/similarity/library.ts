import { FMA518_KEYS } from '../features/fma518.js';
import { CosineIndex } from './index.js';
import { buildPlaylist, type Playlist, type PlaylistOptions } from './playlist.js';
import { calibrateReasonThresholds, explainSimilarity, type Reason, type ReasonThresholds } from './reasons.js';
import type { GeneratedPlaylist, GeneratePlaylistRequest } from './types.js';
import { fitSimilaritySpace, packVectors, trackVector, vectorDimension, type SimilaritySpace, type TrackFeatures } from './vectors.js';

/** An analysed track as similarity sees it. */
export interface SimilarityTrack extends TrackFeatures {
  id: number;
  path: string;
  title?: string | null;
  artist?: string | null;
  album?: string | null;
  genres: string[];
  /** The effective genre the app shows (confirmed, else tagged, else predicted). */
  genre?: string | null;
  durationSec?: number | null;
  tempoBpm?: number | null;
  /** Set on tracks that are one recording in several files (core/duplicates): they share the group. */
  duplicateGroup?: number | null;
}

export interface SimilarTrack {
  track: SimilarityTrack;
  score: number;
  reasons: Reason[];
}

/** A playlist request by track ids (see PlaylistRequest, which takes index rows). */
export type LibraryPlaylistRequest = GeneratePlaylistRequest;

/** A track to search from: one of the library's, or features computed from any file. */
export type Seed = { trackId: number } | { features: TrackFeatures & { genres?: string[]; tempoBpm?: number | null } };

/**
 * The similarity view of a library: its space (fitted to these tracks), the index over their
 * vectors, and the reason thresholds calibrated on them. Built in one pass; rebuild on change.
 */
export class LibrarySimilarity {
  readonly space: SimilaritySpace;
  readonly index: CosineIndex;
  readonly thresholds: ReasonThresholds;
  private readonly rowById = new Map<number, number>();

  constructor(
    readonly tracks: readonly SimilarityTrack[],
    options: SimilarityVectorOptions = {},
  ) {
    if (tracks.length === 0) throw new Error('the library has no analysed tracks yet');
    const { space, vectors, dim } = similarityVectors(tracks, options);
    this.space = space;
    this.index = CosineIndex.fromVectors(vectors, dim);
    this.thresholds = calibrateReasonThresholds(
      tracks.map((track) => track.mir),
      FMA518_KEYS,
    );
    tracks.forEach((track, row) => this.rowById.set(track.id, row));
  }

  rowOf(trackId: number): number {
    const row = this.rowById.get(trackId);
    if (row === undefined) throw new Error(`track ${trackId} is not analysed or not in the library`);
    return row;
  }

  /**
   * The k tracks most similar to the seed, without the seed itself, each with its reasons. Of a
   * recording in several files (duplicates) only the closest file is given, and none of the seed's.
   */
  similar(seed: Seed, k: number): SimilarTrack[] {
    const seedRow = 'trackId' in seed ? this.rowOf(seed.trackId) : null;
    const seedTrack = seedRow === null ? (seed as { features: SimilarityTrack }).features : this.tracks[seedRow];
    const recordings = new Set<number>();
    if (seedRow !== null && seedTrack.duplicateGroup != null) recordings.add(seedTrack.duplicateGroup);
    const exclude = new Set<number>();
    if (seedRow !== null) exclude.add(seedRow);
    for (const [row, track] of this.tracks.entries()) if (track.duplicateGroup != null && recordings.has(track.duplicateGroup)) exclude.add(row);
    const unique = (row: number) => {
      const group = this.tracks[row].duplicateGroup;
      if (group == null) return true;
      if (recordings.has(group)) return false;
      recordings.add(group);
      return true;
    };
    // Duplicates among the neighbours take room: ask for enough to fill k after dropping them.
    const duplicated = this.tracks.filter((track) => track.duplicateGroup != null).length;
    const candidates =
      seedRow === null
        ? this.index.search(trackVector(seedTrack, this.space), { k: k + duplicated, exclude })
        : this.index.search(this.index.vector(seedRow), { k: k + duplicated, exclude });
    const neighbours = candidates.filter(({ row }) => unique(row)).slice(0, k);
    return neighbours.map(({ row, score }) => ({
      track: this.tracks[row],
      score,
      reasons: explainSimilarity(seedTrack, this.tracks[row], FMA518_KEYS, this.thresholds),
    }));
  }

  /** A playlist from seed track ids (see buildPlaylist); rows come back as tracks. */
  playlist(
    request: LibraryPlaylistRequest,
    options?: PlaylistOptions,
  ): { tracks: SimilarityTrack[]; playlist: Playlist } {
    const rows = (ids: number[] | undefined) => ids?.map((id) => this.rowOf(id));
    const playlist = buildPlaylist(
      this.index,
      this.tracks,
      { ...request, seeds: rows(request.seeds)!, moreLike: rows(request.moreLike), lessLike: rows(request.lessLike), exclude: rows(request.exclude) },
      options,
    );
    return { tracks: playlist.rows.map((row) => this.tracks[row]), playlist };
  }

  /**
   * A playlist for the app: ids of tracks no longer in the library are dropped from the request,
   * and each entry says why it is there (reasons against its closest seed) and how it follows the
   * previous track.
   */
  generate(request: GeneratePlaylistRequest, options?: PlaylistOptions): GeneratedPlaylist {
    const known = (ids: number[] | undefined) => ids?.filter((id) => this.rowById.has(id));
    const applied: GeneratePlaylistRequest = {
      ...request,
      seeds: known(request.seeds)!,
      moreLike: known(request.moreLike),
      lessLike: known(request.lessLike),
      exclude: known(request.exclude),
    };
    for (const key of ['moreLike', 'lessLike', 'exclude'] as const) if (applied[key] === undefined) delete applied[key];
    if (applied.seeds.length === 0) throw new Error('none of the seed tracks is analysed and in the library');

    const { playlist } = this.playlist(applied, options);
    const seedRows = [...new Set(applied.seeds.map((id) => this.rowOf(id)))];
    const entries = playlist.rows.map((row, i) => {
      const track = this.tracks[row];
      const isSeed = seedRows.includes(row);
      const closestSeed = seedRows.reduce((best, seed) =>
        this.index.similarity(row, seed) > this.index.similarity(row, best) ? seed : best,
      );
      const previous = i > 0 ? this.tracks[playlist.rows[i - 1]] : null;
      return {
        trackId: track.id,
        score: playlist.scores[i],
        isSeed,
        reasons: isSeed ? [] : explainSimilarity(this.tracks[closestSeed], track, FMA518_KEYS, this.thresholds),
        transition: previous
          ? { similarity: this.index.similarity(playlist.rows[i - 1], row), tempoRatio: tempoRatio(previous, track) }
          : null,
      };
    });
    return {
      request: applied,
      trackIds: entries.map((entry) => entry.trackId),
      entries,
      totalDurationSec: playlist.totalDurationSec,
      transitionCost: playlist.transitionCost,
    };
  }
}

export interface SimilarityVectorOptions {
  weights?: SimilaritySpace['weights'];
  zClip?: number;
  /** Learn a genre projection from the tracks' labelGenre (default true; too few labels: none). */
  learnGenres?: boolean;
}

/** The tracks' similarity space and their vectors in it, packed n × dim in the tracks' order. */
export function similarityVectors(
  tracks: readonly SimilarityTrack[],
  options: SimilarityVectorOptions = {},
): { space: SimilaritySpace; vectors: Float32Array; dim: number } {
  const { learnGenres = true, ...spaceOptions } = options;
  const space = fitSimilaritySpace(
    tracks.map((track) => track.mir),
    {
      embeddingDim: commonEmbeddingDim(tracks),
      genreLabels: learnGenres ? tracks.map((track) => track.labelGenre ?? null) : undefined,
      ...spaceOptions,
    },
  );
  const dim = vectorDimension(space);
  return { space, vectors: packVectors(tracks.map((track) => trackVector(track, space)), dim), dim };
}

function tempoRatio(from: SimilarityTrack, to: SimilarityTrack): number | null {
  return from.tempoBpm && to.tempoBpm && from.tempoBpm > 0 && to.tempoBpm > 0 ? to.tempoBpm / from.tempoBpm : null;
}

/**
 * The embedding width shared by every track that has one; 0 (MIR only) when none has one.
 * Mixed widths mean two models analysed the library: the vectors would not be comparable.
 */
function commonEmbeddingDim(tracks: readonly SimilarityTrack[]): number {
  const widths = new Set(tracks.filter((track) => track.embedding).map((track) => track.embedding!.length));
  if (widths.size > 1) throw new Error(`tracks carry embeddings of different widths (${[...widths].join(', ')}): re-analyse with one model`);
  return widths.size === 1 ? [...widths][0] : 0;
}
