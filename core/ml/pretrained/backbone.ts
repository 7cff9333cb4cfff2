import * as tf from '@tensorflow/tfjs';
import type { TimeFrequency } from '../../dsp/types.js';
import { listInstalledModels, loadModelFolder, type LoadedGraph } from './loader.js';
import { cutPatches, musicnnLogMel, musicnnPatchCount, musicnnPatchInput, spreadPatches } from './musicnn-input.js';
import type { BackboneFeatures, CatalogueEntry } from './types.js';

/**
 * Patches (3 s each) of a track's 30-s excerpt that the scan runs the backbone on, evenly spread. Each
 * costs about 150–300 ms of CPU on tfjs-wasm, so one keeps a scan with the backbone within about 400 ms
 * per track (see `npm run bench -- backbone`). TIMBRE_BACKBONE_PATCHES overrides it (a number, or 'all').
 */
export const SCAN_BACKBONE_PATCHES = 1;

/** The scan's patch limit: TIMBRE_BACKBONE_PATCHES, else SCAN_BACKBONE_PATCHES; undefined means every patch. */
export function scanPatchLimit(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.TIMBRE_BACKBONE_PATCHES;
  if (value === undefined || value === '') return SCAN_BACKBONE_PATCHES;
  if (value === 'all') return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1) throw new Error(`TIMBRE_BACKBONE_PATCHES must be a positive integer or 'all', not '${value}'`);
  return count;
}

/** Patches run through the graph at once: bounds the activations' memory on long excerpts. */
const PATCH_BATCH = 16;

/** A loaded, verified pretrained backbone. */
export class Backbone {
  readonly entry: CatalogueEntry;
  readonly folder: string;
  private readonly model: tf.GraphModel;

  constructor(loaded: LoadedGraph) {
    this.entry = loaded.entry;
    this.folder = loaded.folder;
    this.model = loaded.model;
  }

  get modelId(): string {
    return this.entry.id;
  }

  /** The model's input spectrogram (frames × mel bands) of a mono signal, by Timbre's DSP. */
  input(signal: Float32Array, sampleRate: number): TimeFrequency {
    return musicnnLogMel(signal, sampleRate);
  }

  /** Tags and embedding of every patch of `input`, and their means. */
  predict(input: TimeFrequency): BackboneFeatures {
    const { patchFrames, melBands } = this.entry.inputSpec;
    if (input.nBins !== melBands) throw new Error(`backbone input has ${input.nBins} bands, expected ${melBands}`);
    return this.predictPatches(cutPatches(input, patchFrames));
  }

  /** Tags and embedding of each of `count` patches (patch-major frames × bands), and their means. */
  predictPatches(patches: { data: Float32Array; count: number }): BackboneFeatures {
    const { patchFrames, melBands } = this.entry.inputSpec;
    const nTags = this.entry.tags.length;
    const nEmbedding = this.entry.embeddingSize;
    const patchTags = new Float32Array(patches.count * nTags);
    const patchEmbeddings = new Float32Array(patches.count * nEmbedding);
    const patchSize = patchFrames * melBands;
    for (let first = 0; first < patches.count; first += PATCH_BATCH) {
      const count = Math.min(PATCH_BATCH, patches.count - first);
      const [tags, embedding] = tf.tidy(() => {
        const feeds: Record<string, tf.Tensor> = {
          [this.entry.input.name]: tf.tensor3d(patches.data.subarray(first * patchSize, (first + count) * patchSize), [count, patchFrames, melBands]),
        };
        for (const constant of this.entry.constantInputs) feeds[constant.name] = tf.tensor(constant.value, [constant.value.length], constant.dtype);
        return this.model.execute(feeds, [this.entry.outputs.tags, this.entry.outputs.embedding]) as tf.Tensor[];
      });
      patchTags.set(tags.dataSync() as Float32Array, first * nTags);
      patchEmbeddings.set(embedding.dataSync() as Float32Array, first * nEmbedding);
      tags.dispose();
      embedding.dispose();
    }
    return {
      modelId: this.modelId,
      tags: meanRows(patchTags, patches.count, nTags),
      embedding: meanRows(patchEmbeddings, patches.count, nEmbedding),
      patchCount: patches.count,
      patchTags,
      patchEmbeddings,
    };
  }

  /**
   * BackboneFeatures of a mono signal at any integer sample rate: of all its patches, or of at most
   * `maxPatches` evenly spread ones (only their audio is transformed).
   */
  compute(signal: Float32Array, sampleRate: number, options: { maxPatches?: number } = {}): BackboneFeatures {
    if (options.maxPatches === undefined) return this.predict(this.input(signal, sampleRate));
    const indices = spreadPatches(musicnnPatchCount(signal.length, sampleRate), options.maxPatches);
    return this.predictPatches({ data: musicnnPatchInput(signal, sampleRate, indices), count: indices.length });
  }
}

function meanRows(values: Float32Array, rows: number, columns: number): Float32Array {
  const mean = new Float32Array(columns);
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) mean[c] += values[r * columns + c];
  for (let c = 0; c < columns; c++) mean[c] /= rows;
  return mean;
}

/** Loads the backbone in `folder` (checked against its catalogue entry first). */
export async function loadBackbone(folder: string, id?: string): Promise<Backbone> {
  return new Backbone(await loadModelFolder(folder, id));
}

let active: Promise<Backbone | null> | null = null;

/**
 * The active pretrained backbone (the first verified one: TIMBRE_PRETRAINED_DIR, then the user's data
 * folder), loaded once per process; null when none is installed.
 */
export function activeBackbone(env: NodeJS.ProcessEnv = process.env): Promise<Backbone | null> {
  active ??= (async () => {
    const model = (await listInstalledModels(env)).find((candidate) => candidate.active);
    return model ? loadBackbone(model.folder, model.id) : null;
  })();
  return active;
}

/** Forgets the loaded backbone, so the next activeBackbone() looks again (after models add/remove). */
export function forgetActiveBackbone(): void {
  active = null;
}

/** BackboneFeatures of a mono signal from the active backbone; throws when none is installed. */
export async function computeBackboneFeatures(signal: Float32Array, sampleRate: number): Promise<BackboneFeatures> {
  const backbone = await activeBackbone();
  if (!backbone) throw new Error('no pretrained backbone is installed (see `timbre models`)');
  return backbone.compute(signal, sampleRate);
}
