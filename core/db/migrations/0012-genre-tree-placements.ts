import type { Migration } from './types.js';

/**
 * Where the user placed a genre spelling in the genre tree ("map to"), overriding core/genres/tree.ts:
 * one row per spelling key (genreKey), holding family ids separated by commas, or 'outside' for a
 * genre that names no family of sound. A spelling without a row is placed by the tree itself.
 */
export const migration: Migration = {
  version: 12,
  name: 'genre-tree-placements',
  up(db) {
    db.exec(`
      CREATE TABLE genre_tree_placements (
        key       TEXT PRIMARY KEY CHECK (length(key) > 0),
        placement TEXT NOT NULL CHECK (placement = 'outside' OR placement GLOB '[a-z]*')
      ) STRICT;
    `);
  },
};
