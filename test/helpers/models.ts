/**
 * A copy of the repository's models/ whose default model demands a given probability before it names a
 * genre (its definition's unsureThreshold): set it near 1 and every track comes out unsure, without
 * touching the shipped files. Point TIMBRE_MODELS_DIR at the folder it returns.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS = fileURLToPath(new URL('../../../models', import.meta.url));

export function modelsWithThreshold(into: string, unsureThreshold: number): string {
  const folder = join(into, 'models');
  cpSync(MODELS, folder, { recursive: true });
  const registry = JSON.parse(readFileSync(join(folder, 'registry.json'), 'utf8')) as { models: Array<{ path: string; default?: boolean }> };
  const entry = registry.models.find((model) => model.default) ?? registry.models[0];
  const definitionFile = join(folder, entry.path, 'model.json');
  const definition = JSON.parse(readFileSync(definitionFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(definitionFile, JSON.stringify({ ...definition, unsureThreshold }));
  return folder;
}

/**
 * A copy of models/ whose default is another registered model (e.g. the four-genre CNN-LSTM, which names
 * synthesized test tones where the family model, rightly, calls them unlike anything it was trained on).
 */
export function modelsWithDefault(into: string, modelId: string): string {
  const folder = join(into, 'models');
  cpSync(MODELS, folder, { recursive: true });
  const registryFile = join(folder, 'registry.json');
  const registry = JSON.parse(readFileSync(registryFile, 'utf8')) as { models: Array<{ id: string; default?: boolean }> };
  if (!registry.models.some((model) => model.id === modelId)) throw new Error(`no model ${modelId} in models/registry.json`);
  for (const model of registry.models) model.default = model.id === modelId;
  writeFileSync(registryFile, JSON.stringify(registry, null, 2));
  return folder;
}
