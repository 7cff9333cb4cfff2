// `npm run dist`: installers for this platform into release/ (electron-builder, config in
// build/electron-builder.yml). electron-builder rebuilds native modules for Electron in place, so
// node_modules is switched back to Node's ABI afterwards (see native.mjs).
import { run, withElectronNativeModules } from './native.mjs';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
process.exitCode = await withElectronNativeModules(() =>
  run(npx, ['electron-builder', '--config', 'build/electron-builder.yml', ...process.argv.slice(2)]),
);
