/**
 * One configuration of the backbone's per-patch timing, in a process of its own (the wasm backend's
 * SIMD and thread flags are read once, when it starts): `node backbone-patch.js SIMD THREADS PATCHES`.
 * Prints one JSON line: per-patch CPU and wall milliseconds of the input DSP and of inference.
 */
import * as tf from '@tensorflow/tfjs';
import { loadBackbone } from '../../core/ml/pretrained/backbone.js';
import { musicnnPatchInput } from '../../core/ml/pretrained/musicnn-input.js';

const [simdArg, threadsArg, patchesArg, folder] = process.argv.slice(2);
const simd = simdArg === 'simd';
const threads = Number(threadsArg);
const patches = Number(patchesArg);

process.env.TIMBRE_TF_BACKEND = 'wasm';
// Importing the backend registers its flags; they are read when it initialises (in loadBackbone).
const wasm = await import('@tensorflow/tfjs-backend-wasm');
tf.env().set('WASM_HAS_SIMD_SUPPORT', simd);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
if (threads > 1) wasm.setThreadsCount(threads);

const backbone = await loadBackbone(folder);
const actualThreads = threads > 1 ? wasm.getThreadsCount() : 1;
const sr = 22050;
const y = Float32Array.from({ length: sr * 31 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / sr) + 0.05 * Math.sin(i * 0.37) * Math.sin(i / 9000));

function timed<T>(work: () => T): { value: T; cpuMs: number; wallMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = work();
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start };
}

// Warm-up: the first run compiles kernels and allocates.
backbone.predictPatches({ data: musicnnPatchInput(y, sr, [0]), count: 1 });
let dspCpu = 0;
let dspWall = 0;
let inferCpu = 0;
let inferWall = 0;
for (let p = 0; p < patches; p++) {
  const input = timed(() => musicnnPatchInput(y, sr, [p % 10]));
  const output = timed(() => backbone.predictPatches({ data: input.value, count: 1 }));
  dspCpu += input.cpuMs;
  dspWall += input.wallMs;
  inferCpu += output.cpuMs;
  inferWall += output.wallMs;
}
// Ten patches in one batch, as a whole 30-s excerpt runs.
const batch = timed(() => backbone.predictPatches({ data: musicnnPatchInput(y, sr, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), count: 10 }));
console.log(
  JSON.stringify({
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: actualThreads,
    backend: tf.getBackend(),
    dspCpuMs: dspCpu / patches,
    dspWallMs: dspWall / patches,
    inferCpuMs: inferCpu / patches,
    inferWallMs: inferWall / patches,
    batchOf10CpuMs: batch.cpuMs,
    batchOf10WallMs: batch.wallMs,
  }),
);
