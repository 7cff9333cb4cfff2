import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { defaultDataDir } from '../../paths.js';
import { initBackend } from '../backend.js';
import { catalogueEntry } from './catalogue.js';
import type { CatalogueEntry, InstalledModel } from './types.js';

/** A folder refused because its files or graph are not what the catalogue says. */
export class PretrainedModelMismatchError extends Error {
  constructor(
    readonly folder: string,
    readonly problems: string[],
  ) {
    super(`pretrained model in ${folder} refused: ${problems.join('; ')}`);
    this.name = 'PretrainedModelMismatchError';
  }
}

export interface SearchDirectory {
  directory: string;
  origin: InstalledModel['origin'];
}

/** Where pretrained models are looked for, in order: TIMBRE_PRETRAINED_DIR, then <user data dir>/pretrained. */
export function pretrainedSearchDirectories(env: NodeJS.ProcessEnv = process.env): SearchDirectory[] {
  const directories: SearchDirectory[] = [];
  if (env.TIMBRE_PRETRAINED_DIR) directories.push({ directory: path.resolve(env.TIMBRE_PRETRAINED_DIR), origin: 'env' });
  directories.push({ directory: userPretrainedDirectory(env), origin: 'user' });
  return directories;
}

/** <user data dir>/pretrained: where `timbre models add` installs. */
export function userPretrainedDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultDataDir(env), 'pretrained');
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

interface GraphNode {
  name: string;
  op: string;
  attr?: { shape?: { shape?: { dim?: { size: string }[]; unknownRank?: boolean } } };
}

/**
 * Everything about `folder` that differs from `entry`: missing files, checksums, and the graph's input
 * shape and output nodes (read from model.json, so a hand-edited copy says what is wrong). Empty: it matches.
 */
export async function checkModelFolder(folder: string, entry: CatalogueEntry): Promise<string[]> {
  const problems: string[] = [];
  for (const [name, expected] of Object.entries(entry.files)) {
    const file = path.join(folder, name);
    let actual: string;
    try {
      actual = await sha256File(file);
    } catch {
      problems.push(`${name} is missing`);
      continue;
    }
    if (actual !== expected) problems.push(`${name} has sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…`);
  }
  let nodes: GraphNode[];
  try {
    const json = JSON.parse(await readFile(path.join(folder, entry.modelJson), 'utf8')) as { modelTopology?: { node?: GraphNode[] } };
    nodes = json.modelTopology?.node ?? [];
  } catch (error) {
    if (!problems.some((problem) => problem.startsWith(entry.modelJson))) {
      problems.push(`${entry.modelJson} is not a readable graph model: ${error instanceof Error ? error.message : String(error)}`);
    }
    return problems;
  }
  const input = nodes.find((node) => node.name === entry.input.name);
  if (!input || input.op !== 'Placeholder') {
    problems.push(`input ${entry.input.name} not found`);
  } else {
    const dims = input.attr?.shape?.shape?.dim?.map((dim) => Number(dim.size)) ?? [];
    if (dims.join(',') !== entry.input.shape.join(',')) {
      problems.push(`input ${entry.input.name} has shape [${dims.map(showDim).join(',')}], expected [${entry.input.shape.map(showDim).join(',')}]`);
    }
  }
  for (const output of [entry.outputs.tags, entry.outputs.embedding]) {
    if (!nodes.some((node) => node.name === output)) problems.push(`output ${output} not found`);
  }
  return problems;
}

function showDim(size: number): string {
  return size < 0 ? '?' : String(size);
}

/**
 * Every model folder under the search directories, each checked against its catalogue entry (a folder is
 * named by its model id). The first one that passes, TIMBRE_PRETRAINED_DIR first, is the active one.
 */
export async function listInstalledModels(env: NodeJS.ProcessEnv = process.env): Promise<InstalledModel[]> {
  const models: InstalledModel[] = [];
  for (const { directory, origin } of pretrainedSearchDirectories(env)) {
    let names: string[];
    try {
      names = (await readdir(directory)).sort();
    } catch {
      continue;
    }
    // Dot-folders are installs in progress (core/ml/pretrained/install.ts), not models.
    for (const id of names.filter((name) => !name.startsWith('.'))) {
      const folder = path.join(directory, id);
      if (!(await stat(folder).catch(() => null))?.isDirectory()) continue;
      const entry = catalogueEntry(id);
      const problems = entry ? await checkModelFolder(folder, entry) : [`'${id}' is not a model Timbre knows how to run`];
      models.push({ id, folder, origin, active: false, problems, licence: entry?.licence ?? null });
    }
  }
  const active = models.find((model) => model.problems.length === 0);
  if (active) active.active = true;
  return models;
}

/** A graph model read from disk, the IO handler reading the files the weights manifest names. */
export function fileGraphHandler(folder: string, modelJson: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(await readFile(path.join(folder, modelJson), 'utf8')) as tf.io.ModelJSON;
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest) {
        for (const shard of group.paths) buffers.push(await readFile(path.join(folder, shard)));
        weightSpecs.push(...group.weights);
      }
      const weights = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      };
    },
  };
}

export interface LoadedGraph {
  entry: CatalogueEntry;
  folder: string;
  model: tf.GraphModel;
}

/** Checks `folder` against the catalogue entry `id` and loads its graph; a mismatch throws PretrainedModelMismatchError. */
export async function loadModelFolder(folder: string, id = path.basename(folder)): Promise<LoadedGraph> {
  const entry = catalogueEntry(id);
  if (!entry) throw new PretrainedModelMismatchError(folder, [`'${id}' is not a model Timbre knows how to run`]);
  const problems = await checkModelFolder(folder, entry);
  if (problems.length > 0) throw new PretrainedModelMismatchError(folder, problems);
  await initBackend();
  const model = await tf.loadGraphModel(fileGraphHandler(folder, entry.modelJson));
  return { entry, folder, model };
}
