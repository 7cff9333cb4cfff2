import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBackbone } from '../../core/ml/pretrained/backbone.js';
import { MSD_MUSICNN_TAGS, catalogueEntry } from '../../core/ml/pretrained/catalogue.js';
import {
  PretrainedModelMismatchError,
  checkModelFolder,
  listInstalledModels,
  loadModelFolder,
} from '../../core/ml/pretrained/loader.js';
import { makeTempDir } from '../helpers/temp.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pretrainedDir = process.env.TIMBRE_PRETRAINED_DIR ?? resolve(repoRoot, '..', 'shared', 'pretrained');
const musicnnDir = join(pretrainedDir, 'msd-musicnn-1');
const skip = existsSync(join(musicnnDir, 'model.json')) ? false : `no pretrained model at ${musicnnDir}`;

/** A model folder named msd-musicnn-1 in a temp dir, holding copies of the real files changed by `edit`. */
function copiedModel(edit: (folder: string) => void): { root: string; folder: string; cleanup(): void } {
  const temp = makeTempDir('timbre-pretrained-');
  const folder = join(temp.dir, 'msd-musicnn-1');
  mkdirSync(folder);
  for (const name of ['model.json', 'group1-shard1of1.bin']) copyFileSync(join(musicnnDir, name), join(folder, name));
  edit(folder);
  return { root: temp.dir, folder, cleanup: temp.cleanup };
}

test('the catalogue entry for msd-musicnn-1 names its files, input [?,187,96], outputs and 50 tags', () => {
  const entry = catalogueEntry('msd-musicnn-1');
  assert.ok(entry);
  assert.deepEqual(entry.input, { name: 'model/Placeholder', shape: [-1, 187, 96] });
  assert.deepEqual(entry.outputs, { tags: 'model/Sigmoid', embedding: 'model/dense/Relu' });
  assert.equal(entry.tags.length, 50);
  assert.equal(MSD_MUSICNN_TAGS[0], 'rock');
  assert.equal(MSD_MUSICNN_TAGS[49], 'happy');
  assert.equal(entry.embeddingSize, 200);
  assert.match(entry.licence, /non-commercial/);
});

test('the shared msd-musicnn-1 passes the checks and is found active through TIMBRE_PRETRAINED_DIR', { skip }, async () => {
  assert.deepEqual(await checkModelFolder(musicnnDir, catalogueEntry('msd-musicnn-1')!), []);
  const home = makeTempDir();
  try {
    const models = await listInstalledModels({ TIMBRE_PRETRAINED_DIR: pretrainedDir, HOME: home.dir });
    const musicnn = models.find((model) => model.id === 'msd-musicnn-1');
    assert.ok(musicnn);
    assert.equal(musicnn.active, true);
    assert.equal(musicnn.origin, 'env');
    assert.deepEqual(musicnn.problems, []);
  } finally {
    home.cleanup();
  }
});

test('a copied model.json with another input shape is refused, saying what differs', { skip }, async () => {
  const copy = copiedModel((folder) => {
    const file = join(folder, 'model.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{"size": "187"}', '{"size": "128"}'));
  });
  try {
    await assert.rejects(loadModelFolder(copy.folder), (error: unknown) => {
      assert.ok(error instanceof PretrainedModelMismatchError);
      assert.ok(error.problems.some((problem) => problem.includes('input model/Placeholder has shape [?,128,96], expected [?,187,96]')), error.message);
      assert.ok(error.problems.some((problem) => problem.startsWith('model.json has sha256')), error.message);
      return true;
    });
    // Listed, but not active.
    const models = await listInstalledModels({ TIMBRE_PRETRAINED_DIR: copy.root, HOME: copy.root });
    assert.equal(models.length, 1);
    assert.equal(models[0].active, false);
  } finally {
    copy.cleanup();
  }
});

test('weights with a wrong checksum are refused; a missing file is named', { skip }, async () => {
  const flipped = copiedModel((folder) => {
    const file = join(folder, 'group1-shard1of1.bin');
    const bytes = readFileSync(file);
    bytes[1000] ^= 0xff;
    writeFileSync(file, bytes);
  });
  try {
    await assert.rejects(loadModelFolder(flipped.folder), /group1-shard1of1\.bin has sha256 .* expected 7ebfb970c738/);
  } finally {
    flipped.cleanup();
  }
  const missing = copiedModel(() => {});
  try {
    const { rmSync } = await import('node:fs');
    rmSync(join(missing.folder, 'group1-shard1of1.bin'));
    assert.deepEqual(await checkModelFolder(missing.folder, catalogueEntry('msd-musicnn-1')!), ['group1-shard1of1.bin is missing']);
  } finally {
    missing.cleanup();
  }
});

test('an unknown model id is listed with its problem, never active', async () => {
  const temp = makeTempDir();
  try {
    mkdirSync(join(temp.dir, 'pretrained-a', 'mystery-model'), { recursive: true });
    const models = await listInstalledModels({ TIMBRE_PRETRAINED_DIR: join(temp.dir, 'pretrained-a'), HOME: temp.dir, XDG_DATA_HOME: join(temp.dir, 'data') });
    assert.equal(models.length, 1);
    assert.equal(models[0].active, false);
    assert.match(models[0].problems[0], /not a model Timbre knows/);
  } finally {
    temp.cleanup();
  }
});

test('models in the user data folder are found after TIMBRE_PRETRAINED_DIR', { skip }, async () => {
  const copy = copiedModel(() => {});
  const data = makeTempDir();
  try {
    mkdirSync(join(data.dir, 'timbre', 'pretrained'), { recursive: true });
    const { renameSync } = await import('node:fs');
    renameSync(copy.folder, join(data.dir, 'timbre', 'pretrained', 'msd-musicnn-1'));
    const models = await listInstalledModels({ HOME: data.dir, XDG_DATA_HOME: data.dir });
    assert.equal(models.length, 1);
    assert.equal(models[0].origin, 'user');
    assert.equal(models[0].active, true);
  } finally {
    copy.cleanup();
    data.cleanup();
  }
});

test('smoke inference: a synthesized 7-s signal gives 2 patches, 50 probabilities in [0, 1] and a 200-d embedding', { skip }, async () => {
  const backbone = await loadBackbone(musicnnDir);
  const sr = 22050;
  const y = Float32Array.from({ length: sr * 7 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / sr) * (1 + Math.sin((2 * Math.PI * 2 * i) / sr)));
  const features = backbone.compute(y, sr);
  assert.equal(features.modelId, 'msd-musicnn-1');
  assert.equal(features.patchCount, 2);
  assert.equal(features.tags.length, 50);
  assert.equal(features.embedding.length, 200);
  assert.equal(features.patchTags.length, 100);
  assert.equal(features.patchEmbeddings.length, 400);
  for (const p of features.tags) assert.ok(p >= 0 && p <= 1, `tag probability ${p}`);
  for (const v of features.embedding) assert.ok(Number.isFinite(v) && v >= 0, `embedding value ${v}`);
  assert.ok(features.embedding.some((v) => v > 0));
  for (let i = 0; i < 50; i++) {
    assert.ok(Math.abs(features.tags[i] - (features.patchTags[i] + features.patchTags[50 + i]) / 2) < 1e-6);
  }
  // Inference is deterministic.
  assert.deepEqual(backbone.compute(y, sr).tags, features.tags);
});
