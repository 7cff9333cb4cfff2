// Bundles what tsc does not emit: the renderer (React → dist/renderer/{index.html,app.js,app.css})
// and the sandboxed preload (→ dist/electron/preload.cjs: sandboxed preloads must be one CommonJS file).
// Run by `npm run build`; `node build/bundle.mjs --dev` skips minification.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dev = process.argv.includes('--dev');

await mkdir(`${root}dist/renderer`, { recursive: true });
await Promise.all([
  build({
    absWorkingDir: root,
    entryPoints: { app: 'renderer/main.tsx' },
    outdir: 'dist/renderer',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120'],
    jsx: 'automatic',
    minify: !dev,
    sourcemap: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(dev ? 'development' : 'production') },
    logLevel: 'warning',
  }),
  copyFile(`${root}renderer/index.html`, `${root}dist/renderer/index.html`),
  copyFile(`${root}build/icons/icon.svg`, `${root}dist/renderer/icon.svg`),
  build({
    absWorkingDir: root,
    entryPoints: ['electron/preload/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: ['node20'],
    external: ['electron'],
    logLevel: 'warning',
  }),
]);
