#!/usr/bin/env node
// The `timbre` command: a thin launcher for the compiled CLI (npm install runs the build).
import { main } from '../dist/core/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`timbre: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
