/**
 * The composition root of Timbre's core: opens the library database, starts the analysis worker
 * pool and (optionally) folder watching, and hands out one service object used alike by the CLI,
 * the web server and Electron. Pure Node: nothing here imports electron, react or the DOM.
 */
import type { CoreEvents, LibraryService } from './library/types.js';

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
}

export interface Core {
  library: LibraryService;
  events: CoreEvents;
  /** Absolute path of the open library database. */
  dbPath: string;
  /** Stops watching, lets running analyses finish (their results are saved), closes the database. */
  shutdown(): Promise<void>;
}

export async function createCore(options: CoreOptions = {}): Promise<Core> {
  void options;
  throw new Error('createCore: implementation in progress (H3)');
}
