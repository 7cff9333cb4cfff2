import * as tf from '@tensorflow/tfjs';
import type { TimeFrequency } from '../dsp/types.js';
import { pooledBands, pooledFrames, type CnnLstmModel } from './model.js';

export interface TrackPrediction {
  /** Track probabilities, in label order: the mean over the ~30-s LSTM windows. */
  probabilities: Float32Array;
  /** One row per patch (segment), in label order. */
  segmentProbabilities: Float32Array[];
  /** Frame ranges [start, end) of the segments. */
  segmentFrames: Array<[number, number]>;
  /** Mean LSTM state over the windows, L2-normalised: compare tracks with a dot product. */
  embedding: Float32Array;
}

/**
 * Start frames of the patches that tile a track: consecutive, non-overlapping; the last one is
 * moved back to end with the track so its final seconds count. Tracks shorter than a patch get one
 * patch, padded (see patchTensor).
 */
export function patchStarts(nFrames: number, patchFrames: number): number[] {
  if (nFrames <= patchFrames) return [0];
  const starts: number[] = [];
  for (let start = 0; start + patchFrames <= nFrames; start += patchFrames) starts.push(start);
  const tail = nFrames - patchFrames;
  if (starts[starts.length - 1] < tail && nFrames - (starts[starts.length - 1] + patchFrames) >= patchFrames / 2) starts.push(tail);
  return starts;
}

/** Consecutive runs of `length` patch indices with stride length/2 covering all patches (one shorter run for short tracks). */
export function sequenceWindows(nPatches: number, length: number): number[][] {
  if (nPatches <= length) return [Array.from({ length: nPatches }, (_, i) => i)];
  const stride = Math.max(1, Math.floor(length / 2));
  const firsts: number[] = [];
  for (let first = 0; first + length <= nPatches; first += stride) firsts.push(first);
  if (firsts[firsts.length - 1] !== nPatches - length) firsts.push(nPatches - length);
  return firsts.map((first) => Array.from({ length }, (_, i) => first + i));
}

/**
 * Copies patches of `mel` into one [starts, patchFrames, nBins] buffer. Frames past the end of a
 * short track repeat the track from its start, so a 2-s clip still fills a 3-s patch with music.
 */
export function copyPatches(mel: TimeFrequency, starts: number[], patchFrames: number, into?: Float32Array, offset = 0): Float32Array {
  const size = patchFrames * mel.nBins;
  const out = into ?? new Float32Array(starts.length * size);
  starts.forEach((start, p) => {
    const base = offset + p * size;
    if (start + patchFrames <= mel.nFrames) {
      out.set(mel.data.subarray(start * mel.nBins, (start + patchFrames) * mel.nBins), base);
      return;
    }
    for (let f = 0; f < patchFrames; f++) {
      const frame = (start + f) % mel.nFrames;
      out.set(mel.data.subarray(frame * mel.nBins, (frame + 1) * mel.nBins), base + f * mel.nBins);
    }
  });
  return out;
}

/**
 * Average-pools patches [count, patchFrames, nBins] into [count, patchFrames / frames, nBins / bands]
 * (trailing remainders dropped): the network's fixed input pooling, done here in one pass because
 * it is several times cheaper than as tensor ops and shrinks what is uploaded to the backend.
 */
export function poolPatches(raw: Float32Array, count: number, patchFrames: number, nBins: number, pool: { frames: number; bands: number }): Float32Array {
  const outFrames = Math.floor(patchFrames / pool.frames);
  const outBands = Math.floor(nBins / pool.bands);
  const out = new Float32Array(count * outFrames * outBands);
  const scale = 1 / (pool.frames * pool.bands);
  for (let p = 0; p < count; p++) {
    for (let t = 0; t < outFrames * pool.frames; t++) {
      const source = (p * patchFrames + t) * nBins;
      const target = (p * outFrames + Math.floor(t / pool.frames)) * outBands;
      for (let b = 0; b < outBands; b++) {
        let sum = 0;
        for (let k = 0; k < pool.bands; k++) sum += raw[source + b * pool.bands + k];
        out[target + b] += sum * scale;
      }
    }
  }
  return out;
}

/** Runs the model over a whole track (log-mel dB, frames × nMels). */
export function predictTrack(model: CnnLstmModel, mel: TimeFrequency): TrackPrediction {
  const { patchFrames, sequencePatches, nMels } = model.config;
  if (mel.nBins !== nMels) throw new Error(`the model expects ${nMels} mel bands, the input has ${mel.nBins}`);
  if (mel.nFrames === 0) throw new Error('the track has no frames');
  const starts = patchStarts(mel.nFrames, patchFrames);
  const windows = sequenceWindows(starts.length, sequencePatches);
  const classes = model.config.labels.length;
  const [segmentData, trackData, hiddenData] = tf.tidy(() => {
    const { inputPool } = model.config;
    const pooled = poolPatches(copyPatches(mel, starts, patchFrames), starts.length, patchFrames, nMels, inputPool);
    const patches = tf.tensor3d(pooled, [starts.length, pooledFrames(model.config), pooledBands(model.config)]);
    const embeddings = model.embedPatches(patches);
    const segments = model.patchLogits(embeddings).softmax();
    const sequences = tf.gather(embeddings, windows.flat()).reshape([windows.length, windows[0].length, -1]) as tf.Tensor3D;
    const { hidden, logits } = model.sequence(sequences);
    return [segments.dataSync(), logits.softmax().mean(0).dataSync(), hidden.mean(0).dataSync()];
  });
  const norm = Math.hypot(...hiddenData) || 1;
  return {
    probabilities: Float32Array.from(trackData),
    segmentProbabilities: starts.map((_, p) => Float32Array.from(segmentData.subarray(p * classes, (p + 1) * classes))),
    segmentFrames: starts.map((start) => [start, Math.min(mel.nFrames, start + patchFrames)]),
    embedding: Float32Array.from(hiddenData, (value) => value / norm),
  };
}

/**
 * An ensemble's prediction: the members' track and segment probabilities averaged; the embedding
 * is the members' embeddings concatenated and L2-normalised (their spaces differ, so no averaging).
 */
export function predictEnsemble(models: readonly CnnLstmModel[], mel: TimeFrequency): TrackPrediction {
  if (models.length === 0) throw new Error('an ensemble needs at least one model');
  if (models.length === 1) return predictTrack(models[0], mel);
  const predictions = models.map((model) => predictTrack(model, mel));
  const mean = (rows: Float32Array[]) => {
    const out = new Float32Array(rows[0].length);
    for (const row of rows) row.forEach((value, i) => (out[i] += value / rows.length));
    return out;
  };
  const embedding = new Float32Array(predictions.reduce((size, p) => size + p.embedding.length, 0));
  let offset = 0;
  for (const prediction of predictions) {
    embedding.set(prediction.embedding.map((value) => value / Math.sqrt(predictions.length)), offset);
    offset += prediction.embedding.length;
  }
  return {
    probabilities: mean(predictions.map((p) => p.probabilities)),
    segmentProbabilities: predictions[0].segmentProbabilities.map((_, i) => mean(predictions.map((p) => p.segmentProbabilities[i]))),
    segmentFrames: predictions[0].segmentFrames,
    embedding,
  };
}
