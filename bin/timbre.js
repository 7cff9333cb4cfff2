#!/usr/bin/env node
// The `timbre` command: a thin launcher for the compiled CLI (npm install runs the build).
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/core/cli/main.js', import.meta.url);

let main;
try {
  ({ main } = await import(entry.href));
} catch (error) {
  // Without the build (an install with --ignore-scripts, a fresh checkout), say how to make it.
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(fileURLToPath(entry))) {
    console.error("timbre: the CLI is not built yet: run 'npm run build' in the Timbre folder");
    process.exit(1);
  }
  throw error;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`timbre: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
