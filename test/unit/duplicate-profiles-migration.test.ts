import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { migrate, openDatabase, type Db } from '../../core/db/open.js';
import { migrations } from '../../core/db/migrations/index.js';
import { FeaturesRepo, type TrackFeatures } from '../../core/db/repos/features.js';

function statistics(seed: number): Float32Array {
  return Float32Array.from({ length: 518 }, (_, i) => seed * 1000 + i + 0.25);
}

function trackFeatures(seed: number): TrackFeatures {
  return {
    analysisVersion: 3,
    fma518: statistics(seed),
    tempoBpm: 120,
    melPreview: { data: new Uint8Array(64 * 4), bands: 64, frames: 4, secondsPerFrame: 0.07, dbMin: -80, dbMax: 0 },
    analysedAt: 0,
  };
}

function withTracks(db: Db): Db {
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const track = db.prepare(`INSERT INTO tracks (id, folder_id, path, size, mtime_ms, added_at, updated_at) VALUES (?, 1, ?, 1, 1, 0, 0)`);
  for (const id of [1, 2, 3]) track.run(id, `/music/${id}.mp3`);
  return db;
}

const profileOf = (db: Db, trackId: number) => {
  const blob = db.prepare('SELECT mfcc_means FROM duplicate_profiles WHERE track_id = ?').pluck().get(trackId) as Buffer | undefined;
  return blob && Array.from(new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.length)));
};
const mfccMeans = (seed: number) => Array.from(statistics(seed).subarray(378, 398));

describe('migration 0013-duplicate-profiles', () => {
  it('copies the MFCC means of features stored before it', () => {
    const db = withTracks(openDatabase(':memory:', migrations.filter((migration) => migration.version <= 12)));
    const insert = db.prepare(`
      INSERT INTO features (track_id, analysis_version, fma518, tempo_bpm, mel_preview, mel_bands, mel_frames, mel_seconds_per_frame, mel_db_min, mel_db_max, analysed_at)
      VALUES (?, 1, ?, 120, x'00', 1, 1, 0.07, -80, 0, 0)`);
    insert.run(1, Buffer.from(statistics(1).buffer));
    insert.run(2, Buffer.from(new Float32Array(10).buffer));
    migrate(db, migrations);
    assert.deepEqual(profileOf(db, 1), mfccMeans(1));
    assert.equal(profileOf(db, 2), undefined, 'statistics of another shape have no profile');
    db.close();
  });

  it('is written and replaced with the features, checked, and removed with the track', () => {
    const db = withTracks(openDatabase(':memory:'));
    const features = new FeaturesRepo(db);
    features.save(1, trackFeatures(1));
    features.save(2, trackFeatures(2));
    assert.deepEqual(profileOf(db, 1), mfccMeans(1));
    features.save(1, trackFeatures(5));
    assert.deepEqual(profileOf(db, 1), mfccMeans(5), 'a new analysis replaces the profile');
    assert.throws(() => db.prepare('INSERT INTO duplicate_profiles VALUES (3, ?)').run(Buffer.alloc(80)), /FOREIGN KEY/, 'no profile without features');
    assert.throws(() => db.prepare('UPDATE duplicate_profiles SET mfcc_means = ? WHERE track_id = 2').run(Buffer.alloc(76)), /CHECK/);
    db.prepare('DELETE FROM tracks WHERE id = 1').run();
    assert.equal(profileOf(db, 1), undefined);
    assert.deepEqual(profileOf(db, 2), mfccMeans(2));
    db.close();
  });
});
