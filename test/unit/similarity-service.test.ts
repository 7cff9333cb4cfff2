import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { FMA518_KEYS } from '../../core/features/fma518.js';
import type { SimilarityTrack } from '../../core/similarity/library.js';
import { loadSimilarityTracks } from '../../core/similarity/library-db.js';
import { parseM3u8 } from '../../core/similarity/m3u.js';
import { SimilarityService } from '../../core/similarity/service.js';
import { makeTempDir } from '../helpers/temp.js';
import { addClusteredTracks } from './similarity-fixtures.js';

const GENRES = ['Ambient', 'Metal', 'Jazz'];
/** Small layouts: a unit test checks behaviour, not the layout's quality. */
const MAP_LAYOUT = { epochs: 30, sampleSize: 40 };

function library(count = 60) {
  const temp = makeTempDir('timbre-similarity-service-');
  const root = path.join(temp.dir, 'music');
  const dbPath = path.join(temp.dir, 'library.db');
  const db = openDatabase(dbPath);
  const ids = addClusteredTracks(db, { root, count, genres: GENRES });
  return { temp, root, db, dbPath, ids };
}

test('the index is built once for concurrent queries and rebuilt on the next query after invalidate', async () => {
  const { temp, db, ids } = library(30);
  let loads = 0;
  let tracks: SimilarityTrack[] = [];
  const service = new SimilarityService({
    db,
    loadTracks: () => {
      loads++;
      return tracks;
    },
  });
  try {
    await assert.rejects(service.similar(ids[0], 3), /no analysed tracks yet/);
    tracks = loadSimilarityTracks(db);
    const [a, b] = await Promise.all([service.similar(ids[0], 5), service.similar({ trackId: ids[1] }, 5)]);
    assert.equal(loads, 2, 'one failed load, then one build for both queries');
    assert.equal(a.length, 5);
    assert.ok(!b.some((result) => result.trackId === ids[1]), 'never the seed itself');
    await service.similar(ids[2], 5);
    assert.equal(loads, 2, 'no rebuild without invalidate');
    service.invalidate();
    await service.similar(ids[2], 5);
    assert.equal(loads, 3);
  } finally {
    await service.close();
    db.close();
    temp.cleanup();
  }
});

test('similar(id) finds the seed\'s cluster and says why', async () => {
  const { temp, db, ids } = library();
  const service = new SimilarityService({ db });
  try {
    const neighbours = await service.similar(ids[4], 6);
    assert.equal(neighbours.length, 6);
    assert.ok(neighbours.every((neighbour) => (neighbour.trackId - ids[4]) % 3 === 0), 'same cluster (Metal)');
    assert.ok(neighbours.every((neighbour, i) => i === 0 || neighbour.score <= neighbours[i - 1].score));
    assert.ok(neighbours.every((neighbour) => neighbour.reasons.some((reason) => reason.text === 'both Metal')));
  } finally {
    await service.close();
    db.close();
    temp.cleanup();
  }
});

test('generate: seeds first, caps, genre filters, reasons and transitions; unknown ids are dropped', async () => {
  const { temp, db, ids } = library();
  const service = new SimilarityService({ db });
  try {
    const playlist = await service.generate({ seeds: [ids[0], 9999], count: 8, maxPerArtist: 1, excludeGenres: ['metal'] });
    assert.deepEqual(playlist.request.seeds, [ids[0]], 'a seed not in the library is dropped');
    assert.equal(playlist.trackIds.length, 8, 'eight artists have non-Metal tracks');
    assert.deepEqual(playlist.entries.map((entry) => entry.trackId), playlist.trackIds);
    assert.equal(playlist.trackIds[0], ids[0]);
    assert.equal(playlist.entries[0].isSeed, true);
    assert.equal(playlist.entries[0].transition, null);
    assert.deepEqual(playlist.entries[0].reasons, []);
    const tracks = new TracksRepo(db);
    const artists = playlist.trackIds.map((id) => tracks.summary(id)!.artist);
    assert.equal(new Set(artists).size, artists.length, 'at most one per artist');
    assert.ok(playlist.trackIds.every((id) => tracks.summary(id)!.genres[0] !== 'Metal'));
    for (const entry of playlist.entries.slice(1)) {
      assert.equal(entry.isSeed, false);
      assert.ok(entry.transition && entry.transition.similarity <= 1 && entry.transition.tempoRatio! > 0);
      assert.ok(entry.reasons.length > 0, 'every pick has a reason');
    }
    assert.equal(playlist.totalDurationSec, 1600);

    // "Less like this" on the whole Ambient cluster but the seed steers the picks to Jazz.
    const ambient = ids.filter((_, i) => i % 3 === 0);
    const steered = await service.generate({ seeds: [ids[0]], count: 6, lessLike: ambient.slice(1), excludeGenres: ['Metal'] });
    assert.ok(steered.trackIds.slice(1).every((id) => tracks.summary(id)!.genres[0] === 'Jazz'));
    await assert.rejects(service.generate({ seeds: [9999] }), /none of the seed tracks/);
  } finally {
    await service.close();
    db.close();
    temp.cleanup();
  }
});

