// `npm start`: launches the Electron app when its binary is installed; otherwise (offline installs set
// ELECTRON_SKIP_BINARY_DOWNLOAD) it starts web mode, `timbre serve`, and prints the address to open.
// Arguments after `npm start --` go to `timbre serve` (e.g. --db FILE --port N).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { withElectronNativeModules } from './native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** Runs a child to completion, forwarding Ctrl-C, and resolves with its exit code. */
function runChild(command, args, mode) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (code !== 0) console.error(`Timbre (${mode}) exited with ${signal ?? `code ${code}`}.`);
      resolve(code ?? 1);
    });
  });
}

const electron = electronBinary();
if (electron) {
  console.log('Timbre: starting the desktop app (Electron).');
  process.exitCode = await withElectronNativeModules(() => runChild(electron, ['dist/electron/main/main.js'], 'Electron'));
} else {
  console.log('Timbre: the Electron binary is not installed, so starting web mode instead (timbre serve). Open the address below.');
  process.exitCode = await runChild(process.execPath, ['bin/timbre.js', 'serve', ...process.argv.slice(2)], 'web mode');
}
