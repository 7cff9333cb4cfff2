import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackIndex, type TrackRecord } from '../../core/api/track-index.js';

function row(id: number, patch: Partial<TrackRecord> = {}): TrackRecord {
  return {
    id,
    fileName: `track-${id}.mp3`,
    title: null,
    artist: null,
    album: null,
    durationSec: null,
    tempoBpm: null,
    genres: [],
    confirmedGenres: [],
    genre: null,
    predictedGenre: null,
    confidence: null,
    unsureCandidates: null,
    genreConfirmed: false,
    status: 'done',
    error: null,
    folder: '',
    year: null,
    albumArtist: null,
    trackNo: null,
    discNo: null,
    albumKey: null,
    artHash: null,
    inferred: [],
    ...patch,
  };
}

const library = [
  row(1, { title: 'Blue in Green', artist: 'Miles Davis', album: 'Kind of Blue', genres: ['Jazz'], predictedGenre: 'Jazz', confidence: 0.91, tempoBpm: 60 }),
  row(2, { title: 'So What', artist: 'Miles Davis', album: 'Kind of Blue', genres: ['Jazz'], predictedGenre: 'Rock', confidence: 0.4, tempoBpm: 136, genreConfirmed: true }),
  row(3, { title: 'Windowlicker', artist: 'Aphex Twin', album: 'Windowlicker', genres: ['Electronic'], predictedGenre: 'Electronic', confidence: 0.75, tempoBpm: 127 }),
  row(4, { title: 'track 10', artist: 'aphex twin', genres: ['electronic'], tempoBpm: 90 }),
  row(5, { title: 'track 9', status: 'error', error: 'could not decode the audio' }),
  row(6, { fileName: 'untitled.flac', status: 'pending' }),
];
const all = { offset: 0, limit: 100 };
const ids = (index: TrackIndex, query: Parameters<TrackIndex['query']>[0]) => index.query(query).rows.map((track) => track.id);

test('search: every word must appear in title, artist, album or file name, case-insensitively', () => {
  const index = new TrackIndex(library);
  assert.deepEqual(ids(index, { ...all, search: 'miles' }), [1, 2]);
  assert.deepEqual(ids(index, { ...all, search: 'KIND blue so' }), [2]);
  assert.deepEqual(ids(index, { ...all, search: 'windowlicker' }), [3]);
  assert.deepEqual(ids(index, { ...all, search: 'untitled' }), [6]);
  assert.deepEqual(ids(index, { ...all, search: 'miles aphex' }), []);
  assert.deepEqual(ids(index, { ...all, search: '   ' }), [1, 2, 3, 4, 5, 6]);
});

test('sort: natural, case-insensitive text order; blanks last in both directions', () => {
  const index = new TrackIndex(library);
  // 'track 9' before 'track 10' (numeric collation); the untitled file sorts by its name.
  assert.deepEqual(ids(index, { ...all, sort: { key: 'title', direction: 'asc' } }), [1, 2, 5, 4, 6, 3]);
  assert.deepEqual(ids(index, { ...all, sort: { key: 'title', direction: 'desc' } }), [3, 6, 4, 5, 2, 1]);
  assert.deepEqual(ids(index, { ...all, sort: { key: 'tempoBpm', direction: 'asc' } }), [1, 4, 3, 2, 5, 6]);
  assert.deepEqual(ids(index, { ...all, sort: { key: 'tempoBpm', direction: 'desc' } }), [2, 3, 4, 1, 5, 6]);
  const byArtist = ids(index, { ...all, sort: { key: 'artist', direction: 'desc' } });
  assert.deepEqual(byArtist.slice(0, 2).sort(), [1, 2]);
  assert.deepEqual(byArtist.slice(-2).sort(), [5, 6], 'tracks without an artist stay last');
});

test('filters: tag genre, predicted genre, confidence range, unconfirmed, status', () => {
  const index = new TrackIndex(library);
  assert.deepEqual(ids(index, { ...all, genre: 'ELECTRONIC' }), [3, 4]);
  assert.deepEqual(ids(index, { ...all, predictedGenre: 'rock' }), [2]);
  assert.deepEqual(ids(index, { ...all, confidence: [0.5, 1] }), [1, 3]);
  assert.deepEqual(ids(index, { ...all, confidence: [0, 0.5] }), [2], 'tracks without a prediction never match a range');
  assert.deepEqual(ids(index, { ...all, genre: 'jazz', unconfirmed: true }), [1]);
  assert.deepEqual(ids(index, { ...all, status: 'error' }), [5]);
});

test('pages report the total of the whole result and of the library', () => {
  const index = new TrackIndex(library);
  const page = index.query({ offset: 2, limit: 2, sort: { key: 'title', direction: 'asc' } });
  assert.deepEqual(page.rows.map((track) => track.id), [5, 4]);
  assert.equal(page.total, 6);
  assert.equal(page.libraryTotal, 6);
  assert.equal(page.offset, 2);
  const filtered = index.query({ offset: 0, limit: 1, search: 'miles' });
  assert.equal(filtered.total, 2);
  assert.equal(filtered.rows.length, 1);
});

test('upserts and removals show in the next query, including a cached one', () => {
  const index = new TrackIndex(library);
  const query = { ...all, search: 'davis', sort: { key: 'title' as const, direction: 'asc' as const } };
  assert.deepEqual(ids(index, query), [1, 2]);
  index.upsert(row(7, { title: 'All Blues', artist: 'Miles Davis' }));
  assert.deepEqual(ids(index, query), [7, 1, 2]);
  index.upsert(row(1, { title: 'Blue in Green', artist: 'Bill Evans' }));
  assert.deepEqual(ids(index, query), [7, 2]);
  index.remove(2);
  assert.deepEqual(ids(index, query), [7]);
  assert.equal(index.size, 6);
});

