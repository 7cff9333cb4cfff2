import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PRETRAINED_CATALOGUE } from './catalogue.js';
import { checkModelFolder, listInstalledModels, userPretrainedDirectory } from './loader.js';
import type { CatalogueEntry, InstalledModel } from './types.js';

export interface InstallOptions {
  /** Expected sha256 (hex) of the file named by the source (model.json): checked before anything else. */
  sha256?: string;
  env?: NodeJS.ProcessEnv;
  /** Told each file as it is fetched or copied. */
  onProgress?: (message: string) => void;
}

/** Where a model's files come from: a folder (or its model.json) on disk, or an http(s) URL of model.json. */
interface Source {
  describe: string;
  read(name: string): Promise<Buffer>;
  modelJsonName: string;
}

function urlSource(location: string): Source {
  const url = new URL(location);
  return {
    describe: url.href,
    modelJsonName: path.posix.basename(url.pathname),
    async read(name) {
      const fileUrl = new URL(name, url);
      let response: Response;
      try {
        response = await fetch(fileUrl);
      } catch (error) {
        const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        throw new Error(`could not download ${fileUrl.href}: ${cause}`);
      }
      if (!response.ok) throw new Error(`could not download ${fileUrl.href}: HTTP ${response.status} ${response.statusText}`);
      return Buffer.from(await response.arrayBuffer());
    },
  };
}

async function resolveLocalSource(location: string): Promise<Source> {
  const absolute = path.resolve(location);
  const info = await stat(absolute).catch(() => null);
  if (!info) throw new Error(`${absolute}: no such file or folder`);
  const folder = info.isDirectory() ? absolute : path.dirname(absolute);
  const modelJsonName = info.isDirectory() ? 'model.json' : path.basename(absolute);
  return { describe: absolute, modelJsonName, read: (name) => readFile(path.join(folder, name)) };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Installs a pretrained model into <user data dir>/pretrained/<id>: reads its model.json (from a folder,
 * a model.json path, or an http(s) URL), recognises it in the catalogue by its checksum, fetches the
 * weight files its manifest names (beside it), and checks every file's sha256 and the graph's input spec.
 * Files are staged in a temporary folder and moved into place only once all checks pass: a refused or
 * failed install leaves nothing behind.
 */
export async function installModel(location: string, options: InstallOptions = {}): Promise<InstalledModel> {
  const env = options.env ?? process.env;
  const progress = options.onProgress ?? (() => {});
  const source = /^https?:\/\//i.test(location) ? urlSource(location) : await resolveLocalSource(location);
  const modelJson = await source.read(source.modelJsonName);
  progress(`read ${source.modelJsonName} (${modelJson.length} bytes) from ${source.describe}`);
  const actual = sha256(modelJson);
  if (options.sha256 && actual !== options.sha256.toLowerCase()) {
    throw new Error(`checksum mismatch: ${source.modelJsonName} has sha256 ${actual}, expected ${options.sha256.toLowerCase()}; nothing installed`);
  }
  const entry = PRETRAINED_CATALOGUE.find((candidate) => candidate.files[candidate.modelJson] === actual);
  if (!entry) {
    throw new Error(`${source.modelJsonName} (sha256 ${actual.slice(0, 12)}…) is not a model Timbre knows how to run; known: ${PRETRAINED_CATALOGUE.map((known) => known.id).join(', ')}`);
  }
  const root = userPretrainedDirectory(env);
  const target = path.join(root, entry.id);
  if (await stat(target).catch(() => null)) throw new Error(`${entry.id} is already installed in ${target}; remove it first (timbre models remove ${entry.id})`);
  await mkdir(root, { recursive: true });
  const staging = path.join(root, `.installing-${entry.id}-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  try {
    await writeFile(path.join(staging, entry.modelJson), modelJson);
    for (const name of weightFiles(entry, modelJson)) {
      const bytes = await source.read(name);
      const digest = sha256(bytes);
      if (digest !== entry.files[name]) throw new Error(`checksum mismatch: ${name} has sha256 ${digest}, expected ${entry.files[name]}; nothing installed`);
      await writeFile(path.join(staging, name), bytes);
      progress(`fetched ${name} (${bytes.length} bytes, sha256 ok)`);
    }
    const problems = await checkModelFolder(staging, entry);
    if (problems.length > 0) throw new Error(`${entry.id} refused: ${problems.join('; ')}; nothing installed`);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const installed = (await listInstalledModels(env)).find((model) => model.folder === target);
  if (!installed) throw new Error(`${entry.id} was installed in ${target} but is not listed`);
  return installed;
}

/** The files besides model.json that the entry needs, as the manifest names them (each must be catalogued). */
function weightFiles(entry: CatalogueEntry, modelJson: Buffer): string[] {
  const manifest = (JSON.parse(modelJson.toString('utf8')) as { weightsManifest?: Array<{ paths: string[] }> }).weightsManifest ?? [];
  const names = manifest.flatMap((group) => group.paths);
  for (const name of names) {
    if (!(name in entry.files) || name.includes('/') || name.includes('\\')) throw new Error(`${entry.id}: unexpected weight file '${name}'`);
  }
  return names;
}

/**
 * Removes an installed model from the user's data folder. Models found through TIMBRE_PRETRAINED_DIR
 * are not Timbre's to delete and are refused.
 */
export async function removeModel(id: string, env: NodeJS.ProcessEnv = process.env): Promise<InstalledModel> {
  const models = await listInstalledModels(env);
  const installed = models.find((model) => model.id === id && model.origin === 'user');
  if (!installed) {
    const elsewhere = models.find((model) => model.id === id);
    if (elsewhere) throw new Error(`${id} is in ${elsewhere.folder} (TIMBRE_PRETRAINED_DIR), not in Timbre's data folder; it is not removed`);
    throw new Error(`no installed model '${id}' (installed: ${models.map((model) => model.id).join(', ') || 'none'})`);
  }
  await rm(installed.folder, { recursive: true, force: true });
  return installed;
}
