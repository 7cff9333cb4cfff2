import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface BackendAttempt {
  backend: string;
  ok: boolean;
  /** Why it was chosen or skipped, in words for `timbre doctor`. */
  reason: string;
}

export interface BackendReport {
  /** The tf backend now active: 'tensorflow' (tfjs-node or tfjs-node-gpu), 'wasm' or 'cpu'. */
  active: string;
  /** The package that provides it. */
  provider: string;
  attempts: BackendAttempt[];
}

type Rung = { provider: string; backend: string; load: () => Promise<void> };

/**
 * The backend ladder: @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node (native, used only
 * when installed and working: their install downloads a binary), then WebAssembly, then plain JS.
 * Set TIMBRE_TF_BACKEND to one of 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu' to start lower down.
 */
const LADDER: Rung[] = [
  { provider: '@tensorflow/tfjs-node-gpu', backend: 'tensorflow', load: () => importOptional('@tensorflow/tfjs-node-gpu') },
  { provider: '@tensorflow/tfjs-node', backend: 'tensorflow', load: () => importOptional('@tensorflow/tfjs-node') },
  { provider: '@tensorflow/tfjs-backend-wasm', backend: 'wasm', load: loadWasm },
  { provider: '@tensorflow/tfjs-backend-cpu', backend: 'cpu', load: async () => {} },
];

let selected: Promise<BackendReport> | null = null;

/** Picks the first working backend of the ladder, once per process. */
export function initBackend(): Promise<BackendReport> {
  selected ??= climbLadder(process.env.TIMBRE_TF_BACKEND);
  return selected;
}

async function climbLadder(startAt: string | undefined): Promise<BackendReport> {
  const attempts: BackendAttempt[] = [];
  const start = startAt ? LADDER.findIndex((rung) => rung.provider.endsWith(startAt) || rung.backend === startAt) : 0;
  if (start < 0) throw new Error(`TIMBRE_TF_BACKEND=${startAt}: expected tfjs-node-gpu, tfjs-node, wasm or cpu`);
  for (const [index, rung] of LADDER.entries()) {
    if (index < start) {
      attempts.push({ backend: rung.provider, ok: false, reason: `skipped: TIMBRE_TF_BACKEND=${startAt}` });
      continue;
    }
    try {
      await rung.load();
      if (!(await tf.setBackend(rung.backend))) throw new Error('backend failed to initialise');
      await tf.ready();
      // A trivial op proves the kernels actually run (a native binary can load yet fail here).
      const probe = tf.tidy(() => tf.tensor2d([[1, 2]]).matMul(tf.tensor2d([[1], [1]], [2, 1])).dataSync()[0]);
      if (probe !== 3) throw new Error(`self-test returned ${probe}`);
      attempts.push({ backend: rung.provider, ok: true, reason: `selected (tf backend '${rung.backend}')` });
      return { active: rung.backend, provider: rung.provider, attempts };
    } catch (error) {
      attempts.push({ backend: rung.provider, ok: false, reason: describe(error) });
    }
  }
  throw new Error(`no TensorFlow.js backend works: ${attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')}`);
}

async function importOptional(name: string): Promise<void> {
  try {
    await import(name);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new Error('not installed');
    throw error;
  }
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the .wasm binaries must be given as file paths; the default URL lookup fails.
  const packageJson = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  wasm.setWasmPaths(path.join(path.dirname(packageJson), 'dist') + path.sep);
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 200);
}
