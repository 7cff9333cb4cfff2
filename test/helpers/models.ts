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
