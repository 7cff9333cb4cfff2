import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

export interface FfmpegBinary {
  path: string;
  /** Where the binary came from, for `timbre doctor` and error messages. */
  source: 'TIMBRE_FFMPEG' | 'ffmpeg-static' | 'PATH';
}

let cached: FfmpegBinary | null = null;

/**
 * Resolves ffmpeg in the documented order: $TIMBRE_FFMPEG, then the optional ffmpeg-static package
 * (its install downloads a binary, so it is often absent), then `ffmpeg` on PATH.
 */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegBinary {
  if (cached && env === process.env) return cached;
  const found = findFfmpeg(env);
  if (env === process.env) cached = found;
  return found;
}

function findFfmpeg(env: NodeJS.ProcessEnv): FfmpegBinary {
  const fromEnv = env.TIMBRE_FFMPEG;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`TIMBRE_FFMPEG points to ${fromEnv}, which does not exist`);
    return { path: fromEnv, source: 'TIMBRE_FFMPEG' };
  }
  try {
    const staticPath = createRequire(import.meta.url)('ffmpeg-static') as string | null;
    if (staticPath && existsSync(staticPath)) return { path: staticPath, source: 'ffmpeg-static' };
  } catch {
    // ffmpeg-static is optional: fall through to PATH.
  }
  const probe = spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore' });
  if (probe.status === 0) return { path: 'ffmpeg', source: 'PATH' };
  throw new Error(
    'ffmpeg was not found: install it (e.g. `apt-get install ffmpeg`), or set TIMBRE_FFMPEG to its path',
  );
}
