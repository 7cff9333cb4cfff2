import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { CnnLstmModel, weightSpecs, type CnnLstmConfig } from './model.js';
import { readStatisticsHead, type StatisticsHead, type StoredStatisticsHead } from './fusion.js';
import { readBackboneHead, readFamilyHead, type BackboneHead, type FamilyHead } from './heads.js';
import { ANALYSIS_INPUT_SPEC, inputSpecMismatches, type InputSpec } from './input-spec.js';

/** One entry of models/registry.json. */
export interface RegistryEntry {
  id: string;
  version: string;
  labels: string[];
  inputSpec: InputSpec;
  /** Folder holding model.json and weights.bin, relative to the registry file. */
  path: string;
  default?: boolean;
}

export interface Registry {
  models: RegistryEntry[];
}

/** models/<id>/model.json: the definition (architecture) and how the weights were made. */
export interface ModelDefinition {
  id: string;
  version: string;
  architecture: 'cnn-lstm';
  config: CnnLstmConfig;
  inputSpec: InputSpec;
  /** Networks of the same config trained apart (different seeds and validation artists), averaged. */
  members: number;
  /** All members' weights, one member after another, each in `weights` order. */
  weightsFile: string;
  weights: Array<{ name: string; shape: number[] }>;
  /** The MIR-statistics model fused with the networks' output when a track's statistics are given. */
  statisticsHead?: StatisticsHead;
  /**
   * The genre-family head: the track's probabilities over its own labels (the tree's families) from
   * the track's MIR statistics. With it, the network gives the timeline and the embedding, in its own
   * labels, and `statisticsHead` is absent.
   */
  familyHead?: FamilyHead;
  /**
   * Temperature scaling of the track probabilities (p ∝ p^temperature), fitted on out-of-fold
   * predictions of the same recipe on held-out artists; absent: 1.
   */
  temperature?: number;
  /** A track's genre is named only when its top calibrated probability reaches this (core/ml/unsure.ts). */
  unsureThreshold?: number;
  /** A head on a pretrained backbone's features, fused with the rest when the backbone is installed. */
  backboneHead?: BackboneHead;
  training?: Record<string, unknown>;
}

/** The repository's models/ folder; $TIMBRE_MODELS_DIR overrides it. */
export function defaultModelsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TIMBRE_MODELS_DIR) return env.TIMBRE_MODELS_DIR;
  // This file is core/ml/registry.ts, compiled to dist/core/ml/registry.js.
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.basename(path.resolve(here, '../..')) === 'dist' ? path.resolve(here, '../../..') : path.resolve(here, '../..');
  return path.join(root, 'models');
}

export async function readRegistry(modelsDirectory = defaultModelsDirectory()): Promise<Registry> {
  const file = path.join(modelsDirectory, 'registry.json');
  const registry = JSON.parse(await readFile(file, 'utf8')) as Registry;
  if (!Array.isArray(registry.models)) throw new Error(`${file}: expected { "models": [...] }`);
  return registry;
}

/** The entry for `modelId`, or the default one. */
export function findEntry(registry: Registry, modelId?: string): RegistryEntry {
  const entry = modelId ? registry.models.find((model) => model.id === modelId) : (registry.models.find((model) => model.default) ?? registry.models[0]);
  if (!entry) {
    const known = registry.models.map((model) => model.id).join(', ') || 'none';
    throw new Error(modelId ? `no model '${modelId}' in the registry (known: ${known})` : 'the model registry is empty');
  }
  return entry;
}

export class InputSpecMismatchError extends Error {
  constructor(
    readonly modelId: string,
    readonly mismatches: string[],
  ) {
    super(`model ${modelId} does not fit this analysis: ${mismatches.join('; ')}`);
    this.name = 'InputSpecMismatchError';
  }
}

export interface LoadedModel {
  entry: RegistryEntry;
  definition: ModelDefinition;
  members: CnnLstmModel[];
}

/**
 * Loads a registered model after checking its input spec against the analysis parameters
 * (`analysisSpec`, normally ANALYSIS_INPUT_SPEC): a model trained on other spectrograms is refused.
 */
export async function loadRegisteredModel(
  modelId?: string,
  modelsDirectory = defaultModelsDirectory(),
  analysisSpec: InputSpec = ANALYSIS_INPUT_SPEC,
): Promise<LoadedModel> {
  const entry = findEntry(await readRegistry(modelsDirectory), modelId);
  const mismatches = inputSpecMismatches(entry.inputSpec, analysisSpec);
  if (mismatches.length) throw new InputSpecMismatchError(entry.id, mismatches);
  const folder = path.resolve(modelsDirectory, entry.path);
  const { definition, members } = await readModelFolder(folder);
  const definitionMismatches = inputSpecMismatches(definition.inputSpec, analysisSpec);
  const labelsDiffer = outputLabels(definition).join() !== entry.labels.join();
  if (definitionMismatches.length || labelsDiffer) {
    for (const member of members) member.dispose();
    if (definitionMismatches.length) throw new InputSpecMismatchError(entry.id, definitionMismatches);
    throw new Error(`model ${entry.id}: registry labels ${entry.labels.join(',')} differ from the definition's ${outputLabels(definition).join(',')}`);
  }
  return { entry, definition, members };
}

