import { excerptToTrackTime, loadClassifier } from '../../ml/classifier.js';
import { analyzeSignal, logMelSpectrogram } from '../../features/analyze.js';
import { defineCommand } from '../command.js';
import { decodeFileExcerpt } from './audio-file.js';

export const summary = 'predict the genre of audio files, with a per-segment timeline (--json for machines)';

const USAGE = `usage: timbre classify FILE... [--json] [--model ID]

Prints, per file, the genre, its probability and the genre timeline (~3-s segments, in track time).
The track's genre fuses the CNN-LSTM with a model of the 518 MIR statistics (when the model has one);
the timeline is the CNN-LSTM's alone, so its segments can disagree with the track's genre.
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
      const { excerpt, mel, fma518 } = await excerptFeatures(file, classifier.usesStatistics);
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
        console.log(`${file}\n  ${prediction.genre} (${(prediction.confidence * 100).toFixed(1)} %)  ${formatProbabilities(prediction.probabilities)}\n  timeline (CNN-LSTM alone): ${timeline}`);
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
async function excerptFeatures(file: string, withStatistics: boolean) {
  const excerpt = await decodeFileExcerpt(file);
  if (!withStatistics) return { excerpt, mel: logMelSpectrogram(excerpt.samples), fma518: undefined };
  const { melDb, fma518 } = analyzeSignal(excerpt.samples);
  return { excerpt, mel: melDb, fma518 };
}

function formatProbabilities(probabilities: Record<string, number>): string {
  return Object.entries(probabilities)
    .sort((a, b) => b[1] - a[1])
    .map(([genre, p]) => `${genre} ${p.toFixed(3)}`)
    .join('  ');
}
