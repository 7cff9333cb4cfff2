import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looseGenreKey, parseTreeNode, placeSpellings, suggestMerges } from '../../core/genres/spellings.js';

describe('genre spellings', () => {
  it('compares spellings by case, punctuation, short forms and known synonyms', () => {
    assert.equal(looseGenreKey('Alt. Rock'), looseGenreKey('Alternative Rock'));
    assert.equal(looseGenreKey('Hip Hop'), looseGenreKey('hip-hop'));
    assert.equal(looseGenreKey('Rap'), looseGenreKey('Hip-Hop'));
    assert.equal(looseGenreKey('Klassik'), looseGenreKey('Classical'));
    assert.notEqual(looseGenreKey('Rock'), looseGenreKey('Pop'));
    assert.notEqual(looseGenreKey('Alternative Rock'), looseGenreKey('Rock'));
  });

  it('suggests merges: a genre the library already uses, else the known name, else the spelling written out in full', () => {
    const suggestions = suggestMerges(
      [
        { spelling: 'Hip Hop', trackCount: 3 },
        { spelling: 'Hip-Hop', trackCount: 1 },
        { spelling: 'Rap', trackCount: 2 },
        { spelling: 'Alt. Rock', trackCount: 5 },
        { spelling: 'Alternative Rock', trackCount: 1 },
        { spelling: 'jazz', trackCount: 2 },
        { spelling: 'Jazz', trackCount: 1 },
        { spelling: 'Polka', trackCount: 9 },
      ],
      (spelling) => spelling === 'jazz',
    );
    const byTarget = new Map(suggestions.map((suggestion) => [suggestion.target, suggestion]));
    assert.deepEqual([...byTarget.keys()].sort(), ['Alternative Rock', 'Hip-Hop', 'jazz']);
    assert.deepEqual(byTarget.get('Hip-Hop')!.spellings.map((entry) => entry.spelling), ['Hip Hop', 'Rap', 'Hip-Hop']);
    assert.equal(byTarget.get('Hip-Hop')!.reason, 'alias');
    assert.equal(byTarget.get('jazz')!.reason, 'case or punctuation');
  });

  it('places spellings: the user first, then the tree, else unknown', () => {
    const user = new Map([['vaporwave', 'electronic'], ['rock', 'outside']]);
    assert.deepEqual(placeSpellings(['Vaporwave'], user), { placement: { kind: 'families', familyIds: ['electronic'] }, byUser: true });
    assert.deepEqual(placeSpellings(['Rock'], user), { placement: { kind: 'outside' }, byUser: true });
    assert.deepEqual(placeSpellings(['Pop/Rock'], new Map()), { placement: { kind: 'families', familyIds: ['pop', 'rock', 'metal', 'punk'] }, byUser: false });
    assert.deepEqual(placeSpellings(['Zeuhl'], new Map()), { placement: { kind: 'unknown' }, byUser: false });
    assert.deepEqual(parseTreeNode('hip hop'), ['hip-hop']);
    assert.equal(parseTreeNode('Outside'), 'outside');
    assert.equal(parseTreeNode('Polka'), null);
  });
});
