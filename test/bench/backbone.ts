/**
 * `npm run bench -- backbone`: the cost of the pretrained backbone (msd-musicnn-1 under
 * TIMBRE_PRETRAINED_DIR, default ../shared/pretrained; skipped without it).
 *
 * - Per 3-s patch on tfjs-wasm, input DSP (resample, STFT, mel, log: musicnnPatchInput) and inference
 *   apart, with SIMD on and off and with threads where the backend can start them (each configuration
 *   in a process of its own: backbone-patch.ts).
 * - A whole `timbre scan` of BENCH_BACKBONE_FILES (default 24) emotify-dev clips, CPU time per track
 *   (the CLI, its workers and their ffmpeg processes, from /proc), without and with the backbone at the
 *   scan's patch count. Target: at most 400 ms of CPU per track with it.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanPatchLimit } from '../../core/ml/pretrained/backbone.js';
import type { BenchResult } from './run.js';

export const name = 'backbone';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const TARGET_MS_PER_TRACK = 400;

export async function run(): Promise<BenchResult[]> {
  const pretrained = resolve(process.env.TIMBRE_PRETRAINED_DIR ?? join(repoRoot, '..', 'shared', 'pretrained'));
  const folder = join(pretrained, 'msd-musicnn-1');
  if (!existsSync(join(folder, 'model.json'))) {
    console.error(`bench backbone: no msd-musicnn-1 under ${pretrained}; skipped`);
    return [];
  }
  const results: BenchResult[] = [];
  const load = `1-minute load average ${loadavg()[0].toFixed(1)}`;
  for (const [simd, threads] of [['simd', 1], ['nosimd', 1], ['simd', 2]] as const) {
    const child = spawnSync(process.execPath, [join(repoRoot, 'dist', 'test', 'bench', 'backbone-patch.js'), simd, String(threads), '5', folder], {
      encoding: 'utf8',
    });
    const label = `${simd === 'simd' ? 'SIMD' : 'no SIMD'}, ${threads === 1 ? '1 thread' : `${threads} threads`}`;
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !line.startsWith('{')) {
      const reason = /Error[^\n]*/.exec(child.stderr)?.[0] ?? `exit ${child.status}`;
      results.push({ metric: `backbone per patch, ${label}`, value: Number.NaN, unit: 'ms', detail: `unavailable: ${reason.slice(0, 160)}` });
      continue;
    }
    const timing = JSON.parse(line) as { dspCpuMs: number; inferCpuMs: number; inferWallMs: number; batchOf10CpuMs: number };
    results.push(
      { metric: `backbone inference per patch, ${label}`, value: timing.inferCpuMs, unit: 'ms CPU', detail: `wall ${timing.inferWallMs.toFixed(0)} ms; ${load}` },
      { metric: `backbone input DSP per patch, ${label}`, value: timing.dspCpuMs, unit: 'ms CPU' },
      { metric: `backbone, 10 patches in one batch, ${label}`, value: timing.batchOf10CpuMs, unit: 'ms CPU' },
    );
  }

  const files = corpus(Number(process.env.BENCH_BACKBONE_FILES ?? 24));
  if (files.length === 0) {
    console.error('bench backbone: ../shared/datasets/emotify-dev is missing; no scan timing');
    return results;
  }
  const without = scanCpuPerTrack(files, {});
  const withBackbone = scanCpuPerTrack(files, { TIMBRE_PRETRAINED_DIR: pretrained });
  const patches = scanPatchLimit() ?? 'all';
  results.push(
    { metric: 'scan CPU per track, no backbone', value: without, unit: 'ms', detail: `${files.length} emotify-dev clips` },
    {
      metric: `scan CPU per track, with backbone (${patches} patch${patches === 1 ? '' : 'es'})`,
      value: withBackbone,
      unit: 'ms',
      target: `<= ${TARGET_MS_PER_TRACK} ms`,
      met: withBackbone <= TARGET_MS_PER_TRACK,
      detail: `${files.length} emotify-dev clips; ${load}`,
    },
  );
  return results;
}

/** `count` clips of emotify-dev, taken evenly from each genre folder, copied under .bench/backbone-corpus. */
function corpus(count: number): string[] {
  const emotify = resolve(repoRoot, '..', 'shared', 'datasets', 'emotify-dev');
  if (!existsSync(emotify)) return [];
  const target = join(repoRoot, '.bench', 'backbone-corpus');
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const genres = readdirSync(emotify, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const files: string[] = [];
  for (const [g, genre] of genres.entries()) {
    const clips = readdirSync(join(emotify, genre)).filter((file) => /\.(mp3|ogg|opus|flac|wav)$/.test(file)).sort();
    const take = Math.floor(count / genres.length) + (g < count % genres.length ? 1 : 0);
    for (let i = 0; i < take && i < clips.length; i++) {
      const clip = clips[Math.floor((i * clips.length) / take)];
      const copy = join(target, `${genre}-${clip}`);
      copyFileSync(join(emotify, genre, clip), copy);
      files.push(copy);
    }
  }
  return files;
}

/** CPU milliseconds per track of `timbre scan` over the corpus folder (a fresh database each time). */
function scanCpuPerTrack(files: string[], extraEnv: NodeJS.ProcessEnv): number {
  const dbPath = join(repoRoot, '.bench', 'backbone-bench.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbPath}${suffix}`, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: join(repoRoot, '.bench', 'backbone-home'), ...extraEnv };
  if (!extraEnv.TIMBRE_PRETRAINED_DIR) delete env.TIMBRE_PRETRAINED_DIR;
  const before = childrenCpuSeconds();
  const scan = spawnSync(
    process.execPath,
    [join(repoRoot, 'bin', 'timbre.js'), 'scan', dirname(files[0]), '--db', dbPath, '--jobs', String(availableParallelism())],
    { encoding: 'utf8', env },
  );
  if (scan.status !== 0) throw new Error(`timbre scan failed: ${scan.stderr}`);
  return (1000 * (childrenCpuSeconds() - before)) / files.length;
}

let clockTicks: number | undefined;

/** User + system seconds of this process's waited-for children (fields 16 and 17 of /proc/self/stat). */
function childrenCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  return (Number(fields[13]) + Number(fields[14])) / clockTicks;
}
