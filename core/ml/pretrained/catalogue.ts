import { MUSICNN_INPUT_SPEC } from './musicnn-input.js';
import type { CatalogueEntry } from './types.js';

/** MusiCNN's 50 Last.fm tags (MSD top 50), in the order of its output. */
export const MSD_MUSICNN_TAGS = [
  'rock', 'pop', 'alternative', 'indie', 'electronic', 'female vocalists', 'dance', '00s', 'alternative rock', 'jazz',
  'beautiful', 'metal', 'chillout', 'male vocalists', 'classic rock', 'soul', 'indie rock', 'Mellow', 'electronica', '80s',
  'folk', '90s', 'chill', 'instrumental', 'punk', 'oldies', 'blues', 'hard rock', 'ambient', 'acoustic',
  'experimental', 'female vocalist', 'guitar', 'Hip-Hop', '70s', 'party', 'country', 'easy listening', 'sexy', 'catchy',
  'funk', 'electro', 'heavy metal', 'Progressive rock', '60s', 'rnb', 'indie pop', 'sad', 'House', 'happy',
] as const;

/**
 * The pretrained models Timbre knows how to run. A folder is used only when its files hash to these
 * values and its graph has this input and these outputs, so a renamed or edited model is refused
 * rather than fed the wrong spectrogram.
 */
export const PRETRAINED_CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'msd-musicnn-1',
    title: 'MusiCNN (Million Song Dataset, 50 Last.fm tags), TF.js graph by MTG essentia.js',
    licence:
      'CC BY-NC-ND 4.0 (Essentia models; non-commercial). The same weights are published under ISC as MSD_musicnn.h5 (Quint-e/musicnn_keras).',
    source: 'github.com/MTG/essentia.js @ 819c00e8, test/data/models/msd-musicnn-1/',
    files: {
      'model.json': '2df238355538b680e70f06e30fb04df52f133da6ea1915530ec8c590da073762',
      'group1-shard1of1.bin': '7ebfb970c7389b6276ffc34f0d7fc80ba2765e5310829f3618ad5b977326667d',
    },
    modelJson: 'model.json',
    input: { name: 'model/Placeholder', shape: [-1, MUSICNN_INPUT_SPEC.patchFrames, MUSICNN_INPUT_SPEC.melBands] },
    constantInputs: [{ name: 'model/Placeholder_1', dtype: 'bool', value: [false] }],
    outputs: { tags: 'model/Sigmoid', embedding: 'model/dense/Relu' },
    embeddingSize: 200,
    tags: MSD_MUSICNN_TAGS,
    inputSpec: MUSICNN_INPUT_SPEC,
  },
];

export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return PRETRAINED_CATALOGUE.find((entry) => entry.id === id);
}
