import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUILTIN_GENRES,
  builtinGenre,
  canonicalGenreName,
  cleanGenreName,
  genreKey,
  genreNameProblem,
  normaliseGenreList,
  splitGenreField,
} from '../../core/genres/vocabulary.js';

describe('genreKey', () => {
  it('makes spellings of one genre equal', () => {
    const groups = [
      ['Hip Hop', 'Hip-Hop', 'hiphop', 'hip hop ', 'HIP  HOP', 'Hip_Hop', 'hip.hop'],
      ['Drum & Bass', 'drum and bass', "Drum 'n' Bass", 'Drum n Bass', 'drum+bass', 'Drum’n’Bass', 'drum-n-bass'],
      ['R&B', 'R & B', "R'n'B", 'r and b'],
      ['Rock & Roll', "rock 'n' roll", "Rock'n'Roll", 'rock and roll', "rock n' roll"],
      ['Música Latina', 'musica latina', 'MUSICA-LATINA'],
      ['Lo-Fi', 'lofi', 'Lo Fi'],
    ];
    for (const group of groups) {
      const keys = new Set(group.map(genreKey));
      assert.equal(keys.size, 1, `${JSON.stringify(group)} → ${JSON.stringify([...keys])}`);
    }
  });

  it('keeps different genres apart', () => {
    const distinct = ['Rock', 'Pop', 'Post-Rock', 'Rap', 'Trap', 'Hip-Hop', 'Trip-Hop', 'Electro', 'Electronic', 'Nu Metal', 'Metal', 'RnB', 'Indie Rock'];
    assert.equal(new Set(distinct.map(genreKey)).size, distinct.length);
  });

  it('does not read an n inside a word as "and"', () => {
    assert.equal(genreKey('Nu Metal'), 'numetal');
    assert.equal(genreKey('Dance'), 'dance');
    assert.equal(genreKey('Synth n Roll'), 'synthandroll');
  });

  it('is empty for names without letters or digits', () => {
    assert.equal(genreKey(' -- '), '');
    assert.equal(genreKey('&'), 'and');
  });
});

describe('the built-in vocabulary', () => {
  it('maps synonyms to canonical names', () => {
    assert.equal(canonicalGenreName('Electronica'), 'Electronic');
    assert.equal(canonicalGenreName('electronic'), 'Electronic');
    assert.equal(canonicalGenreName('RnB'), 'R&B');
    assert.equal(canonicalGenreName('rhythm and blues'), 'R&B');
    assert.equal(canonicalGenreName('hip hop'), 'Hip-Hop');
    assert.equal(canonicalGenreName('hiphop'), 'Hip-Hop');
    assert.equal(canonicalGenreName('DnB'), 'Drum & Bass');
    assert.equal(canonicalGenreName('OST'), 'Soundtrack');
  });

  it('keeps unknown genres as typed, cleaned', () => {
    assert.equal(canonicalGenreName('  Vaporwave\t '), 'Vaporwave');
    assert.equal(builtinGenre('Vaporwave'), undefined);
  });

  it('has no spelling that resolves to two genres', () => {
    const owner = new Map<string, string>();
    for (const genre of BUILTIN_GENRES) {
      for (const spelling of [genre.name, ...genre.aliases]) {
        const key = genreKey(spelling);
        assert.ok(key, `${spelling} has a key`);
        assert.ok(!owner.has(key) || owner.get(key) === genre.name, `${spelling} belongs to ${owner.get(key)} and ${genre.name}`);
        owner.set(key, genre.name);
      }
    }
  });
});

describe('genre lists', () => {
  it('splits packed tag fields but not names with a slash', () => {
    assert.deepEqual(splitGenreField(['Rock; Pop', 'Jazz\0Blues', 'R&B/Soul', ' ', 'Folk|Country']), ['Rock', 'Pop', 'Jazz', 'Blues', 'R&B/Soul', 'Folk', 'Country']);
  });

  it('normalises a track list: canonical names, first spelling wins, duplicates dropped', () => {
    assert.deepEqual(normaliseGenreList(['hip hop', 'Hip-Hop', 'electronica; Electronic', 'Vaporwave', 'vapor wave']), ['Hip-Hop', 'Electronic', 'Vaporwave']);
  });

  it('uses the given canonical mapping (the user vocabulary)', () => {
    const userNames = (name: string) => (genreKey(name) === 'hiphop' ? 'Rap & Hip-Hop' : canonicalGenreName(name));
    assert.deepEqual(normaliseGenreList(['hiphop', 'Pop'], userNames), ['Rap & Hip-Hop', 'Pop']);
  });

  it('rejects unusable names with a reason', () => {
    assert.equal(genreNameProblem('Rock'), null);
    assert.match(genreNameProblem('   ') ?? '', /empty/);
    assert.match(genreNameProblem('--') ?? '', /no letters/);
    assert.match(genreNameProblem('a'.repeat(81)) ?? '', /at most 80/);
    assert.match(genreNameProblem('Rock;Pop') ?? '', /separates genres/);
    assert.equal(cleanGenreName(' Deep\u0000House '), 'Deep House');
  });
});
