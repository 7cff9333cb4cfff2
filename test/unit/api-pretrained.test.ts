import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDispatcher } from '../../core/api/dispatch.js';
import { createCore } from '../../core/index.js';
import { makeTempDir } from '../helpers/temp.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const pretrainedDir = process.env.TIMBRE_PRETRAINED_DIR ?? resolve(repoRoot, '..', 'shared', 'pretrained');

test('listPretrainedModels lists the installed backbones for the app, the active one marked', async () => {
  const temp = makeTempDir();
  const saved = { dir: process.env.TIMBRE_PRETRAINED_DIR, home: process.env.HOME, xdg: process.env.XDG_DATA_HOME };
  process.env.HOME = temp.dir;
  process.env.XDG_DATA_HOME = join(temp.dir, 'data');
  const core = await createCore({ dbPath: join(temp.dir, 'library.db'), jobs: 1, autoStart: false });
  try {
    const dispatcher = createDispatcher(core, { mode: 'web', version: 'test' });
    delete process.env.TIMBRE_PRETRAINED_DIR;
    assert.deepEqual(await dispatcher.call('listPretrainedModels', []), { ok: true, result: [] });
    const rejected = await dispatcher.call('listPretrainedModels', [{ extra: 1 }]);
    assert.equal(rejected.ok, false);
    if (existsSync(join(pretrainedDir, 'msd-musicnn-1', 'model.json'))) {
      process.env.TIMBRE_PRETRAINED_DIR = pretrainedDir;
      const response = await dispatcher.call('listPretrainedModels', []);
      assert.ok(response.ok);
      const models = response.result as Array<{ id: string; active: boolean; origin: string; problems: string[] }>;
      assert.deepEqual(models.map(({ id, active, origin, problems }) => ({ id, active, origin, problems })), [
        { id: 'msd-musicnn-1', active: true, origin: 'env', problems: [] },
      ]);
    }
  } finally {
    await core.shutdown();
    for (const [key, value] of [['TIMBRE_PRETRAINED_DIR', saved.dir], ['HOME', saved.home], ['XDG_DATA_HOME', saved.xdg]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    temp.cleanup();
  }
});
