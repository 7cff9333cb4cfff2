import { ANALYSIS_SAMPLE_RATE } from '../audio/decode.js';
import { ANALYSIS_HOP_LENGTH, ANALYSIS_N_FFT, ANALYSIS_N_MELS } from '../features/analyze.js';

/** What a model's input must be: the log-mel spectrogram analysis produces, parameter by parameter. */
export interface InputSpec {
  sampleRate: number;
  nFft: number;
  hopLength: number;
  nMels: number;
  /** librosa.filters.mel normalisation and scale: 'slaney' / htk=false. */
  melScale: 'slaney' | 'htk';
  /** librosa.power_to_db parameters applied to the power mel spectrogram. */
  topDb: number;
}

/**
 * The parameters of the `melDb` that analysis (core/features/analyze.ts analyzeSignal) produces:
 * librosa.power_to_db(librosa.feature.melspectrogram(y, sr=22050, n_fft=2048, hop_length=512,
 * n_mels=128), ref=1, amin=1e-10, top_db=80).
 */
export const ANALYSIS_INPUT_SPEC: InputSpec = {
  sampleRate: ANALYSIS_SAMPLE_RATE,
  nFft: ANALYSIS_N_FFT,
  hopLength: ANALYSIS_HOP_LENGTH,
  nMels: ANALYSIS_N_MELS,
  melScale: 'slaney',
  topDb: 80,
};

/** Differences between a model's expected input and what analysis provides, one line each. */
export function inputSpecMismatches(expected: InputSpec, actual: InputSpec = ANALYSIS_INPUT_SPEC): string[] {
  return (Object.keys(actual) as Array<keyof InputSpec>)
    .filter((key) => expected[key] !== actual[key])
    .map((key) => `${key}: model expects ${String(expected[key])}, analysis gives ${String(actual[key])}`);
}
