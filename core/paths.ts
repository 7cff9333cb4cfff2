import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The platform's per-user data folder for Timbre: $XDG_DATA_HOME/timbre on Linux (default
 * ~/.local/share/timbre), ~/Library/Application Support/Timbre on macOS, %APPDATA%\Timbre on Windows.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Timbre');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Timbre');
  const xdgDataHome = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(xdgDataHome, 'timbre');
}

/** The library database: an explicit path (--db) wins, then TIMBRE_DB, then <data dir>/library.db. */
export function resolveDbPath(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (explicit) return resolve(explicit);
  if (env.TIMBRE_DB) return resolve(env.TIMBRE_DB);
  return join(defaultDataDir(env, platform), 'library.db');
}