/** The labels of a model's track probabilities: its family head's, else its network's. */
export function outputLabels(definition: Pick<ModelDefinition, 'config' | 'familyHead'>): string[] {
  return definition.familyHead?.labels ?? definition.config.labels;
}

/** Reads model.json + weights.bin from a model folder. */
export async function readModelFolder(folder: string): Promise<{ definition: ModelDefinition; members: CnnLstmModel[] }> {
  const definition = JSON.parse(await readFile(path.join(folder, 'model.json'), 'utf8')) as ModelDefinition;
  if (definition.architecture !== 'cnn-lstm') throw new Error(`${folder}: unknown architecture ${definition.architecture}`);
  if (definition.statisticsHead) definition.statisticsHead = readStatisticsHead(definition.statisticsHead as StoredStatisticsHead, definition.config.labels.length);
  if (definition.familyHead) definition.familyHead = readFamilyHead(definition.familyHead);
  if (definition.backboneHead) definition.backboneHead = readBackboneHead(definition.backboneHead, outputLabels(definition).length);
  for (const [name, value, valid] of [
    ['temperature', definition.temperature, (v: number) => v > 0],
    ['unsureThreshold', definition.unsureThreshold, (v: number) => v >= 0 && v <= 1],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && valid(value))) throw new Error(`${folder}: ${name} ${String(value)} is out of range`);
  }
  const bytes = await readFile(path.join(folder, definition.weightsFile));
  const specs = weightSpecs(definition.config);
  const memberCount = definition.members ?? 1;
  const members: CnnLstmModel[] = [];
  let offset = 0;
  for (let member = 0; member < memberCount; member++) {
    const arrays: Float32Array[] = [];
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      if (offset + size * 4 > bytes.length) throw new Error(`${folder}: weights file too short for member ${member} ${spec.name}`);
      const array = new Float32Array(size);
      new Uint8Array(array.buffer).set(bytes.subarray(offset, offset + size * 4));
      arrays.push(array);
      offset += size * 4;
    }
    members.push(CnnLstmModel.fromArrays(definition.config, arrays));
  }
  if (offset !== bytes.length) {
    for (const member of members) member.dispose();
    throw new Error(`${folder}: weights file has ${bytes.length - offset} unexpected trailing bytes`);
  }
  return { definition, members };
}

/** Writes model.json + weights.bin (float32, little-endian, member after member) into `folder`. */
export async function writeModelFolder(
  folder: string,
  members: readonly CnnLstmModel[],
  meta: {
    id: string;
    version: string;
    inputSpec?: InputSpec;
    statisticsHead?: StatisticsHead;
    familyHead?: FamilyHead;
    temperature?: number;
    unsureThreshold?: number;
    backboneHead?: BackboneHead;
    training?: Record<string, unknown>;
  },
): Promise<ModelDefinition> {
  if (members.length === 0) throw new Error('nothing to write: no model');
  const config = members[0].config;
  if (members.some((member) => JSON.stringify(member.config) !== JSON.stringify(config))) throw new Error('ensemble members must share one config');
  await mkdir(folder, { recursive: true });
  const definition: ModelDefinition = {
    id: meta.id,
    version: meta.version,
    architecture: 'cnn-lstm',
    config,
    inputSpec: meta.inputSpec ?? ANALYSIS_INPUT_SPEC,
    members: members.length,
    weightsFile: 'weights.bin',
    weights: weightSpecs(config),
    statisticsHead: meta.statisticsHead,
    familyHead: meta.familyHead,
    temperature: meta.temperature,
    unsureThreshold: meta.unsureThreshold,
    backboneHead: meta.backboneHead,
    training: meta.training,
  };
  const arrays = members.flatMap((member) => member.toArrays());
  await writeFile(path.join(folder, 'weights.bin'), Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  await writeFile(path.join(folder, 'model.json'), JSON.stringify(definition, null, 2) + '\n');
  return definition;
}

/** Adds or replaces `entry` in the registry file (creating it), keeping one default. */
export async function registerModel(entry: RegistryEntry, modelsDirectory = defaultModelsDirectory()): Promise<void> {
  let registry: Registry = { models: [] };
  try {
    registry = await readRegistry(modelsDirectory);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  const models = registry.models.filter((model) => model.id !== entry.id);
  if (entry.default) for (const model of models) delete model.default;
  models.push(entry);
  await mkdir(modelsDirectory, { recursive: true });
  await writeFile(path.join(modelsDirectory, 'registry.json'), JSON.stringify({ models }, null, 2) + '\n');
}