test('facets list each genre once, whatever its case, and count errors', () => {
  const facets = new TrackIndex(library).facets();
  assert.deepEqual(facets.genres, ['Electronic', 'Jazz']);
  assert.deepEqual(facets.predictedGenres, ['Electronic', 'Jazz', 'Rock']);
  assert.equal(facets.errorCount, 1);
});

test('the genre column shows each genre once by its vocabulary name, keeping the tag spellings behind it', () => {
  const index = new TrackIndex([
    row(1, { genres: ['electronica'] }),
    row(2, { genres: ['Electronic', 'electronic', 'Jazz'] }),
    row(3, { genres: ['electronica'], confirmedGenres: ['Ambient'], genreConfirmed: true }),
    row(4),
  ]);
  const shown = new Map(index.query(all).rows.map((track) => [track.id, track.shownGenres]));
  assert.deepEqual(shown.get(1), [{ name: 'Electronic', tags: ['electronica'] }]);
  assert.deepEqual(shown.get(2), [
    { name: 'Electronic', tags: ['Electronic', 'electronic'] },
    { name: 'Jazz', tags: ['Jazz'] },
  ]);
  assert.deepEqual(shown.get(3), [{ name: 'Ambient', tags: [] }], 'confirmed genres replace the tags');
  assert.deepEqual(shown.get(4), []);
  assert.deepEqual(index.row(1)?.shownGenres, shown.get(1));
});

test('the genre column sorts by vocabulary name and follows a rename at once', () => {
  // A user vocabulary: "beat" goes by Hip-Hop, "electronica" by Electronic, until renamed.
  const names = new Map([
    ['beat', 'Hip-Hop'],
    ['electronica', 'Electronic'],
  ]);
  const index = new TrackIndex(
    [row(1, { genres: ['electronica'] }), row(2, { genres: ['Beat'] }), row(3, { genres: ['Funk'] }), row(4), row(5, { genres: ['Electronic'] })],
    (spelling) => names.get(spelling.toLowerCase()) ?? spelling,
  );
  const byGenre = (direction: 'asc' | 'desc') => ids(index, { ...all, sort: { key: 'genre', direction } });
  // As written, "Beat" would come first and "electronica" after "Electronic"'s track 5.
  assert.deepEqual(byGenre('asc'), [1, 5, 3, 2, 4]);
  assert.deepEqual(byGenre('desc'), [2, 3, 5, 1, 4], 'untagged tracks stay last');

  names.set('electronica', 'IDM');
  index.vocabularyChanged();
  assert.deepEqual(byGenre('asc'), [5, 3, 2, 1, 4]);
  assert.deepEqual(index.row(1)?.shownGenres, [{ name: 'IDM', tags: ['electronica'] }]);
  assert.deepEqual(index.named(row(9, { genres: ['Electronica', 'beat'] })).shownGenres, [
    { name: 'IDM', tags: ['Electronica'] },
    { name: 'Hip-Hop', tags: ['beat'] },
  ]);
});

test('a 100,000-track library answers a search within the UI budget', () => {
  const rows: TrackRecord[] = [];
  for (let id = 1; id <= 100_000; id += 1) {
    rows.push(row(id, { title: `Song ${id}`, artist: `Artist ${id % 997}`, album: `Album ${id % 5003}`, genres: [`Genre ${id % 16}`] }));
  }
  const index = new TrackIndex(rows);
  const started = performance.now();
  const page = index.query({ offset: 0, limit: 100, search: 'artist 4242' });
  const elapsed = performance.now() - started;
  const expected = rows.filter((track) => `${track.title} ${track.artist} ${track.album}`.includes('4242')).map((track) => track.id);
  assert.ok(expected.length > 10);
  assert.equal(page.total, expected.length);
  assert.deepEqual(page.rows.map((track) => track.id), expected.slice(0, 100));
  assert.ok(elapsed < 100, `search took ${elapsed.toFixed(1)} ms`);
});

test('sorting matches a plain comparator sort on a larger random library', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const names = ['Ölafur', 'Zed', 'alpha 2', 'alpha 10', 'Émile', 'beta', 'Beth', 'Ça va', '12 Tribes', 'mu'];
  const rows = Array.from({ length: 3000 }, (_, i) =>
    row(i + 1, {
      artist: random() < 0.1 ? null : names[Math.floor(random() * names.length)],
      tempoBpm: random() < 0.2 ? null : Math.round(random() * 2000) / 10,
    }),
  );
  const index = new TrackIndex(rows);
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  const reference = <T>(pick: (track: TrackRecord) => T | null, compare: (a: T, b: T) => number) =>
    [...rows]
      .sort((a, b) => {
        const [x, y] = [pick(a), pick(b)];
        if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
        return compare(x, y) || a.id - b.id;
      })
      .map((track) => track.id);
  assert.deepEqual(ids(index, { offset: 0, limit: 5000, sort: { key: 'artist', direction: 'asc' } }), reference((track) => track.artist, collator.compare));
  assert.deepEqual(ids(index, { offset: 0, limit: 5000, sort: { key: 'tempoBpm', direction: 'asc' } }), reference((track) => track.tempoBpm, (a, b) => a - b));
});
