import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDispatcher, type Dispatcher } from '../../core/api/dispatch.js';
import { startWebServer } from '../../core/api/server.js';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { createCore } from '../../core/index.js';

export interface ServedLibrary {
  work: string;
  core: Awaited<ReturnType<typeof createCore>>;
  dispatcher: Dispatcher;
  server: Awaited<ReturnType<typeof startWebServer>>;
  close(): Promise<void>;
}

/**
 * A library of `tracks` synthesized rows (no audio: edits only need tracks to exist), its core with the
 * analysis stopped, and web mode serving it on 127.0.0.1.
 */
export async function serveSyntheticLibrary(prefix: string, tracks: number): Promise<ServedLibrary> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const dbPath = join(work, 'library.db');
  const seed = openDatabase(dbPath);
  const folder = new FoldersRepo(seed).add(join(work, 'music'));
  const repo = new TracksRepo(seed);
  seed.transaction(() => {
    for (let i = 0; i < tracks; i += 1) {
      repo.insert({ folderId: folder.id, path: join(work, 'music', `track-${i}.mp3`), size: 1000 + i, mtimeMs: 1_700_000_000_000, fingerprint: null, status: 'done', error: null });
    }
  })();
  seed.close();

  const core = await createCore({ dbPath, jobs: 1, autoStart: false });
  const dispatcher = createDispatcher(core, { mode: 'web', version: '0.0.0-test' });
  const server = await startWebServer({ dispatcher, staticDir: work });
  return {
    work,
    core,
    dispatcher,
    server,
    async close() {
      await server.close();
      dispatcher.close();
      await core.shutdown();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
