/**
 * The composition root of Timbre's core: opens the library database, starts the analysis worker
 * pool and (optionally) folder watching, and hands out one service object used alike by the CLI,
 * the web server and Electron. Pure Node: nothing here imports electron, react or the DOM.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { LibraryFile } from './db/library-file.js';
import { openDatabase } from './db/open.js';
import { FeaturesRepo } from './db/repos/features.js';
import { BackboneFeaturesRepo } from './db/repos/backbone-features.js';
import { PredictionsRepo } from './db/repos/predictions.js';
import { FoldersRepo } from './db/repos/folders.js';
import { JobsRepo } from './db/repos/jobs.js';
import { MetaRepo } from './db/repos/meta.js';
import { TrackChangesRepo } from './db/repos/track-changes.js';
import { TracksRepo } from './db/repos/tracks.js';
import { CoreEventBus, onTrackUpdates } from './events.js';
import { GenreService } from './genres/service.js';
import { AnalysisQueue } from './jobs/analysis-queue.js';
import { AnalysisRunner } from './jobs/runner.js';
import { RunnerRegistry } from './jobs/runner-registry.js';
import { Scanner } from './library/scanner.js';
import { CHANGE_LOG_RETENTION_MS, OtherProcesses } from './library/other-processes.js';
import { Library } from './library/service.js';
import type { CoreEvents, LibraryService } from './library/types.js';
import { resolveDbPath } from './paths.js';
import { RetrainService } from './retrain/service.js';
import { SimilarityService } from './similarity/service.js';
import { DuplicatesService } from './duplicates/service.js';
import { WorkerPool } from './workers/pool.js';

export type * from './library/types.js';

export interface CoreOptions {
  /** The library database; default: TIMBRE_DB, then the platform's data folder (see core/paths.ts). */
  dbPath?: string;
  /** Analysis workers; default: the number of CPU cores. */
  jobs?: number;
  /** Watch every registered folder for changes (the app and `timbre watch`); default false. */
  watch?: boolean;
  /** Start analysing queued jobs right away; default true. false starts paused (see library.resume()). */
  autoStart?: boolean;
  /**
   * Follow what other processes (a CLI scan, a second app) change in the same library, announcing it
   * through the usual events within about a second; default: as `watch`.
   */
  followOtherProcesses?: boolean;
}

export interface Core {
  library: LibraryService;
  events: CoreEvents;
  /** Genre fixing: confirmed genres, vocabulary, tag write-back, undo/redo. */
  genres: GenreService;
  /** "Sounds like this": similar tracks, playlists (generated and saved, M3U8), the library map. */
  similarity: SimilarityService;
  /** Duplicate files of one recording (core/duplicates). */
  duplicates: DuplicatesService;
  /** "Retrain from my fixes": model versions, rollback, the confusion report. */
  retrain: RetrainService;
  /** Absolute path of the open library database. */
  dbPath: string;
  /** The album-art thumbnail cache (core/library/art.ts), beside the database. */
  artDir: string;
  /**
   * Throws LibraryUnavailableError when the database file was deleted, replaced or made read-only
   * since it was opened: edits would be acknowledged, then lost.
   */
  checkLibraryFile(): void;
  /** Stops watching, lets running analyses finish (their results are saved), closes the database. */
  shutdown(): Promise<void>;
}

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  const dbPath = resolveDbPath(options.dbPath);
  const jobs = options.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`jobs must be a positive integer, got ${options.jobs}`);

  const db = openDatabase(dbPath);
  const libraryFile = new LibraryFile(dbPath);
  const events = new CoreEventBus();
  const folders = new FoldersRepo(db);
  const tracks = new TracksRepo(db);
  const features = new FeaturesRepo(db);
  const predictions = new PredictionsRepo(db);
  const backboneFeatures = new BackboneFeaturesRepo(db);
  const queue = new AnalysisQueue(new JobsRepo(db));
  const artDir = join(dirname(dbPath), 'art');
  const pool = new WorkerPool({ size: jobs, artDir });
  const notifyTracksChanged = (ids: readonly number[]) => library.notifyTracksChanged(ids);
  const retrain = new RetrainService({ db, predictions, events, onTracksChanged: notifyTracksChanged });
  const runner = new AnalysisRunner(
    {
      db,
      queue,
      tracks,
      features,
      predictions,
      backboneFeatures,
      activeHead: retrain.activeHead,
      pool,
      registry: new RunnerRegistry(new MetaRepo(db)),
      // Results land one track at a time: subscribers get them gathered.
      onTrackChanged: (id) => library.notifyTrackChangedSoon(id),
      onProgress: (progress) => events.emit('progress', progress),
    },
    { paused: options.autoStart === false },
  );
  const scanner = new Scanner({ db, tracks, features, queue });
  const library = new Library({ db, folders, tracks, features, predictions, scanner, runner, events, watch: options.watch ?? false });
  const genres = new GenreService(db, { onTracksChanged: notifyTracksChanged });
  // Settles tag writes a crash interrupted, before anything reads those files.
  genres.recover();
  const similarity = new SimilarityService({ db });
  const duplicates = new DuplicatesService(db);
  // Analysed, edited or removed tracks change vectors, genres, duplicates and the map: rebuild on the next query.
  onTrackUpdates(events, () => {
    similarity.invalidate();
    duplicates.invalidate();
  });
  // Finishes a prediction refresh a crash interrupted.
  retrain.recover();
  runner.start();
  if (options.watch) library.startWatchingAll();
  const changes = new TrackChangesRepo(db);
  changes.prune(Date.now() - CHANGE_LOG_RETENTION_MS);
  let otherProcesses: OtherProcesses | null = null;
  if (options.followOtherProcesses ?? options.watch ?? false) {
    let knownFolderIds = new Set(library.listFolders().map((folder) => folder.id));
    otherProcesses = new OtherProcesses({
      changes,
      allTrackIds: () => library.listTracks().map((track) => track.id),
      tracksChanged: (ids) => library.notifyTracksChanged(ids),
      libraryChanged: () => {
        const folders = library.listFolders();
        for (const folder of folders) events.emit('folder-updated', { id: folder.id, folder });
        for (const id of knownFolderIds) if (!folders.some((folder) => folder.id === id)) events.emit('folder-updated', { id, folder: null });
        knownFolderIds = new Set(folders.map((folder) => folder.id));
        // Jobs another process queued are this one's to share; its counts go to the progress bar.
        runner.pump();
        events.emit('progress', runner.progress());
      },
      onError: (message) => console.error(`timbre: ${message}`),
    });
    otherProcesses.start();
  }

  let shuttingDown: Promise<void> | null = null;
  return {
    library,
    events,
    genres,
    retrain,
    similarity,
    duplicates,
    dbPath,
    artDir,
    checkLibraryFile: () => libraryFile.check(),
    shutdown() {
      shuttingDown ??= (async () => {
        otherProcesses?.stop();
        await library.close();
        await runner.close();
        await retrain.close();
        await similarity.close();
        db.close();
      })();
      return shuttingDown;
    },
  };
}
