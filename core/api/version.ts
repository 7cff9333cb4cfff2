import { readFileSync } from 'node:fs';

/** Timbre's version, from package.json (two folders above the compiled core/api). */
export function appVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
