/**
 * `npm run bench -- rescan`: a rescan of an unchanged, fully analysed 10,000-file library. The issue's
 * target is at most 10 s. Measured two ways: `timbre scan DIR` end to end (process start to exit, as a
 * user runs it) and the folder scan inside an open core.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { createCore } from '../../core/index.js';
import { ANALYSIS_VERSION } from '../../core/jobs/analysis-queue.js';
import type { BenchResult } from './run.js';

export const name = 'rescan';

const FILES = 10_000;
const PER_FOLDER = 100;
const TARGET_SECONDS = 10;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function run(): Promise<BenchResult[]> {
  const work = join(repoRoot, '.bench', 'rescan');
  rmSync(work, { recursive: true, force: true });
  const music = join(work, 'music');
  const dbPath = join(work, 'library.db');
  try {
    writeLibrary(music);
    const initialScanSeconds = await analysedLibrary(music, dbPath);

    const cliStart = performance.now();
    const cli = spawnSync(process.execPath, [join(repoRoot, 'bin', 'timbre.js'), 'scan', music, '--db', dbPath], { encoding: 'utf8' });
    const cliSeconds = (performance.now() - cliStart) / 1000;
    if (cli.status !== 0) throw new Error(`timbre scan failed: ${cli.stderr}`);
    if (!/0 new, 0 changed, 0 moved, 0 removed\)\n0 tracks to analyse/.test(cli.stderr)) {
      throw new Error(`the rescan was not a no-op: ${cli.stderr}`);
    }

    const core = await createCore({ dbPath, jobs: 1 });
    let scanSeconds: number;
    let listMs: number;
    try {
      const [folder] = core.library.listFolders();
      const summary = await core.library.scanFolder(folder.id);
      scanSeconds = summary.durationMs / 1000;
      const listStart = performance.now();
      core.library.listTracks();
      listMs = performance.now() - listStart;
    } finally {
      await core.shutdown();
    }
    return [
      { metric: `first scan of ${FILES} new files (list, fingerprint, queue; no analysis)`, value: initialScanSeconds, unit: 's' },
      { metric: `library.listTracks() of ${FILES} tracks`, value: listMs, unit: 'ms' },
      {
        metric: `timbre scan, unchanged ${FILES}-file library (CLI, end to end)`,
        value: cliSeconds,
        unit: 's',
        target: `<= ${TARGET_SECONDS} s`,
        met: cliSeconds <= TARGET_SECONDS,
      },
      { metric: `folder rescan inside an open core (${FILES} files)`, value: scanSeconds, unit: 's', target: `<= ${TARGET_SECONDS} s`, met: scanSeconds <= TARGET_SECONDS },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** 10,000 tiny WAVs in folders of 100, each with distinct content (one sample differs). */
function writeLibrary(music: string): void {
  const wav = Buffer.alloc(44 + 200);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + 200, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(200, 40);
  for (let i = 0; i < FILES; i++) {
    const folder = join(music, `album-${String(Math.floor(i / PER_FOLDER)).padStart(3, '0')}`);
    if (i % PER_FOLDER === 0) mkdirSync(folder, { recursive: true });
    wav.writeUInt16LE(i % 65536, 44);
    writeFileSync(join(folder, `track-${i}.wav`), wav);
  }
}

/**
 * Registers and scans the library without analysing it, then records a stored analysis for every track
 * (analysing 10,000 files is not what this bench measures). Returns the first scan's seconds.
 */
async function analysedLibrary(music: string, dbPath: string): Promise<number> {
  const core = await createCore({ dbPath, jobs: 1, autoStart: false });
  let seconds: number;
  try {
    const folder = await core.library.addFolder(music);
    seconds = (await core.library.scanFolder(folder.id)).durationMs / 1000;
    core.library.cancel();
  } finally {
    await core.shutdown();
  }
  const db = openDatabase(dbPath);
  try {
    const tracks = new TracksRepo(db);
    const features = new FeaturesRepo(db);
    const melPreview = { bands: 1, frames: 1, secondsPerFrame: 1, dbMin: -80, dbMax: 0, data: new Uint8Array(1) };
    db.transaction(() => {
      for (const track of tracks.summaries()) {
        features.save(track.id, { analysisVersion: ANALYSIS_VERSION, fma518: new Float32Array(518), tempoBpm: 0, melPreview, analysedAt: Date.now() });
        tracks.setStatus(track.id, 'done');
      }
    })();
  } finally {
    db.close();
  }
  return seconds;
}
