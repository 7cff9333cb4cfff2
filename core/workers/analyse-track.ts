import { access, constants, stat } from 'node:fs/promises';
import { DecodeError } from '../audio/decode.js';
import { decodeAnalysisExcerpt, type AnalysisExcerpt } from '../audio/windows.js';
import { ANALYSIS_HOP_LENGTH, analyzeSignal } from '../features/analyze.js';
import { excerptToTrackTime, loadClassifier, type GenreClassifier } from '../ml/classifier.js';
import type { TimeFrequency } from '../dsp/types.js';
import type { TimeWindow } from '../audio/decode.js';
import { describeFileError } from '../library/files.js';
import { readTags } from '../library/tags.js';
import type { TrackTags } from '../db/repos/tracks.js';
import { melPreview } from './mel-preview.js';
import type { AnalyseFailure, AnalyseReply, AnalyseRequest, GenrePredictions } from './protocol.js';

const SAMPLE_RATE = 22050;
/** Below one STFT frame (n_fft 2048) there is nothing to analyse. */
const MIN_SAMPLES = 2048;

/**
 * One track through the worker's stages: check the file, read its tags, decode the analysis excerpt,
 * compute the features, classify the genre. Every failure becomes a readable reason; nothing here throws.
 */
export async function analyseTrack(request: AnalyseRequest): Promise<AnalyseReply> {
  const { seq, trackId, path } = request;
  const fail = (error: string, tags: TrackTags | null = null): AnalyseFailure => ({
    type: 'failed',
    seq,
    trackId,
    error,
    retryable: false,
    tags,
  });

  try {
    const info = await stat(path);
    if (!info.isFile()) return fail('not a regular file');
    if (info.size === 0) return fail('the file is empty (0 bytes)');
    await access(path, constants.R_OK);
  } catch (error) {
    return fail(describeFileError(error));
  }

  const tagsStart = performance.now();
  // Unreadable tags do not stop analysis: ffmpeg often decodes what music-metadata cannot parse.
  const tags = await readTags(path).catch(() => null);
  const decodeStart = performance.now();

  let excerpt: AnalysisExcerpt;
  try {
    excerpt = await decodeAnalysisExcerpt(path, tags?.durationSec);
  } catch (error) {
    if (error instanceof DecodeError) return fail(`could not decode the audio: ${error.message}`, tags);
    return fail(describeFileError(error), tags);
  }
  const { samples } = excerpt;
  if (samples.length < MIN_SAMPLES) {
    return fail(`too little audio to analyse (${(samples.length / SAMPLE_RATE).toFixed(3)} s)`, tags);
  }

  const analyseStart = performance.now();
  try {
    const analysis = analyzeSignal(samples, SAMPLE_RATE);
    const fma518 = Float32Array.from(analysis.fma518);
    const preview = melPreview(analysis.melDb, ANALYSIS_HOP_LENGTH / SAMPLE_RATE);

    const predictions = await predictGenre(analysis.melDb, fma518, excerpt.windows);

    return {
      type: 'analysed',
      seq,
      trackId,
      tags,
      features: { fma518, tempoBpm: analysis.tempoBpm, melPreview: preview },
      predictions,
      timings: {
        tagsMs: decodeStart - tagsStart,
        decodeMs: analyseStart - decodeStart,
        analyseMs: performance.now() - analyseStart,
      },
    };
  } catch (error) {
    return fail(`analysis failed: ${error instanceof Error ? error.message : String(error)}`, tags);
  }
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
 * the genre timeline back onto track time.
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
    probabilities: prediction.probabilities,
    segments: prediction.segments.map((segment) => ({
      ...segment,
      start: excerptToTrackTime(segment.start, windows),
      end: excerptToTrackTime(segment.end, windows),
    })),
    embedding: prediction.embedding,
  };
}
