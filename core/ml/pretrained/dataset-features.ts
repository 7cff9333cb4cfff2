import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeAnalysisExcerpt, planExcerpt } from '../../audio/windows.js';
import { ANALYSIS_SAMPLE_RATE } from '../../audio/decode.js';
import type { FeatureCache } from '../feature-cache.js';
import type { Backbone } from './backbone.js';
import type { BackboneFeatures } from './types.js';

let inputCodeHash: Promise<string> | null = null;

/** A hash of the backbone input's own DSP code (the shared DSP is in the cache's analysis fingerprint). */
function backboneInputCodeHash(): Promise<string> {
  inputCodeHash ??= (async () => {
    const source = await readFile(fileURLToPath(new URL('./musicnn-input.js', import.meta.url)));
    return createHash('sha1').update(source).digest('hex').slice(0, 12);
  })();
  return inputCodeHash;
}

/**
 * BackboneFeatures of a file's analysis excerpt: the audio a scan decodes and analyses (core/audio/windows.ts),
 * so evaluation and training see what the library will; of all its patches, or of `maxPatches` evenly
 * spread ones as the scan computes them (scanPatchLimit). Through the cache when given: an entry holds
 * the per-patch tags and embeddings (patches × (tags + embedding)), keyed by the model's files and the
 * input code, so a different model or input recipe misses it.
 */
export async function fileBackboneFeatures(
  file: string,
  backbone: Backbone,
  cache: FeatureCache | null,
  durationSeconds?: number | null,
  options: { maxPatches?: number } = {},
): Promise<BackboneFeatures> {
  const compute = async () => backbone.compute((await decodeAnalysisExcerpt(file, durationSeconds)).samples, ANALYSIS_SAMPLE_RATE, options);
  if (!cache) return compute();
  const nTags = backbone.entry.tags.length;
  const nEmbedding = backbone.entry.embeddingSize;
  const key = [
    'backbone-v1',
    backbone.modelId,
    Object.values(backbone.entry.files).join(','),
    await backboneInputCodeHash(),
    JSON.stringify(backbone.entry.inputSpec),
    // The excerpt's plan, not the duration: durations that decode the same audio share entries.
    JSON.stringify(planExcerpt(durationSeconds)),
    `patches:${options.maxPatches ?? 'all'}`,
  ].join('|');
  // Keyed by the real path: a data set reached through a symbolic link shares the entries.
  const rows = await cache.getOrCompute(await realpath(file), key, async () => packPatches(await compute()));
  if (rows.nBins !== nTags + nEmbedding) throw new Error(`backbone cache entry for ${file} has ${rows.nBins} columns`);
  return unpackPatches(backbone.modelId, rows.data, rows.nFrames, nTags, nEmbedding);
}

function packPatches(features: BackboneFeatures): { data: Float32Array; nFrames: number; nBins: number } {
  const nTags = features.tags.length;
  const nEmbedding = features.embedding.length;
  const width = nTags + nEmbedding;
  const data = new Float32Array(features.patchCount * width);
  for (let p = 0; p < features.patchCount; p++) {
    data.set(features.patchTags.subarray(p * nTags, (p + 1) * nTags), p * width);
    data.set(features.patchEmbeddings.subarray(p * nEmbedding, (p + 1) * nEmbedding), p * width + nTags);
  }
  return { data, nFrames: features.patchCount, nBins: width };
}

function unpackPatches(modelId: string, data: Float32Array, patchCount: number, nTags: number, nEmbedding: number): BackboneFeatures {
  const width = nTags + nEmbedding;
  const patchTags = new Float32Array(patchCount * nTags);
  const patchEmbeddings = new Float32Array(patchCount * nEmbedding);
  const tags = new Float32Array(nTags);
  const embedding = new Float32Array(nEmbedding);
  for (let p = 0; p < patchCount; p++) {
    for (let i = 0; i < nTags; i++) {
      const value = data[p * width + i];
      patchTags[p * nTags + i] = value;
      tags[i] += value;
    }
    for (let i = 0; i < nEmbedding; i++) {
      const value = data[p * width + nTags + i];
      patchEmbeddings[p * nEmbedding + i] = value;
      embedding[i] += value;
    }
  }
  for (let i = 0; i < nTags; i++) tags[i] /= patchCount;
  for (let i = 0; i < nEmbedding; i++) embedding[i] /= patchCount;
  return { modelId, tags, embedding, patchCount, patchTags, patchEmbeddings };
}