test('saved playlists: save, list, rename, reorder, remove (stays out on regenerate), delete', async () => {
  const { temp, db, ids } = library();
  const service = new SimilarityService({ db });
  try {
    const generated = await service.generate({ seeds: [ids[1]], count: 8 });
    const saved = service.savePlaylist({ name: ' Metal mix ', trackIds: generated.trackIds, request: generated.request });
    assert.equal(saved.name, 'Metal mix');
    assert.equal(saved.generated, true);
    assert.equal(saved.trackCount, 8);
    assert.equal(saved.durationSec, 1600);
    assert.deepEqual(service.listPlaylists().map((playlist) => playlist.id), [saved.id]);

    const removed = saved.trackIds[3];
    const reordered = [...saved.trackIds].reverse().filter((id) => id !== removed);
    const updated = service.updatePlaylist(saved.id, { name: 'Heavy', trackIds: reordered });
    assert.equal(updated.name, 'Heavy');
    assert.deepEqual(updated.trackIds, reordered);
    assert.deepEqual(updated.request!.exclude, [removed]);
    assert.deepEqual(service.getPlaylist(saved.id), updated);

    const { playlist, generated: again } = await service.regeneratePlaylist(saved.id);
    assert.equal(playlist.trackIds.length, 8);
    assert.ok(!playlist.trackIds.includes(removed), 'a removed track is not brought back');
    assert.deepEqual(playlist.trackIds, again.trackIds);
    assert.equal(playlist.trackIds[0], ids[1]);
    assert.deepEqual(playlist.request!.exclude, [removed], 'what regenerating replaced is not excluded');

    assert.throws(() => service.savePlaylist({ name: 'x', trackIds: [ids[0], 9999] }), /no track 9999/);
    assert.throws(() => service.savePlaylist({ name: '  ', trackIds: [] }), /needs a name/);
    const manual = service.savePlaylist({ name: 'By hand', trackIds: [ids[2]] });
    await assert.rejects(service.regeneratePlaylist(manual.id), /was not generated/);
    assert.equal(service.deletePlaylist(saved.id), true);
    assert.equal(service.deletePlaylist(saved.id), false);
    assert.equal(service.getPlaylist(saved.id), null);
    assert.deepEqual(service.listPlaylists().map((summary) => summary.name), ['By hand']);
  } finally {
    await service.close();
    db.close();
    temp.cleanup();
  }
});

