import { parseFile } from 'music-metadata';
import { excerptToTrackTime, loadClassifier } from '../../ml/classifier.js';
import { decodeAnalysisExcerpt } from '../../audio/windows.js';
import { analyzeSignal } from '../../features/analyze.js';
import { excerptLogMel } from '../../ml/features.js';
import { defineCommand } from '../command.js';

export const summary = 'predict the genre of audio files, with a per-segment timeline (--json for machines)';

const USAGE = `usage: timbre classify FILE... [--json] [--model ID]

Prints, per file, the genre, its probability and the genre timeline (~3-s segments, in track time).
--json prints [{file, genre, confidence, probabilities, segments: [{start, end, genre, probabilities}]}].`;

const spec = {
  name: 'classify',
  usage: USAGE,
  options: { json: { type: 'boolean' }, model: { type: 'string' } },
  positionals: { name: 'FILE', min: 1 },
} as const;

export const run = defineCommand(spec, async ({ values, positionals }) => {
  const classifier = await loadClassifier(values.model);
  const results: unknown[] = [];
  let failures = 0;
  for (const file of positionals) {
    try {
      const { excerpt, mel, fma518 } = await excerptFeatures(file, await durationOf(file), classifier.usesStatistics);
      const { embedding: _embedding, ...prediction } = classifier.classifyMel(mel, fma518);
      const segments = prediction.segments.map((segment) => ({
        ...segment,
        start: excerptToTrackTime(segment.start, excerpt.windows),
        end: excerptToTrackTime(segment.end, excerpt.windows),
      }));
      const result = { file, ...prediction, segments };
      results.push(result);
      if (!values.json) {
        const timeline = segments.map((segment) => `${segment.start.toFixed(0)}s ${segment.genre}`).join(', ');
        console.log(`${file}\n  ${prediction.genre} (${(prediction.confidence * 100).toFixed(1)} %)  ${formatProbabilities(prediction.probabilities)}\n  timeline: ${timeline}`);
      }
    } catch (error) {
      failures++;
      const message = error instanceof Error ? error.message : String(error);
      results.push({ file, error: message });
      if (!values.json) console.error(`${file}: ${message}`);
    }
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  classifier.dispose();
  return failures === 0 ? 0 : 1;
});

/** The excerpt's log-mel, and its MIR statistics when the model fuses them (a full analysis, as a scan does). */
async function excerptFeatures(file: string, durationSeconds: number | null, withStatistics: boolean) {
  if (!withStatistics) return { ...(await excerptLogMel(file, durationSeconds)), fma518: undefined };
  const excerpt = await decodeAnalysisExcerpt(file, durationSeconds);
  const { melDb, fma518 } = analyzeSignal(excerpt.samples);
  return { excerpt, mel: melDb, fma518 };
}

/** The track's duration from its container/tags, so long tracks are analysed in three windows. */
async function durationOf(file: string): Promise<number | null> {
  try {
    return (await parseFile(file, { duration: false, skipCovers: true })).format.duration ?? null;
  } catch {
    return null;
  }
}

function formatProbabilities(probabilities: Record<string, number>): string {
  return Object.entries(probabilities)
    .sort((a, b) => b[1] - a[1])
    .map(([genre, p]) => `${genre} ${p.toFixed(3)}`)
    .join('  ');
}
