/**
 * `npm run bench -- scan`: `timbre scan` of a real-music corpus against ffmpeg's bare decode of the same
 * files (`ffmpeg -i FILE -f null -`), both at the machine's parallelism. The target: at most 1.5×.
 *
 * Wall time is the target's measure; on a shared machine it also counts waiting for a core, so the CPU
 * time of each side (user + system of every process it ran, from /proc on Linux) is reported beside it.
 *
 * Corpus: the free game soundtracks wesnoth-1.16-music and warzone2100-music, fetched with
 * `apt-get download` into .bench/corpus (cached; skipped with a message where apt is unavailable), plus
 * ../shared/datasets/emotify-dev when present.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';
import { listAudioFiles } from '../../core/library/files.js';
import { readTags } from '../../core/library/tags.js';
import type { BenchResult } from './run.js';

export const name = 'scan';

const PACKAGES = ['wesnoth-1.16-music', 'warzone2100-music'];
const TARGET_RATIO = 1.5;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function run(): Promise<BenchResult[]> {
  const roots = corpusRoots();
  if (roots.length === 0) {
    console.error('bench scan: no corpus (apt-get download failed and ../shared/datasets/emotify-dev is missing); skipped');
    return [];
  }
  const files = (await Promise.all(roots.map((root) => listAudioFiles(root)))).flat().map((file) => file.path);
  let audioSeconds = 0;
  for (const file of files) audioSeconds += (await readTags(file).catch(() => null))?.durationSec ?? 0;
  const parallel = availableParallelism();
  console.error(`bench scan: ${files.length} files, ${(audioSeconds / 3600).toFixed(2)} h of audio, parallelism ${parallel}`);

  const decodeCpuStart = childrenCpuSeconds();
  const decodeSeconds = await bareDecodeSeconds(files, parallel);
  const decodeCpu = cpuSince(decodeCpuStart);

  const dbPath = join(repoRoot, '.bench', 'scan-bench.db');
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  const scanCpuStart = childrenCpuSeconds();
  const start = performance.now();
  const scan = spawnSync(process.execPath, [join(repoRoot, 'bin', 'timbre.js'), 'scan', ...roots, '--db', dbPath, '--jobs', String(parallel)], {
    encoding: 'utf8',
  });
  const scanSeconds = (performance.now() - start) / 1000;
  const scanCpu = cpuSince(scanCpuStart);
  if (scan.status !== 0) throw new Error(`timbre scan failed: ${scan.stderr}`);
  const failed = /(\d+) failed/.exec(scan.stderr)?.[1] ?? '0';

  const ratio = scanSeconds / decodeSeconds;
  const detail = `${files.length} files, ${(audioSeconds / 3600).toFixed(2)} h, ${parallel} in parallel, ${failed} failed`;
  const results: BenchResult[] = [
    { metric: 'ffmpeg bare decode of the corpus', value: decodeSeconds, unit: 's', detail },
    { metric: 'timbre scan of the corpus (CLI, end to end)', value: scanSeconds, unit: 's', detail },
    { metric: 'timbre scan / bare decode', value: ratio, unit: '×', target: `<= ${TARGET_RATIO}×`, met: ratio <= TARGET_RATIO },
  ];
  if (decodeCpu !== null && scanCpu !== null) {
    results.push(
      { metric: 'CPU time, bare decode (all ffmpeg processes)', value: decodeCpu, unit: 's', detail: perTrack(decodeCpu, files.length) },
      { metric: 'CPU time, timbre scan (CLI, its workers and ffmpeg processes)', value: scanCpu, unit: 's', detail: perTrack(scanCpu, files.length) },
      { metric: 'CPU time ratio, scan / bare decode', value: scanCpu / decodeCpu, unit: '×', detail: `1-minute load average ${loadavg()[0].toFixed(1)}` },
    );
  }
  return results;
}

function perTrack(cpuSeconds: number, tracks: number): string {
  return `${((1000 * cpuSeconds) / tracks).toFixed(0)} ms per track`;
}

/**
 * User + system seconds of this process's finished (waited-for) children, and theirs: fields 16 and
 * 17 of /proc/self/stat, in clock ticks. Null where /proc is missing.
 */
let clockTicks: number | undefined;

function childrenCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    clockTicks ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
    return (Number(fields[13]) + Number(fields[14])) / clockTicks;
  } catch {
    return null;
  }
}

function cpuSince(start: number | null): number | null {
  const now = childrenCpuSeconds();
  return start === null || now === null ? null : now - start;
}

/** The corpus folders: extracted apt packages (downloaded once into .bench/corpus) and emotify-dev. */
function corpusRoots(): string[] {
  const cache = join(repoRoot, '.bench', 'corpus');
  mkdirSync(cache, { recursive: true });
  const roots: string[] = [];
  for (const pkg of PACKAGES) {
    const extracted = join(cache, pkg);
    if (!existsSync(extracted)) {
      const download = spawnSync('apt-get', ['download', pkg], { cwd: cache, encoding: 'utf8' });
      const deb = readdirSync(cache).find((file) => file.startsWith(`${pkg}_`) && file.endsWith('.deb'));
      if (download.status !== 0 || !deb) {
        console.error(`bench scan: could not apt-get download ${pkg} (${download.error?.message ?? download.stderr.trim()}); going on without it`);
        continue;
      }
      const unpack = spawnSync('dpkg-deb', ['-x', join(cache, deb), extracted], { encoding: 'utf8' });
      if (unpack.status !== 0) {
        rmSync(extracted, { recursive: true, force: true });
        console.error(`bench scan: dpkg-deb could not unpack ${deb}: ${unpack.stderr}`);
        continue;
      }
      rmSync(join(cache, deb));
    }
    roots.push(extracted);
  }
  const emotify = resolve(repoRoot, '..', 'shared', 'datasets', 'emotify-dev');
  if (existsSync(emotify)) roots.push(emotify);
  return roots;
}

/** Wall time of `ffmpeg -i FILE -f null -` over all files, `parallel` at a time. */
async function bareDecodeSeconds(files: string[], parallel: number): Promise<number> {
  const ffmpeg = resolveFfmpeg().path;
  const start = performance.now();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      await new Promise<void>((done) => {
        spawn(ffmpeg, ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { stdio: 'ignore' }).on('close', () => done());
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return (performance.now() - start) / 1000;
}
