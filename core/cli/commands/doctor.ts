import { resolveFfmpeg } from '../../audio/ffmpeg.js';
import { initBackend, type BackendReport } from '../../ml/backend.js';
import { ANALYSIS_INPUT_SPEC, inputSpecMismatches } from '../../ml/input-spec.js';
import { listInstalledModels } from '../../ml/pretrained/loader.js';
import { defaultModelsDirectory, findEntry, readRegistry } from '../../ml/registry.js';
import { defineCommand } from '../command.js';

export const summary = 'check the environment: TensorFlow.js backend (and why), ffmpeg, the default genre model, the active pretrained backbone';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const USAGE = 'usage: timbre doctor [--json]\n\nSet TIMBRE_TF_BACKEND (tfjs-node-gpu, tfjs-node, wasm, cpu) to start the backend ladder lower.';

export const run = defineCommand({ name: 'doctor', usage: USAGE, options: { json: { type: 'boolean' } } }, async ({ values }) => {
  const checks: Check[] = [];
  let backend: BackendReport | null = null;
  try {
    backend = await initBackend();
    checks.push({ name: 'tensorflow.js backend', ok: true, detail: `${backend.active} (${backend.provider})` });
  } catch (error) {
    checks.push({ name: 'tensorflow.js backend', ok: false, detail: message(error) });
  }
  try {
    const ffmpeg = resolveFfmpeg();
    checks.push({ name: 'ffmpeg', ok: true, detail: `${ffmpeg.path} (from ${ffmpeg.source})` });
  } catch (error) {
    checks.push({ name: 'ffmpeg', ok: false, detail: message(error) });
  }
  try {
    const directory = defaultModelsDirectory();
    const entry = findEntry(await readRegistry(directory));
    const mismatches = inputSpecMismatches(entry.inputSpec, ANALYSIS_INPUT_SPEC);
    checks.push({
      name: 'genre model',
      ok: mismatches.length === 0,
      detail: mismatches.length
        ? `${entry.id} ${entry.version} does not fit the analysis: ${mismatches.join('; ')}`
        : `${entry.id} ${entry.version} (${entry.labels.join(', ')}) in ${directory}`,
    });
  } catch (error) {
    checks.push({ name: 'genre model', ok: false, detail: message(error) });
  }
  // A missing backbone is fine (the scan runs without one); one that is installed but refused is not.
  const pretrained = await listInstalledModels();
  const active = pretrained.find((model) => model.active);
  checks.push({
    name: 'pretrained backbone',
    ok: true,
    detail: active ? `${active.id} active, in ${active.folder}` : 'none installed (timbre models add PATH|URL)',
  });
  for (const model of pretrained.filter((candidate) => candidate.problems.length > 0)) {
    checks.push({ name: 'pretrained backbone', ok: false, detail: `${model.folder} refused: ${model.problems.join('; ')}` });
  }

  if (values.json) {
    console.log(JSON.stringify({ checks, backendLadder: backend?.attempts ?? [] }, null, 2));
  } else {
    for (const check of checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name.padEnd(22)} ${check.detail}`);
    if (backend) {
      console.log('\nbackend ladder (first that works is used):');
      for (const attempt of backend.attempts) console.log(`  ${attempt.ok ? '✓' : '✗'} ${attempt.backend.padEnd(30)} ${attempt.reason}`);
    }
  }
  return checks.every((check) => check.ok) ? 0 : 1;
});

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
