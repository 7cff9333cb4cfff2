import type { Migration } from './types.js';

/**
 * duplicate_profiles: each analysed track's 20 MFCC means (float32, 80 bytes), what the duplicate search
 * compares, in a narrow table of their own. Read from the features table they cost a 2 KB statistics
 * BLOB per track (and a column added there would sit behind the mel preview's overflow pages). Written
 * with the features; existing features are copied in.
 */
export const migration: Migration = {
  version: 13,
  name: 'duplicate-profiles',
  up(db) {
    db.exec(`
      CREATE TABLE duplicate_profiles (
        track_id   INTEGER PRIMARY KEY REFERENCES features(track_id) ON DELETE CASCADE,
        mfcc_means BLOB NOT NULL CHECK (length(mfcc_means) = 80)
      ) STRICT;
      INSERT INTO duplicate_profiles (track_id, mfcc_means)
        SELECT track_id, substr(fma518, 1513, 80) FROM features WHERE length(fma518) = 518 * 4;
    `);
  },
};
