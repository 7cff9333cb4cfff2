import { access, constants, stat } from 'node:fs/promises';
import { DecodeError } from '../audio/decode.js';
import { excerptFromDecoded, planExcerpt, type ExcerptPlan } from '../audio/windows.js';
import { ANALYSIS_HOP_LENGTH, analyzeSignal } from '../features/analyze.js';
import { loadClassifier, type GenreClassifier } from '../ml/classifier.js';
import { segmentsInTrackTime } from '../ml/timeline.js';
import type { TimeFrequency } from '../dsp/types.js';
import type { TimeWindow } from '../audio/decode.js';
import { describeFileError } from '../library/files.js';
import { trackArt } from '../library/art.js';
import { readTagsAndPicture } from '../library/tags.js';
import type { TrackTags } from '../db/repos/tracks.js';
import { melPreview } from './mel-preview.js';
import type { AnalyseFailure, AnalyseReply, AnalyseRequest, GenrePredictions } from './protocol.js';

const SAMPLE_RATE = 22050;
/** Below one STFT frame (n_fft 2048) there is nothing to analyse. */
const MIN_SAMPLES = 2048;

/** A track that passed the file checks, with its tags and the excerpt to decode. */
export interface PreparedTrack {
  request: AnalyseRequest;
  /** null when the file's tags could not be read: ffmpeg often decodes what music-metadata cannot parse. */
  tags: TrackTags | null;
  plan: ExcerptPlan;
}

/**
 * A track's first stages: check the file and read its tags, whose duration picks the excerpt to decode
 * (core/audio/windows.ts), and its album art (core/library/art.ts) when `artDir` names the art cache.
 * A file that cannot be analysed is answered with its readable reason.
 */
export async function prepareTrack(request: AnalyseRequest, artDir: string | null = null): Promise<PreparedTrack | AnalyseFailure> {
  try {
    const info = await stat(request.path);
    if (!info.isFile()) return failure(request, 'not a regular file');
    if (info.size === 0) return failure(request, 'the file is empty (0 bytes)');
    await access(request.path, constants.R_OK);
  } catch (error) {
    return failure(request, describeFileError(error));
  }
  const read = await readTagsAndPicture(request.path, { pictures: artDir !== null }).catch(() => null);
  const tags = read?.tags ?? null;
  if (tags && artDir !== null) tags.artHash = await trackArt(request.path, read?.picture ?? null, artDir);
  return { request, tags, plan: planExcerpt(tags?.durationSec) };
}

/**
 * The remaining stages, once the excerpt is decoded (or failed to): the features, then the genre.
 * Every failure becomes a readable reason; nothing here throws.
 */
export async function analyseDecodedTrack(track: PreparedTrack, decoded: PromiseSettledResult<Float32Array>): Promise<AnalyseReply> {
  const { request, tags } = track;
  if (decoded.status === 'rejected') {
    const error: unknown = decoded.reason;
    return failure(request, error instanceof DecodeError ? `could not decode the audio: ${error.message}` : describeFileError(error), tags);
  }
  const excerpt = excerptFromDecoded(track.plan, decoded.value);
  const { samples } = excerpt;
  if (samples.length < MIN_SAMPLES) {
    return failure(request, `too little audio to analyse (${(samples.length / SAMPLE_RATE).toFixed(3)} s)`, tags);
  }
  try {
    const analysis = analyzeSignal(samples, SAMPLE_RATE);
    const fma518 = Float32Array.from(analysis.fma518);
    const preview = melPreview(analysis.melDb, ANALYSIS_HOP_LENGTH / SAMPLE_RATE);
    const predictions = await predictGenre(analysis.melDb, fma518, excerpt.windows);
    return {
      type: 'analysed',
      seq: request.seq,
      trackId: request.trackId,
      tags,
      features: { fma518, tempoBpm: analysis.tempoBpm, melPreview: preview },
      predictions,
    };
  } catch (error) {
    return failure(request, `analysis failed: ${error instanceof Error ? error.message : String(error)}`, tags);
  }
}

function failure({ seq, trackId }: AnalyseRequest, error: string, tags: TrackTags | null = null): AnalyseFailure {
  return { type: 'failed', seq, trackId, error, retryable: false, tags };
}

let classifierLoad: Promise<GenreClassifier | null> | null = null;

/** The default genre model, loaded once per worker; null (and said once) when it cannot load. */
function workerClassifier(): Promise<GenreClassifier | null> {
  classifierLoad ??= loadClassifier().catch((error: unknown) => {
    console.error(`timbre: genre model unavailable, tracks get features only: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  return classifierLoad;
}

/**
 * Classifies the excerpt's log-mel (fused with its MIR statistics when the model uses them) and maps
 * the genre timeline back onto track time, leaving the stretches between analysed windows as gaps.
 */
async function predictGenre(
  melDb: TimeFrequency,
  fma518: Float32Array,
  windows: readonly TimeWindow[],
): Promise<GenrePredictions | null> {
  const classifier = await workerClassifier();
  if (!classifier) return null;
  const prediction = classifier.classifyMel(melDb, fma518);
  return {
    modelId: classifier.modelId,
    modelVersion: classifier.version,
    genre: prediction.genre,
    confidence: prediction.confidence,
    unsureThreshold: classifier.unsureThreshold,
    probabilities: prediction.probabilities,
    segments: segmentsInTrackTime(prediction.segments, windows),
    embedding: prediction.embedding,
  };
}
