import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../core/db/open.js';
import { BackboneFeaturesRepo } from '../../core/db/repos/backbone-features.js';
import { synthesize } from '../helpers/audio.js';
import { listTracksJson, runTimbre } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/temp.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pretrainedDir = process.env.TIMBRE_PRETRAINED_DIR ?? resolve(repoRoot, '..', 'shared', 'pretrained');
const skip = existsSync(join(pretrainedDir, 'msd-musicnn-1', 'model.json')) ? false : `no pretrained model under ${pretrainedDir}`;

describe('scan with a pretrained backbone', { skip }, () => {
  const temp = makeTempDir();
  const music = join(temp.dir, 'music');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: temp.dir, XDG_DATA_HOME: join(temp.dir, 'data') };
  delete env.TIMBRE_PRETRAINED_DIR;
  delete env.TIMBRE_BACKBONE_PATCHES;
  before(() => {
    mkdirSync(music, { recursive: true });
    synthesize(join(music, 'tone.flac'), { source: 'sine=frequency=330', seconds: 8 });
    synthesize(join(music, 'noise.flac'), { source: 'anoisesrc=color=pink:amplitude=0.3', seconds: 8 });
  });
  after(() => temp.cleanup());

  it('without one, stores no backbone features', async () => {
    const db = join(temp.dir, 'plain.db');
    const result = await runTimbre(['scan', music, '--db', db, '--jobs', '1'], { env });
    assert.equal(result.code, 0, result.stderr);
    const tracks = await listTracksJson(db);
    assert.deepEqual(tracks.map((track) => track.status), ['done', 'done']);
    const library = openDatabase(db);
    try {
      assert.equal(library.prepare('SELECT count(*) FROM track_backbone_features').pluck().get(), 0);
    } finally {
      library.close();
    }
  });

  it('with one (TIMBRE_PRETRAINED_DIR), stores its tags and embedding per track with the model id', async () => {
    const db = join(temp.dir, 'backbone.db');
    const result = await runTimbre(['scan', music, '--db', db, '--jobs', '1'], { env: { ...env, TIMBRE_PRETRAINED_DIR: pretrainedDir } });
    assert.equal(result.code, 0, result.stderr);
    const tracks = await listTracksJson(db);
    const library = openDatabase(db);
    try {
      const repo = new BackboneFeaturesRepo(library);
      const byPath = new Map(tracks.map((track) => [track.path, repo.get(track.id as number)]));
      for (const [path, features] of byPath) {
        assert.ok(features, `${path} has backbone features`);
        assert.equal(features.modelId, 'msd-musicnn-1');
        assert.equal(features.patchCount, 1, 'the scan runs one patch by default');
        assert.equal(features.tags.length, 50);
        assert.equal(features.embedding.length, 200);
        for (const p of features.tags) assert.ok(p >= 0 && p <= 1);
      }
      const [noise, tone] = [...byPath.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, features]) => features!);
      assert.notDeepEqual(tone.embedding, noise.embedding, 'different audio, different embeddings');
    } finally {
      library.close();
    }
  });
});
