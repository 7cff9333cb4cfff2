import { access, constants, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { DecodeError, type DecodeErrors } from '../audio/decode.js';
import { describeDecodeErrors, findTruncation } from '../audio/integrity.js';
import { excerptFromDecoded, planExcerpt, type ExcerptPlan } from '../audio/windows.js';
import { ANALYSIS_HOP_LENGTH, analyzeSignal } from '../features/analyze.js';
import { loadClassifier, type GenreClassifier } from '../ml/classifier.js';
import { segmentsInTrackTime } from '../ml/timeline.js';
import { activeBackbone, scanPatchLimit, type Backbone } from '../ml/pretrained/backbone.js';
import type { BackboneFeatures } from '../ml/pretrained/types.js';
import type { TimeFrequency } from '../dsp/types.js';
import type { TimeWindow } from '../audio/decode.js';
import { describeFileError, fsPath } from '../library/files.js';
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
  /** The path to open the file by: the track's, or a link to it (see openablePath); release() when decoded. */
  file: string;
  release: () => void;
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
  let opened: { file: string; release: () => void };
  try {
    const info = await stat(fsPath(request.path));
    if (!info.isFile()) return failure(request, 'not a regular file');
    if (info.size === 0) return failure(request, 'the file is empty (0 bytes)');
    await access(fsPath(request.path), constants.R_OK);
    opened = await openablePath(request.path);
  } catch (error) {
    return failure(request, describeFileError(error));
  }
  const read = await readTagsAndPicture(opened.file, { pictures: artDir !== null }).catch(() => null);
  const tags = read?.tags ?? null;
  if (tags && artDir !== null) tags.artHash = await trackArt(request.path, read?.picture ?? null, artDir);
  return { request, ...opened, tags, plan: planExcerpt(tags?.durationSec) };
}

/**
 * A path that ffmpeg's command line and music-metadata can open. Both take strings, which reach the
 * system as UTF-8, so a file whose name is not UTF-8 (fsPath gives its bytes) is opened through a
 * link with a plain name in a temporary folder of its own, removed once the track is decoded.
 */
async function openablePath(path: string): Promise<{ file: string; release: () => void }> {
  const target = fsPath(path);
  if (typeof target === 'string') return { file: path, release: () => {} };
  const folder = await mkdtemp(join(tmpdir(), 'timbre-name-'));
  const alias = join(folder, `track${extname(path)}`);
  const release = () => void rm(folder, { recursive: true, force: true }).catch(() => {});
  try {
    await symlink(target, alias);
  } catch (error) {
    release();
    throw error;
  }
  return { file: alias, release };
}

/**
 * The remaining stages, once the excerpt is decoded (or failed to): the features, then the genre.
 * Every failure becomes a readable reason; nothing here throws. `decodeErrors`: what ffmpeg skipped
 * as damaged while decoding the excerpt.
 */
export async function analyseDecodedTrack(
  track: PreparedTrack,
  decoded: PromiseSettledResult<Float32Array>,
  decodeErrors: DecodeErrors | null = null,
): Promise<AnalyseReply> {
  const { request } = track;
  let { tags } = track;
  if (decoded.status === 'rejected') {
    const error: unknown = decoded.reason;
    return failure(request, error instanceof DecodeError ? `could not decode the audio: ${error.message}` : describeFileError(error), tags);
  }
  // A file whose audio ends before its header says, or that decodes with errors, is analysed from what
  // decoded (shown with the decoded length) and marked.
  const truncation = findTruncation(tags?.durationSec, track.plan, decoded.value.length, SAMPLE_RATE);
  const problems = [truncation?.problem, decodeErrors && describeDecodeErrors(decodeErrors)].filter(Boolean);
  if (tags && truncation) tags = { ...tags, durationSec: truncation.decodedSeconds };
  const excerpt = excerptFromDecoded(track.plan, decoded.value);
  const { samples } = excerpt;
  if (samples.length < MIN_SAMPLES) {
    return failure(request, `too little audio to analyse (${(samples.length / SAMPLE_RATE).toFixed(3)} s)`, tags);
  }
  try {
    const analysis = analyzeSignal(samples, SAMPLE_RATE);
    const fma518 = Float32Array.from(analysis.fma518);
    const preview = melPreview(analysis.melDb, ANALYSIS_HOP_LENGTH / SAMPLE_RATE);
    const backbone = await backboneFeatures(samples);
    const predictions = await predictGenre(analysis.melDb, fma518, excerpt.windows, backbone);
    return {
      type: 'analysed',
      seq: request.seq,
      trackId: request.trackId,
      tags,
      features: { fma518, tempoBpm: analysis.tempoBpm, melPreview: preview },
      predictions,
      backbone: backbone && { modelId: backbone.modelId, tags: backbone.tags, embedding: backbone.embedding, patchCount: backbone.patchCount },
      problem: problems.length ? problems.join('; ') : null,
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

let backboneLoad: Promise<{ backbone: Backbone; maxPatches: number | undefined } | null> | null = null;

/** The active pretrained backbone, loaded once per worker; null when none is installed (or, said once, it cannot load). */
function workerBackbone(): Promise<{ backbone: Backbone; maxPatches: number | undefined } | null> {
  backboneLoad ??= (async () => {
    const backbone = await activeBackbone();
    return backbone ? { backbone, maxPatches: scanPatchLimit() } : null;
  })().catch((error: unknown) => {
    console.error(`timbre: pretrained backbone unavailable, tracks are analysed without it: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  });
  return backboneLoad;
}

let backboneFailureReported = false;

/**
 * The backbone's tags and embedding of the same excerpt the features come from; null without a backbone,
 * or when it fails on this track (said once per worker): the track is still analysed without them.
 */
async function backboneFeatures(samples: Float32Array): Promise<BackboneFeatures | null> {
  const loaded = await workerBackbone();
  if (!loaded) return null;
  try {
    return loaded.backbone.compute(samples, SAMPLE_RATE, { maxPatches: loaded.maxPatches });
  } catch (error) {
    if (!backboneFailureReported) console.error(`timbre: pretrained backbone failed on a track, analysed without it: ${error instanceof Error ? error.message : String(error)}`);
    backboneFailureReported = true;
    return null;
  }
}

/**
 * Classifies the excerpt's log-mel (fused with its MIR statistics when the model uses them) and maps
 * the genre timeline back onto track time, leaving the stretches between analysed windows as gaps.
 */
async function predictGenre(
  melDb: TimeFrequency,
  fma518: Float32Array,
  windows: readonly TimeWindow[],
  backbone: BackboneFeatures | null,
): Promise<GenrePredictions | null> {
  const classifier = await workerClassifier();
  if (!classifier) return null;
  const prediction = classifier.classifyMel(melDb, fma518, backbone ?? undefined);
  return {
    modelId: classifier.modelId,
    modelVersion: classifier.version,
    genre: prediction.genre,
    confidence: prediction.confidence,
    unsureThreshold: prediction.unsureThreshold,
    probabilities: prediction.probabilities,
    segments: segmentsInTrackTime(prediction.segments, windows),
    embedding: prediction.embedding,
  };
}
