import type { Migration } from './types.js';

/**
 * What albums, artists and album art need of a track's tags:
 *
 * - album_artist, track_no, disc_no: group a track into its album (an album-artist tag
 *   keeps a various-artists album together) and order the album's tracks;
 * - art_hash: the content hash of the track's picture (embedded, else a cover image in its folder),
 *   naming its thumbnail in the data folder's art cache; NULL when the track has none.
 *
 * Tracks analysed before this migration have none of these until they are next analysed.
 */
export const migration: Migration = {
  version: 10,
  name: 'album-tags-and-art',
  up(db) {
    db.exec(`
      ALTER TABLE tracks ADD COLUMN album_artist TEXT;
      ALTER TABLE tracks ADD COLUMN track_no INTEGER CHECK (track_no IS NULL OR track_no >= 0);
      ALTER TABLE tracks ADD COLUMN disc_no INTEGER CHECK (disc_no IS NULL OR disc_no >= 0);
      ALTER TABLE tracks ADD COLUMN art_hash TEXT CHECK (art_hash IS NULL OR art_hash GLOB '[0-9a-f]*');
    `);
  },
};
