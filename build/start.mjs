// `npm start`: launches the Electron app when its binary is installed; otherwise (offline installs set
// ELECTRON_SKIP_BINARY_DOWNLOAD) it starts web mode, `timbre serve`, and prints the address to open.
// Arguments after `npm start --` go to `timbre serve` (e.g. --db FILE --port N).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const [command, args, mode] = electron
  ? [electron, ['dist/electron/main/main.js'], 'Electron']
  : [process.execPath, ['bin/timbre.js', 'serve', ...process.argv.slice(2)], 'web mode'];
console.log(
  electron
    ? 'Timbre: starting the desktop app (Electron).'
    : 'Timbre: the Electron binary is not installed, so starting web mode instead (timbre serve). Open the address below.',
);
const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (code !== 0) console.error(`Timbre (${mode}) exited with ${signal ?? `code ${code}`}.`);
  process.exitCode = code ?? 1;
});
