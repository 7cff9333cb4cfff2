/**
 * `npm run bench -- duplicates`: the duplicate search over a 100,000-track library database (target
 * ≤ 5 s), and the per-track cost of the audio fingerprint it computes from a stored mel preview (no
 * extra decoding: the scan itself pays nothing; compare with the scan's ~150 ms of CPU per track).
 *
 * The library is synthetic: lengths spread like a real library's (mean 4 min, sd 1 min, so many tracks
 * share a length to the second), random MFCC profiles at real scale, and 500 planted pairs of one
 * recording in two files (same length within 50 ms, profiles within a rounding, fingerprints a few
 * percent apart).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { DuplicatesService } from '../../core/duplicates/service.js';
import { melFingerprint } from '../../core/duplicates/fingerprint.js';
import { seededUniform } from '../../core/ml/random.js';
import type { BenchResult } from './run.js';

export const name = 'duplicates';

const TRACKS = 100_000;
const PLANTED_PAIRS = 500;
const TARGET_SECONDS = 5;
const PREVIEW_BANDS = 64;
const PREVIEW_FRAMES = 431;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export async function run(): Promise<BenchResult[]> {
  const work = join(repoRoot, '.bench', 'duplicates');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const db = openDatabase(join(work, 'library.db'));
  try {
    const random = seededUniform(7);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const preview = () => Uint8Array.from({ length: PREVIEW_BANDS * PREVIEW_FRAMES }, () => Math.floor(random() * 256));
    db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
    const insertTrack = db.prepare(`
      INSERT INTO tracks (id, folder_id, path, size, mtime_ms, fingerprint, duration_sec, bitrate, status, added_at, updated_at)
      VALUES (?, 1, ?, ?, 0, ?, ?, 320000, 'done', 0, 0)`);
    // Stored as a scan stores them: the statistics, the mel preview and the duplicate profile.
    const features = new FeaturesRepo(db);
    const fma518 = new Float32Array(518);
    let planted = 0;
    db.transaction(() => {
      for (let id = 1; id <= TRACKS; id++) {
        const copy = id % (TRACKS / PLANTED_PAIRS) === 0;
        if (copy) planted++;
        const duration = copy ? previousDuration + 0.05 : Math.max(30, 240 + 60 * gaussian());
        if (!copy) for (let i = 378; i < 398; i++) fma518[i] = i === 378 ? -200 + 50 * gaussian() : 30 * gaussian();
        else fma518[378] += 0.01;
        const mel = copy ? previousPreview!.map((value, i) => (i % 37 === 0 ? 255 - value : value)) : (id + 1) % (TRACKS / PLANTED_PAIRS) === 0 ? preview() : new Uint8Array(PREVIEW_BANDS * 4);
        insertTrack.run(id, `/music/${id}.flac`, 5_000_000 + id, `content-${id}`, duration);
        features.save(id, {
          analysisVersion: 1,
          fma518,
          tempoBpm: 120,
          melPreview: { data: mel, bands: PREVIEW_BANDS, frames: mel.length / PREVIEW_BANDS, secondsPerFrame: 0.07, dbMin: -80, dbMax: 0 },
          analysedAt: 0,
        });
        previousDuration = duration;
        previousPreview = mel;
      }
    })();

    const service = new DuplicatesService(db);
    const searchStart = performance.now();
    const cpuStart = process.cpuUsage();
    const groups = service.groups();
    const cpu = process.cpuUsage(cpuStart);
    const searchSeconds = (performance.now() - searchStart) / 1000;
    const searchCpuSeconds = (cpu.user + cpu.system) / 1e6;

    const sample = { data: preview(), bands: PREVIEW_BANDS, frames: PREVIEW_FRAMES };
    const rounds = 2000;
    const fingerprintStart = performance.now();
    for (let i = 0; i < rounds; i++) melFingerprint(sample);
    const fingerprintMs = (performance.now() - fingerprintStart) / rounds;

    return [
      {
        metric: `duplicate search, ${TRACKS.toLocaleString('en')} tracks`,
        value: searchSeconds,
        unit: 's',
        target: `<= ${TARGET_SECONDS} s`,
        met: searchSeconds <= TARGET_SECONDS,
        detail: `${groups.length} groups found of ${planted} planted; load average ${loadavg()[0].toFixed(1)}`,
      },
      { metric: `duplicate search, ${TRACKS.toLocaleString('en')} tracks, CPU`, value: searchCpuSeconds, unit: 's', target: `<= ${TARGET_SECONDS} s`, met: searchCpuSeconds <= TARGET_SECONDS },
      { metric: 'fingerprint of one track (from its mel preview)', value: fingerprintMs, unit: 'ms', detail: 'no decoding; the scan is unchanged' },
    ];
  } finally {
    db.close();
    rmSync(work, { recursive: true, force: true });
  }
}

let previousDuration = 0;
let previousPreview: Uint8Array | null = null;
