import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FeaturesRepo } from '../../core/db/repos/features.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { JobsRepo } from '../../core/db/repos/jobs.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { GenreService } from '../../core/genres/service.js';
import { AnalysisQueue } from '../../core/jobs/analysis-queue.js';
import { Scanner } from '../../core/library/scanner.js';
import { readTags } from '../../core/library/tags.js';
import { synthesize } from '../helpers/audio.js';
import { makeTempDir } from '../helpers/temp.js';
import { decodedAudioSha256, FIXTURES, sha256OfFile } from './tag-write-fixtures.js';

const FORMATS = ['MP3 (ID3v2.4)', 'FLAC', 'Ogg Vorbis', 'Opus', 'M4A (moov at end)'];

describe('merging two tag spellings, written to the files', () => {
  it('rewrites MP3, FLAC, Ogg, Opus and M4A files in one edit with progress, and undo restores every byte', async () => {
    const temp = makeTempDir('timbre-tag-spellings-');
    const db = openDatabase(':memory:');
    try {
      const files: Array<{ path: string; spelling: string }> = [];
      for (const [index, name] of FORMATS.entries()) {
        const fixture = FIXTURES.find((candidate) => candidate.name === name)!;
        for (const spelling of ['Alt. Rock', 'Alternative Rock']) {
          const path = join(temp.dir, `${index}-${spelling.replace(/\W+/g, '-')}.${fixture.extension}`);
          synthesize(path, {
            source: 'sine=frequency=330:sample_rate=44100',
            seconds: 2,
            tags: { genre: spelling, title: 'Fixture' },
            outputArgs: ['-ac', '2', ...fixture.outputArgs],
          });
          files.push({ path, spelling });
        }
      }
      const tracks = new TracksRepo(db);
      const scanner = new Scanner({ db, tracks, features: new FeaturesRepo(db), queue: new AnalysisQueue(new JobsRepo(db)) });
      await scanner.scanFolder(new FoldersRepo(db).add(temp.dir));
      for (const file of files) {
        const id = tracks.idByPath(file.path)!;
        const tags = await readTags(file.path);
        assert.deepEqual(tags.genres, [file.spelling], file.path);
        tracks.setTags(id, tags);
      }
      const before = new Map(files.map(({ path }) => [path, { bytes: sha256OfFile(path), audio: decodedAudioSha256(path) }]));

      const reported = new Set<number>();
      const service = new GenreService(db, { onTracksChanged: (ids) => ids.forEach((id) => reported.add(id)) });
      const progress: Array<[number, number]> = [];
      const result = await service.mergeSpellings(['Alt. Rock'], 'Alternative Rock', { writeTags: true, onProgress: ({ done, total }) => progress.push([done, total]) });
      assert.equal(result.summary, 'merge genre Alt. Rock into Alternative Rock (tags written to 5 files)');
      assert.deepEqual(result.files.map((file) => file.error), [null, null, null, null, null]);
      assert.deepEqual(progress, [[0, 5], [1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
      for (const { path, spelling } of files) {
        assert.deepEqual((await readTags(path)).genres, ['Alternative Rock'], path);
        assert.equal(decodedAudioSha256(path), before.get(path)!.audio, `${path}: the audio is untouched`);
        const changed = sha256OfFile(path) !== before.get(path)!.bytes;
        assert.equal(changed, spelling === 'Alt. Rock', `${path}: only the files spelling the merged genre are rewritten`);
        assert.deepEqual(tracks.summary(tracks.idByPath(path)!)!.genres, ['Alternative Rock'], 'the library reads the new tags');
      }
      const merged = files.filter((file) => file.spelling === 'Alt. Rock').map((file) => tracks.idByPath(file.path)!);
      assert.deepEqual([...reported].sort(), merged.sort(), 'the tracks whose genre reads differently were announced, the others not');
      assert.equal(service.canonicalName('alt. rock'), 'Alternative Rock');
      assert.ok(!service.spellingVocabulary().entries.some((entry) => entry.name === 'Alt. Rock'));

      const undone = service.undo();
      assert.equal(undone.files.length, 5);
      for (const { path, spelling } of files) {
        assert.equal(sha256OfFile(path), before.get(path)!.bytes, `${path}: byte for byte`);
        assert.deepEqual(tracks.summary(tracks.idByPath(path)!)!.genres, [spelling]);
      }
      assert.equal(service.canonicalName('Alt. Rock'), 'Alt. Rock', 'the vocabulary is back too');
      assert.equal((await scanner.scanFolder(new FoldersRepo(db).list()[0])).summary.changed, 0, 'the library knows the restored versions');
    } finally {
      db.close();
      temp.cleanup();
    }
  });
});
