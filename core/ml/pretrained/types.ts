/**
 * A pretrained backbone's outputs for one excerpt: its tag probabilities and its embedding, each the
 * mean over the excerpt's 3-s patches, plus the per-patch values they average.
 */
export interface BackboneFeatures {
  /** The catalogue id of the model that computed them (for msd-musicnn-1: 'msd-musicnn-1'). */
  modelId: string;
  /** Tag probabilities in [0, 1], in the model's tag order (catalogue `tags`), mean over patches. */
  tags: Float32Array;
  /** The embedding, mean over patches. */
  embedding: Float32Array;
  /** Number of patches averaged. */
  patchCount: number;
  /** Per patch, patch-major: patchCount × tags.length. */
  patchTags: Float32Array;
  /** Per patch, patch-major: patchCount × embedding.length. */
  patchEmbeddings: Float32Array;
}

/** How a backbone's input spectrogram is made, parameter by parameter. */
export interface BackboneInputSpec {
  sampleRate: number;
  frameSize: number;
  hopSize: number;
  window: 'hann-symmetric';
  melBands: number;
  melScale: 'slaney';
  melNorm: 'slaney';
  fMin: number;
  fMax: number;
  compression: 'log10(1+10000x)';
  /** Frames per patch: the model's time axis. */
  patchFrames: number;
}

/** What Timbre knows about a pretrained model it can run, checked against the files before loading. */
export interface CatalogueEntry {
  id: string;
  title: string;
  /** Licence of the files this entry describes. */
  licence: string;
  /** Where the files come from, in words. */
  source: string;
  /** File name → sha256 (hex) of every file the model needs. */
  files: Record<string, string>;
  /** The graph model's topology file (its weights are the other files). */
  modelJson: string;
  input: { name: string; shape: [number, number, number] };
  /** Extra inputs fed a constant (is_training = false). */
  constantInputs: { name: string; dtype: 'bool'; value: boolean[] }[];
  outputs: { tags: string; embedding: string };
  embeddingSize: number;
  tags: readonly string[];
  inputSpec: BackboneInputSpec;
}

/** A model found on disk, verified or not. */
export interface InstalledModel {
  id: string;
  folder: string;
  /** Where it was found: TIMBRE_PRETRAINED_DIR or the user's data folder. */
  origin: 'env' | 'user';
  /** The one in use (the first verified model found, TIMBRE_PRETRAINED_DIR first). */
  active: boolean;
  /** Empty when the files match the catalogue entry; otherwise what does not. */
  problems: string[];
  licence: string | null;
}
