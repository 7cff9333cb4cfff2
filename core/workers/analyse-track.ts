import { access, constants, stat } from 'node:fs/promises';
import { DecodeError } from '../audio/decode.js';
import { decodeAnalysisExcerpt, type AnalysisExcerpt } from '../audio/windows.js';
import { ANALYSIS_HOP_LENGTH, analyzeSignal } from '../features/analyze.js';
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
 * compute the features. Every failure becomes a readable reason; nothing here throws.
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

    // ── GENRE CLASSIFIER STEP ──────────────────────────────────────────────────────────────────────
    // The one place the classifier joins the pipeline: it reads analysis.melDb (the excerpt's log-mel),
    // maps its segment times back onto the track with excerpt.windows, and fills `predictions`.
    const predictions: GenrePredictions | null = null;

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
