import { FMA518_KEYS } from '../features/fma518.js';
import { CosineIndex } from './index.js';
import { buildPlaylist, type Playlist, type PlaylistOptions, type PlaylistRequest } from './playlist.js';
import { calibrateReasonThresholds, explainSimilarity, type Reason, type ReasonThresholds } from './reasons.js';
import { fitSimilaritySpace, packVectors, trackVector, vectorDimension, type SimilaritySpace, type TrackFeatures } from './vectors.js';

/** An analysed track as similarity sees it. */
export interface SimilarityTrack extends TrackFeatures {
  id: number;
  path: string;
  title?: string | null;
  artist?: string | null;
  album?: string | null;
  genres: string[];
  durationSec?: number | null;
  tempoBpm?: number | null;
}

export interface SimilarTrack {
  track: SimilarityTrack;
  score: number;
  reasons: Reason[];
}

/** A playlist request by track ids (see PlaylistRequest, which takes index rows). */
export type LibraryPlaylistRequest = Omit<PlaylistRequest, 'seeds' | 'moreLike' | 'lessLike' | 'exclude'> & {
  seeds: number[];
  moreLike?: number[];
  lessLike?: number[];
  exclude?: number[];
};

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
    options: { weights?: SimilaritySpace['weights']; zClip?: number } = {},
  ) {
    if (tracks.length === 0) throw new Error('the library has no analysed tracks yet');
    const embeddingDim = commonEmbeddingDim(tracks);
    this.space = fitSimilaritySpace(
      tracks.map((track) => track.mir),
      { embeddingDim, ...options },
    );
    const dim = vectorDimension(this.space);
    this.index = CosineIndex.fromVectors(packVectors(tracks.map((track) => trackVector(track, this.space)), dim), dim);
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

  /** The k tracks most similar to the seed, without the seed itself, each with its reasons. */
  similar(seed: Seed, k: number): SimilarTrack[] {
    const seedRow = 'trackId' in seed ? this.rowOf(seed.trackId) : null;
    const seedTrack = seedRow === null ? (seed as { features: SimilarityTrack }).features : this.tracks[seedRow];
    const neighbours =
      seedRow === null
        ? this.index.search(trackVector(seedTrack, this.space), { k })
        : this.index.searchFromRow(seedRow, { k });
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
