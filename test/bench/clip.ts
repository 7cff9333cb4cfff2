/**
 * What the DSP benches share: the 30-s clip they analyse and a timer that reports CPU and wall time
 * (the machines benches run on are often shared, so CPU time is the steadier figure).
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeAudio } from '../../core/audio/decode.js';

export const SR = 22050;
const CLIP_SECONDS = 30;

// Compiled to dist/test/bench/, three levels below the repository root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The first golden clip (real music) if the shared golden folder is there, else a synthesized mix. */
export async function benchClip(): Promise<{ samples: Float32Array; source: string }> {
  const wavDir = join(process.env.TIMBRE_GOLDEN_DIR ?? resolve(repoRoot, '..', 'shared', 'golden'), 'wav');
  if (existsSync(wavDir)) {
    const first = readdirSync(wavDir).filter((file) => file.endsWith('.wav')).sort()[0];
    if (first) {
      const samples = await decodeAudio(join(wavDir, first));
      return { samples: samples.subarray(0, CLIP_SECONDS * SR), source: `golden ${first}` };
    }
  }
  return { samples: synthesizedClip(), source: 'synthesized chords + clicks' };
}

export interface Timing {
  cpu: number[];
  wall: number[];
}

/** Runs `work` `warmupRuns` times untimed, then `timedRuns` times, measuring each run's CPU and wall ms. */
export function timeRuns(work: () => void, warmupRuns: number, timedRuns: number): Timing {
  for (let i = 0; i < warmupRuns; i++) work();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < timedRuns; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    work();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { cpu, wall };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 30 s of a chord progression with harmonics, a 120-BPM click and a little noise (deterministic). */
function synthesizedClip(): Float32Array {
  const samples = new Float32Array(CLIP_SECONDS * SR);
  const chords = [
    [261.63, 329.63, 392.0],
    [220.0, 261.63, 329.63],
    [174.61, 220.0, 261.63],
    [196.0, 246.94, 293.66],
  ];
  let seed = 1;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let i = 0; i < samples.length; i++) {
    const t = i / SR;
    const chord = chords[Math.floor(t / 2) % chords.length];
    let v = 0;
    for (const f of chord) for (let h = 1; h <= 4; h++) v += Math.sin(2 * Math.PI * f * h * t) / (h * 8);
    const sinceBeat = t % 0.5;
    v += sinceBeat < 0.01 ? 0.5 * Math.exp(-sinceBeat * 400) * noise() * 2 : 0;
    samples[i] = 0.5 * v + 0.01 * noise();
  }
  return samples;
}
