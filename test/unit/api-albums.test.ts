import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlbumIndex } from '../../core/api/album-index.js';
import { toTrackRow } from '../../core/api/dispatch.js';
import { TrackIndex } from '../../core/api/track-index.js';
import { parseArgs } from '../../core/api/schemas.js';
import type { TrackSummary } from '../../core/library/types.js';

const ROOT = '/music';
let nextId = 1;

function track(path: string, tags: Partial<TrackSummary> = {}): TrackSummary {
  return {
    id: nextId++,
    folderId: 1,
    path: `${ROOT}/${path}`,
    title: null,
    artist: null,
    album: null,
    year: null,
    albumArtist: null,
    trackNo: null,
    discNo: null,
    artHash: null,
    genres: [],
    durationSec: 100,
    bitrate: null,
    sampleRate: null,
    status: 'done',
    error: null,
    tempoBpm: null,
    rating: null,
    confirmedGenres: [],
    predicted: null,
    genre: null,
    ...tags,
  };
}

function libraryOf(tracks: TrackSummary[]): { index: TrackIndex; albums: AlbumIndex } {
  const index = new TrackIndex(tracks.map((summary) => toTrackRow(summary, ROOT)));
  return { index, albums: new AlbumIndex(index) };
}

describe('untagged files', () => {
  const tracks = [
    track('Drascula/Soundtrack/01 Castle.ogg'),
    track('Drascula/Soundtrack/02 Crypt.ogg', { title: 'The Crypt', genres: ['Soundtrack'] }),
    track('Other/tune.ogg', { title: 'Tune', artist: 'Someone', album: 'Things' }),
  ];
  const { index } = libraryOf(tracks);

  it('take title, artist and album from the path, and say which were inferred', () => {
    const [castle, crypt, tune] = index.query({ offset: 0, limit: 10 }).rows;
    assert.deepEqual([castle.title, castle.artist, castle.album, castle.trackNo], ['Castle', 'Drascula', 'Soundtrack', 1]);
    assert.deepEqual(castle.inferred, ['title', 'artist', 'album']);
    assert.deepEqual([crypt.title, crypt.inferred], ['The Crypt', ['artist', 'album']]);
    assert.deepEqual(tune.inferred, []);
    assert.equal(tune.folder, 'Other');
    assert.equal(castle.folder, 'Drascula/Soundtrack');
  });

  it('are found by their folder names, and so are tagged files', () => {
    const found = (search: string) => index.query({ offset: 0, limit: 10, search }).rows.map((row) => row.id);
    assert.deepEqual(found('drascula'), [tracks[0].id, tracks[1].id]);
    assert.deepEqual(found('other'), [tracks[2].id]);
    assert.deepEqual(found('soundtrack crypt'), [tracks[1].id]);
  });
});

