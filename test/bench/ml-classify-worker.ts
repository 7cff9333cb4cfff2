/**
 * Worker for the ml bench: classifies log-mels of the 30-s analysis excerpt (with their 518 MIR
 * statistics when the model fuses them) with the default model (or a fresh ensemble of the default
 * size when none is registered) for `seconds`, and reports how many it finished.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../../core/ml/backend.js';
import { classifyWithModel, loadClassifier } from '../../core/ml/classifier.js';
import { DEFAULT_MEMBERS } from '../../core/ml/experiment.js';
import { CnnLstmModel, DEFAULT_CONFIG } from '../../core/ml/model.js';
import { SeededRandom } from '../../core/ml/random.js';
import type { TimeFrequency } from '../../core/dsp/types.js';
import { ANALYSIS_SAMPLE_RATE } from '../../core/audio/decode.js';
import { EXCERPT_SECONDS } from '../../core/audio/windows.js';
import { ANALYSIS_HOP_LENGTH } from '../../core/features/analyze.js';

export interface ClassifyWorkerResult {
  tracks: number;
  seconds: number;
  model: string;
}

export async function classifyFor(seconds: number, seed: number): Promise<ClassifyWorkerResult> {
  await initBackend();
  const random = new SeededRandom(seed);
  const statistics = Float32Array.from({ length: 518 }, () => random.normal());
  let classify: (mel: TimeFrequency) => unknown;
  let model: string;
  let dispose: () => void;
  try {
    const classifier = await loadClassifier();
    classify = (mel) => classifier.classifyMel(mel, statistics);
    model = `${classifier.modelId} ${classifier.version}`;
    dispose = () => classifier.dispose();
  } catch {
    const members = Array.from({ length: DEFAULT_MEMBERS }, (_, i) => CnnLstmModel.create({ ...DEFAULT_CONFIG, labels: ['a', 'b', 'c', 'd'] }, i + 1));
    classify = (mel) => classifyWithModel(members, mel);
    model = `untrained ensemble of ${DEFAULT_MEMBERS} (no registered model)`;
    dispose = () => members.forEach((member) => member.dispose());
  }
  const frames = Math.floor((EXCERPT_SECONDS * ANALYSIS_SAMPLE_RATE) / ANALYSIS_HOP_LENGTH) + 1; // what a scan classifies
  const tracks = Array.from({ length: 4 }, () => ({ data: Float32Array.from({ length: frames * 128 }, () => -40 + 20 * random.normal()), nFrames: frames, nBins: 128 }));
  classify(tracks[0]);
  const started = performance.now();
  let done = 0;
  while (performance.now() - started < seconds * 1000) classify(tracks[done++ % tracks.length]);
  const elapsed = (performance.now() - started) / 1000;
  dispose();
  return { tracks: done, seconds: elapsed, model };
}

if (parentPort && workerData?.role === 'ml-classify') {
  const port = parentPort;
  classifyFor(workerData.seconds as number, workerData.seed as number).then((result) => port.postMessage(result));
}
