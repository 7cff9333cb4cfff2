// better-sqlite3 is a native module, built for one ABI at a time: Node's (the CLI, tests, web mode)
// or Electron's (the desktop app). These helpers switch node_modules to Electron's ABI for a task
// and always switch back, so the CLI and the tests keep working afterwards.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

/** Runs task() (which returns an exit code) with native modules built for Electron, then restores Node's. */
export async function withElectronNativeModules(task) {
  console.log('Timbre: building native modules for Electron (restored for Node afterwards)…');
  const prepared = run(npx, ['electron-builder', 'install-app-deps']);
  try {
    return prepared === 0 ? await task() : prepared;
  } finally {
    console.log('Timbre: restoring native modules for Node…');
    run(npm, ['rebuild', 'better-sqlite3']);
  }
}

export { run };
