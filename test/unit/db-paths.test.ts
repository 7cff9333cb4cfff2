import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDataDir, resolveDbPath } from '../../core/paths.js';

describe('library database location', () => {
  it('follows XDG on Linux, with ~/.local/share as the fallback', () => {
    assert.equal(resolveDbPath(undefined, { HOME: '/home/ann', XDG_DATA_HOME: '/data' }, 'linux'), '/data/timbre/library.db');
    assert.equal(resolveDbPath(undefined, { HOME: '/home/ann' }, 'linux'), '/home/ann/.local/share/timbre/library.db');
    // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    assert.equal(defaultDataDir({ HOME: '/home/ann', XDG_DATA_HOME: 'rel' }, 'linux'), '/home/ann/.local/share/timbre');
  });

  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    assert.equal(defaultDataDir({ HOME: '/Users/ann' }, 'darwin'), '/Users/ann/Library/Application Support/Timbre');
    assert.match(defaultDataDir({ HOME: 'C:\\Users\\ann', APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32'), /Roaming.Timbre$/);
  });

  it('lets --db win over TIMBRE_DB, and TIMBRE_DB over the default', () => {
    const env = { HOME: '/home/ann', TIMBRE_DB: '/env/lib.db' };
    assert.equal(resolveDbPath('/flag/lib.db', env, 'linux'), '/flag/lib.db');
    assert.equal(resolveDbPath(undefined, env, 'linux'), '/env/lib.db');
  });
});
