import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GENRE_FAMILIES, GENRE_FAMILY_IDS, genreFamilies, placeGenre } from '../../core/genres/tree.js';
import { BUILTIN_GENRES, genreKey } from '../../core/genres/vocabulary.js';

describe('genre tree', () => {
  it('has the families a real library needs', () => {
    const names = GENRE_FAMILIES.map((family) => family.name);
    for (const needed of ['Pop', 'Rock', 'Metal', 'Punk', 'Electronic', 'Hip-Hop', 'R&B/Soul', 'Funk', 'Jazz', 'Blues', 'Country', 'Folk', 'Reggae', 'Latin', 'Classical', 'Soundtrack', 'Ambient/New Age']) {
      assert.ok(names.includes(needed), needed);
    }
    assert.equal(new Set(GENRE_FAMILY_IDS).size, GENRE_FAMILY_IDS.length);
  });

  it('never lets one spelling land on two different single families', () => {
    const owner = new Map<string, string>();
    for (const family of GENRE_FAMILIES) {
      for (const spelling of [family.name, ...family.aliases]) {
        const previous = owner.get(genreKey(spelling));
        assert.ok(previous === undefined || previous === family.id, `${spelling}: ${previous} and ${family.id}`);
        owner.set(genreKey(spelling), family.id);
      }
    }
  });

  it('places AllMusic, Last.fm and common tag spellings', () => {
    assert.deepEqual(genreFamilies('Hip Hop'), ['hip-hop']);
    assert.deepEqual(genreFamilies('rap'), ['hip-hop']);
    assert.deepEqual(genreFamilies('rnb'), ['rnb-soul']);
    assert.deepEqual(genreFamilies('electronica'), ['electronic']);
    assert.deepEqual(genreFamilies('Alt. Rock'), ['rock']);
    assert.deepEqual(genreFamilies('Klassik'), ['classical']);
    assert.deepEqual(genreFamilies('Stage & Screen'), ['soundtrack']);
    assert.deepEqual(genreFamilies('New Age'), ['ambient-new-age']);
    assert.deepEqual([...genreFamilies('Pop/Rock')].sort(), ['metal', 'pop', 'punk', 'rock']);
    assert.deepEqual(placeGenre('International'), { kind: 'outside' });
    assert.deepEqual(placeGenre('Zeuhl-core 3000'), { kind: 'unknown' });
  });

  it('places every built-in vocabulary genre that names a sound', () => {
    const outside = new Set(['International', 'World', 'Spoken Word', 'Experimental', 'Instrumental']);
    for (const genre of BUILTIN_GENRES) {
      const placement = placeGenre(genre.name);
      assert.equal(placement.kind, outside.has(genre.name) ? 'outside' : 'families', genre.name);
    }
  });
});
