/**
 * `npm run bench -- similarity-soundtracks`: same-soundtrack precision@10 of "sounds like this" on
 * free game soundtracks from Debian: for each track, the share of its 10 nearest other tracks that
 * come from the same game. Music the genre model never heard, and labels (which game) nothing was
 * tuned on: an out-of-domain check of the shipped similarity settings.
 *
 * Corpus: wesnoth-1.16-music, warzone2100-music and singularity-music, fetched with `apt-get download`
 * and unpacked with `dpkg-deb -x` into .bench/soundtracks/<package> (cached; a package that cannot be
 * fetched is left out with a message). Scored by `timbre eval-similar --label-by folder`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.js';

export const name = 'similarity-soundtracks';

const PACKAGES = ['wesnoth-1.16-music', 'warzone2100-music', 'singularity-music'];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

interface EvalReport {
  clips: number;
  labels: string[];
  features: string;
  fixed: Array<{ setting: string; scores: { withSameArtist: { precision: number; perLabel: Record<string, number> } } }>;
  genreProjection: { folds: number; foldSeeds: number[]; settings: Array<{ setting: string; withSameArtist: { mean: number; sd: number } }> };
}

export async function run(): Promise<BenchResult[]> {
  const corpus = join(repoRoot, '.bench', 'soundtracks');
  const fetched = fetchSoundtracks(corpus);
  if (fetched.length < 2) {
    console.error(`bench similarity-soundtracks: ${fetched.length} soundtrack(s) available, two are needed; skipped`);
    return [];
  }
  const evaluation = spawnSync(
    process.execPath,
    [join(repoRoot, 'bin', 'timbre.js'), 'eval-similar', '--data', corpus, '--label-by', 'folder', '--no-search', '--json'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (evaluation.status !== 0) throw new Error(`timbre eval-similar failed (exit ${evaluation.status})`);
  const report = JSON.parse(evaluation.stdout) as EvalReport;
  const detail = `${report.clips} tracks of ${report.labels.join(', ')}; ${report.features}`;
  // No artists here: every track is its own group, so "same artist excluded" equals "counted".
  const fixed = report.fixed.map(({ setting, scores }) => ({
    metric: `same-soundtrack precision@10: ${setting}`,
    value: scores.withSameArtist.precision,
    unit: '',
    detail: `${detail}; per soundtrack ${Object.entries(scores.withSameArtist.perLabel)
      .map(([label, value]) => `${label} ${value.toFixed(3)}`)
      .join(', ')}`,
  }));
  // The soundtrack as the label a library learns from: tracks of the other folds labelled.
  const { folds, foldSeeds } = report.genreProjection;
  const learnt = report.genreProjection.settings.map(({ setting, withSameArtist }) => ({
    metric: `same-soundtrack precision@10, soundtracks learnt from ${folds - 1} of ${folds} folds' tracks: ${setting}`,
    value: withSameArtist.mean,
    unit: '',
    detail: `${detail}; sd ${withSameArtist.sd.toFixed(3)} over fold seeds ${foldSeeds.join(', ')}`,
  }));
  return [...fixed, ...learnt];
}

/** The packages' folders under `corpus`, downloading and unpacking those not there yet. */
function fetchSoundtracks(corpus: string): string[] {
  mkdirSync(corpus, { recursive: true });
  const available: string[] = [];
  for (const pkg of PACKAGES) {
    const extracted = join(corpus, pkg);
    if (!existsSync(extracted)) {
      const download = spawnSync('apt-get', ['download', pkg], { cwd: corpus, encoding: 'utf8' });
      const deb = readdirSync(corpus).find((file) => file.startsWith(`${pkg}_`) && file.endsWith('.deb'));
      if (download.status !== 0 || !deb) {
        console.error(`bench similarity-soundtracks: could not apt-get download ${pkg} (${download.error?.message ?? download.stderr.trim()}); going on without it`);
        continue;
      }
      const unpack = spawnSync('dpkg-deb', ['-x', join(corpus, deb), extracted], { encoding: 'utf8' });
      rmSync(join(corpus, deb));
      if (unpack.status !== 0) {
        rmSync(extracted, { recursive: true, force: true });
        console.error(`bench similarity-soundtracks: dpkg-deb could not unpack ${deb}: ${unpack.stderr}`);
        continue;
      }
    }
    available.push(extracted);
  }
  return available;
}
