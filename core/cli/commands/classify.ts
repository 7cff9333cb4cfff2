import { loadClassifier } from '../../ml/classifier.js';
import { segmentsInTrackTime } from '../../ml/timeline.js';
import { analyzeSignal, logMelSpectrogram } from '../../features/analyze.js';
import { defineCommand } from '../command.js';
import { decodeFileExcerpt } from './audio-file.js';

export const summary = 'predict the genre of audio files, with a per-segment timeline (--json for machines)';

const USAGE = `usage: timbre classify FILE... [--json] [--model ID]

Prints, per file, the genre, its probability and the genre timeline (~3-s segments, in track time).
A genre is named only when its probability reaches the model's unsure threshold; below it the file is
"unsure" and its most probable genres are listed instead. Segments lie only where audio was analysed
(long tracks: three 10-s windows), so the timeline has gaps. The track's genre fuses the CNN-LSTM with
a model of the 518 MIR statistics (when the model has one); the timeline is the CNN-LSTM's per-segment
output alone, so its segments can disagree with the track's genre.
--json prints [{file, genre (null when unsure), confidence (the top probability), candidates:
[{genre, probability}], unsureThreshold, probabilities, segments: [{start, end, genre, probabilities}]}].`;

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
      const { embedding: _embedding, genre, confidence, candidates, probabilities, segments } = classifier.classifyMel(mel, fma518);
      const timeline = segmentsInTrackTime(segments, excerpt.windows);
      results.push({ file, genre, confidence, candidates, unsureThreshold: classifier.unsureThreshold, probabilities, segments: timeline });
      if (!values.json) {
        const decision = genre
          ? `${genre} (${percent(confidence)})`
          : `unsure (below ${percent(classifier.unsureThreshold)}): ${candidates.map((candidate) => `${candidate.genre} ${percent(candidate.probability)}`).join(', ')}`;
        const stretches = timeline.map((segment) => `${segment.start.toFixed(0)}–${segment.end.toFixed(0)}s ${segment.genre ?? 'unsure'}`).join(', ');
        console.log(`${file}\n  ${decision}  ${formatProbabilities(probabilities)}\n  timeline (CNN-LSTM segments alone): ${stretches}`);
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

function percent(probability: number): string {
  return `${(probability * 100).toFixed(1)} %`;
}

function formatProbabilities(probabilities: Record<string, number>): string {
  return Object.entries(probabilities)
    .sort((a, b) => b[1] - a[1])
    .map(([genre, p]) => `${genre} ${p.toFixed(3)}`)
    .join('  ');
}
