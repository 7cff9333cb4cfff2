import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** bin/timbre.js of this checkout (tests run from dist/test/...). */
export const TIMBRE_BIN = fileURLToPath(new URL('../../../bin/timbre.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `timbre ARGS` in a child process and collects its output. */
export function runTimbre(args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TIMBRE_BIN, ...args], { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** `timbre tracks --json` for a database, parsed. */
export async function listTracksJson(dbPath: string): Promise<Array<Record<string, unknown> & { path: string; status: string; error: string | null }>> {
  const result = await runTimbre(['tracks', '--db', dbPath, '--json']);
  if (result.code !== 0) throw new Error(`timbre tracks failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}