test('M3U8: relative and absolute text, export to a file, import a file and uploaded text with missing entries', async () => {
  const { temp, db, ids } = library(12);
  const service = new SimilarityService({ db });
  try {
    const tracks = new TracksRepo(db);
    const saved = service.savePlaylist({ name: 'Mix', trackIds: [ids[4], ids[2], ids[7]] });
    const file = (id: number) => tracks.summary(id)!.path;

    const absolute = service.playlistM3u8(saved.id, { style: 'absolute' });
    assert.equal(absolute, `#EXTM3U\n#EXTINF:200,Artist 4 - Track 4\n${file(ids[4])}\n#EXTINF:200,Artist 2 - Track 2\n${file(ids[2])}\n#EXTINF:200,Artist 7 - Track 7\n${file(ids[7])}\n`);
    const relative = service.playlistM3u8(saved.id, { style: 'relative' });
    assert.match(relative, /^#EXTM3U\n#EXTINF:200,Artist 4 - Track 4\nMetal\/track 4\.mp3\n/, 'from the tracks\' common folder');

    const out = path.join(temp.dir, 'lists', 'mix.m3u8');
    assert.deepEqual(await service.exportPlaylist(saved.id, { path: out, style: 'relative' }), { path: out, tracks: 3 });
    const written = await readFile(out, 'utf8');
    assert.match(written, /\n\.\.\/music\/Metal\/track 4\.mp3\n/);
    assert.deepEqual(parseM3u8(written, out).map((entry) => entry.path), [file(ids[4]), file(ids[2]), file(ids[7])]);

    await writeFile(out, `${written}../elsewhere.mp3\n`);
    const imported = await service.importPlaylist(out);
    assert.equal(imported.playlist.name, 'mix');
    assert.equal(imported.playlist.generated, false);
    assert.deepEqual(imported.playlist.trackIds, [ids[4], ids[2], ids[7]]);
    assert.deepEqual(imported.missing, [path.join(temp.dir, 'elsewhere.mp3')]);

    const upload = service.importPlaylistText('Upload', `#EXTM3U\nJazz/track 2.mp3\n..\\Ambient\\track 0.mp3\n${file(ids[3])}\nnowhere/track 99.mp3\n`);
    assert.deepEqual(upload.playlist.trackIds, [ids[2], ids[0], ids[3]]);
    assert.deepEqual(upload.missing, ['nowhere/track 99.mp3']);

    // An import that matches nothing saves nothing.
    const playlistCount = service.listPlaylists().length;
    await writeFile(out, '#EXTM3U\n../elsewhere.mp3\n');
    await assert.rejects(service.importPlaylist(out), /none of the 1 entries of 'mix' is a track of the library \(first: .*elsewhere\.mp3\)/);
    await writeFile(out, '#EXTM3U\n');
    await assert.rejects(service.importPlaylist(out), /'mix' has no playlist entries/);
    assert.throws(() => service.importPlaylistText('Nothing', 'nowhere/track 99.mp3\n'), /none of the 1 entries of 'Nothing'/);
    assert.equal(service.listPlaylists().length, playlistCount);
  } finally {
    await service.close();
    db.close();
    temp.cleanup();
  }
});

test('the library map is laid out in a worker, cached in the database, and recomputed only when features change', async () => {
  const { temp, db, dbPath, ids } = library(45);
  const service = new SimilarityService({ db, mapLayout: MAP_LAYOUT });
  try {
    assert.equal(service.mapStatus().state, 'none');
    const map = await service.libraryMap();
    assert.equal(map.stale, false);
    assert.equal(map.points.length, ids.length);
    assert.ok(map.points.every((point) => point.x >= 0 && point.x <= 1 && point.y >= 0 && point.y <= 1));
    assert.deepEqual(new Set(map.points.map((point) => point.genre)), new Set(GENRES));
    assert.equal(service.mapStatus().state, 'ready');

    // Clusters stay apart: each point's nearest other point is in its own cluster, nearly always.
    const clusterOf = new Map(map.points.map((point) => [point.trackId, point.genre]));
    let sameCluster = 0;
    for (const point of map.points) {
      const nearest = map.points
        .filter((other) => other !== point)
        .reduce((best, other) => (Math.hypot(other.x - point.x, other.y - point.y) < Math.hypot(best.x - point.x, best.y - point.y) ? other : best));
      if (clusterOf.get(nearest.trackId) === point.genre) sameCluster++;
    }
    assert.ok(sameCluster >= 0.9 * map.points.length, `${sameCluster} of ${map.points.length}`);

    service.invalidate(); // e.g. a genre edit: same features, no new layout
    assert.equal((await service.libraryMap()).computedAt, map.computedAt);

    new FeaturesRepo(db).save(ids[0], {
      analysisVersion: 1,
      analysedAt: 1,
      fma518: new Float32Array(FMA518_KEYS.length).fill(3),
      tempoBpm: 100,
      melPreview: { bands: 1, frames: 1, secondsPerFrame: 1, dbMin: -80, dbMax: 0, data: new Uint8Array(1) },
    });
    service.invalidate();
    const stale = await service.libraryMap({ wait: false });
    assert.equal(stale.stale, true, 'the previous layout at once while the new one is computed');
    assert.equal(stale.computedAt, map.computedAt);
    assert.equal(service.mapStatus().state, 'computing');
    const fresh = await service.libraryMap();
    assert.equal(fresh.stale, false);
    assert.ok(fresh.computedAt >= map.computedAt);
    assert.notDeepEqual(fresh.points, map.points);
  } finally {
    await service.close();
  }

  // A new session on the same database reuses the saved layout.
  const db2 = openDatabase(dbPath);
  const reopened = new SimilarityService({ db: db2, mapLayout: MAP_LAYOUT });
  try {
    const before = service.mapStatus().computedAt;
    const restored = await reopened.libraryMap({ wait: false });
    assert.equal(restored.stale, false);
    assert.equal(restored.computedAt, before);
    assert.equal(reopened.mapStatus().state, 'ready');
  } finally {
    await reopened.close();
    db2.close();
    db.close();
    temp.cleanup();
  }
});