describe('albums and artists', () => {
  const tracks = [
    // One album in two disc folders, listed out of order.
    track('Band/Album/CD2/01 d.flac', { title: 'D', artist: 'Band', album: 'Album', trackNo: 1, discNo: 2, year: 2001, genres: ['Rock'] }),
    track('Band/Album/CD1/02 b.flac', { title: 'B', artist: 'Band', album: 'Album', trackNo: 2, discNo: 1, year: 2001, genres: ['Rock'], artHash: 'ab'.repeat(16) }),
    track('Band/Album/CD1/01 a.flac', { title: 'A', artist: 'Band', album: 'Album', trackNo: 1, discNo: 1, year: 2001, genres: ['Alt Rock'] }),
    // A compilation in one folder, no album-artist tag: one album by various artists.
    track('Comp/01.mp3', { title: 'X', artist: 'Band', album: 'Hits', genres: ['Techno'] }),
    track('Comp/02.mp3', { title: 'Y', artist: 'Solo', album: 'Hits', genres: ['House'] }),
    // Album-artist tag across two folders: one album.
    track('Split1/01.mp3', { title: 'P', artist: 'Guest', albumArtist: 'Host', album: 'Live', genres: ['Jazz'] }),
    track('Split2/02.mp3', { title: 'Q', artist: 'Host', albumArtist: 'Host', album: 'Live', genres: ['Jazz'] }),
    // Same album name, different folders, no album artist: two albums.
    track('A/Greatest Hits/01.mp3', { title: 'G1', artist: 'A', album: 'Greatest Hits' }),
    track('B/Greatest Hits/01.mp3', { title: 'G2', artist: 'B', album: 'Greatest Hits' }),
  ];
  const { albums } = libraryOf(tracks);
  const byTitle = (title: string) => albums.listAlbums({}).albums.filter((album) => album.title === title);

  it('keep disc folders together and order tracks by disc, then track', () => {
    const [album] = byTitle('Album');
    assert.equal(album.trackCount, 3);
    assert.equal(album.artist, 'Band');
    assert.equal(album.year, 2001);
    assert.equal(album.genreFamily, 'rock');
    assert.deepEqual(album.art, { trackId: tracks[1].id, hash: 'ab'.repeat(16) });
    assert.deepEqual(albums.getAlbum(album.key).tracks.map((row) => row.id), [tracks[2].id, tracks[1].id, tracks[0].id]);
  });

  it('group a compilation by its folder, and an album-artist tag across folders', () => {
    const [hits] = byTitle('Hits');
    assert.equal(hits.artist, 'Various Artists');
    assert.equal(hits.trackCount, 2);
    assert.equal(hits.genreFamily, 'electronic');
    const [live] = byTitle('Live');
    assert.deepEqual([live.artist, live.trackCount], ['Host', 2]);
    assert.equal(byTitle('Greatest Hits').length, 2);
  });

  it('filter by genre family and sort', () => {
    const listing = albums.listAlbums({ genreFamily: 'jazz' });
    assert.deepEqual(listing.albums.map((album) => album.title), ['Live']);
    assert.equal(listing.libraryTotal, 5);
    assert.deepEqual(
      listing.families.map((family) => [family.id, family.count]),
      [['rock', 1], ['electronic', 1], ['jazz', 1]],
    );
    assert.deepEqual(albums.listAlbums({ sort: 'title' }).albums.map((album) => album.title), ['Album', 'Greatest Hits', 'Greatest Hits', 'Hits', 'Live']);
    assert.deepEqual(albums.listAlbums({ sort: 'trackCount', direction: 'desc' }).albums[0].title, 'Album');
    assert.deepEqual(albums.listAlbums({ search: 'various' }).albums.map((album) => album.title), ['Hits']);
  });

  it('list artists with their albums and the albums they appear on', () => {
    const names = albums.listArtists({}).artists.map((artist) => artist.name);
    assert.deepEqual(names, ['A', 'B', 'Band', 'Guest', 'Host', 'Solo']);
    const band = albums.getArtist('band');
    assert.deepEqual(band.albums.map((album) => album.title), ['Album']);
    assert.deepEqual(band.appearsOn.map((album) => album.title), ['Hits']);
    assert.equal(band.artist.trackCount, 4);
    assert.deepEqual(band.trackIds, [tracks[2].id, tracks[1].id, tracks[0].id, tracks[3].id]);
    assert.deepEqual(albums.getArtist('Guest').appearsOn.map((album) => album.title), ['Live']);
    assert.throws(() => albums.getArtist('Nobody'), /no artist named Nobody/);
    assert.throws(() => albums.getAlbum('0123456789abcdef'), /no album/);
  });

  it('refuse an unknown genre family and a malformed album key at the boundary', () => {
    assert.throws(() => parseArgs('listAlbums', [{ genreFamily: 'polka' }]), /not a genre family/);
    assert.throws(() => parseArgs('getAlbum', [{ key: '../../etc' }]), /16 hex digits/);
  });
});
