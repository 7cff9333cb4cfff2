import { analyzeSignal } from '../../features/analyze.js';
import { findTrackByFile, openLibrarySimilarity } from '../../similarity/library-db.js';
import type { Seed } from '../../similarity/library.js';
import { defineCommand, integerOption } from '../command.js';
import { decodeFileExcerpt, requireFile } from './audio-file.js';
import { libraryPath } from './options.js';

export const summary = 'similar FILE [--db FILE] [-n N] [--json]: the library tracks that sound most like FILE, with reasons';

const USAGE = `usage: timbre similar FILE [--db FILE] [-n N] [--json]

FILE is a track of the library, or any audio file (analysed on the fly). Prints its N (default 10)
nearest library tracks, best first, without FILE itself; --json prints [{file, score, reasons}].`;

const spec = {
  name: 'similar',
  usage: USAGE,
  options: { db: { type: 'string' }, n: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
  positionals: { name: 'FILE', min: 1, max: 1 },
} as const;

export const run = defineCommand(spec, async ({ values, positionals: [file] }) => {
  const count = integerOption(values.n, '-n', { fallback: 10 });

  const { similarity, close } = openLibrarySimilarity(libraryPath(values.db, { mustExist: true }));
  try {
    const inLibrary = findTrackByFile(similarity.tracks, file);
    let seed: Seed;
    if (inLibrary) {
      seed = { trackId: inLibrary.id };
    } else {
      try {
        requireFile(file);
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`);
      }
      console.error(`similar: ${file} is not an analysed library track; analysing it now`);
      const analysis = analyzeSignal((await decodeFileExcerpt(file)).samples);
      seed = { features: { mir: analysis.fma518, tempoBpm: analysis.tempoBpm } };
    }
    const neighbours = similarity.similar(seed, count);
    if (values.json) {
      const rows = neighbours.map(({ track, score, reasons }) => ({ file: track.path, score: round(score), reasons }));
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      for (const { track, score, reasons } of neighbours) {
        const name = [track.artist, track.title].filter(Boolean).join(' – ') || track.path;
        console.log(`${score.toFixed(3)}  ${name}${reasons.length ? `  (${reasons.map((reason) => reason.text).join('; ')})` : ''}`);
      }
    }
    return 0;
  } finally {
    close();
  }
});

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
