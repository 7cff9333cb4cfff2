import { chromaStft } from '../dsp/chroma.js';
import { cqtMagnitude } from '../dsp/cqt.js';
import { chromaCens, chromaCqt, tonnetz } from '../dsp/cqt-chroma.js';
import { applyFilterBank, melFilterBank, powerToDbTf, type FilterBank } from '../dsp/mel.js';
import { mfccFromMelDb } from '../dsp/mfcc.js';
import { onsetStrength } from '../dsp/onset.js';
import { beatTrackTempo } from '../dsp/rhythm.js';
import { zeroCrossingRate } from '../dsp/spectral.js';
import { SpectrogramWorkspace, stftMagnitudeAndPower, stftWithStatistics } from '../dsp/stft.js';
import { estimateTuning } from '../dsp/tuning.js';
import type { TimeFrequency } from '../dsp/types.js';
import { assembleFma518, type Fma518Feature } from './fma518.js';

/** The analysis parameters of the FMA recipe and of the genre model's input. */
export const ANALYSIS_N_FFT = 2048;
export const ANALYSIS_HOP_LENGTH = 512;
export const ANALYSIS_N_MELS = 128;

export interface AudioAnalysis {
  /** The 518 FMA statistics, in FMA518_KEYS order. */
  fma518: Float64Array;
  /** librosa.beat.beat_track's tempo; 0 for a signal without onsets. */
  tempoBpm: number;
  /**
   * power_to_db(ref 1, amin 1e-10, top_db 80) of the 128-band Slaney mel power spectrogram
   * (n_fft 2048, hop 512), frames × mels.
   */
  melDb: TimeFrequency;
}

const melBanks = new Map<number, FilterBank>();
/** analyzeSignal's magnitude and power spectrograms do not outlive the call, so each thread reuses one pair. */
const workspace = new SpectrogramWorkspace();

function analysisMelBank(sr: number): FilterBank {
  let bank = melBanks.get(sr);
  if (!bank) {
    bank = melFilterBank({ sr, nFft: ANALYSIS_N_FFT, nMels: ANALYSIS_N_MELS });
    melBanks.set(sr, bank);
  }
  return bank;
}

/**
 * Everything Timbre derives from a decoded signal, from a single STFT: the FMA 518 statistics as
 * FMA's features.py computes them with librosa 0.10.1, beat_track's tempo, and the log-mel
 * spectrogram the genre model reads.
 */
export function analyzeSignal(y: Float32Array, sr = 22050): AudioAnalysis {
  if (y.length === 0) throw new Error('analyzeSignal: empty signal');
  const hopLength = ANALYSIS_HOP_LENGTH;
  const nFft = ANALYSIS_N_FFT;
  const { magnitude, power, centroid, bandwidth, rolloff, rms, peak, contrast } = stftWithStatistics(y, {
    nFft,
    hopLength,
    sr,
    rollPercent: 0.85,
    contrast: { nBands: 6, fMin: 200, quantile: 0.02 },
    workspace,
  });

  const melDb = powerToDbTf(applyFilterBank(power, analysisMelBank(sr)));
  const onsetEnvelope = onsetStrength(melDb, { aggregate: 'median', nFft, hopLength });
  const tempoBpm = beatTrackTempo(onsetEnvelope, { sr, hopLength });

  const features: Record<Fma518Feature, TimeFrequency> = {
    zcr: column(zeroCrossingRate(y, { frameLength: nFft, hopLength })),
    ...cqtFamily(y, sr, magnitude, peak),
    // power = magnitude² rounded to float32, which keeps the order, so its largest value is peak².
    chroma_stft: chromaStft(power, { sr, tuning: estimateTuning(power, { sr, nFft, frameMax: peak.map((v) => v * v) }) }),
    rmse: column(rms),
    spectral_centroid: column(centroid),
    spectral_bandwidth: column(bandwidth),
    spectral_contrast: contrast,
    spectral_rolloff: column(rolloff),
    mfcc: mfccFromMelDb(melDb, { nMfcc: 20 }),
  };
  return { fma518: assembleFma518(features), tempoBpm, melDb };
}

/**
 * Only the log-mel part of analyzeSignal: power_to_db(ref 1, amin 1e-10, top_db 80) of the 128-band
 * Slaney mel power spectrogram (n_fft 2048, hop 512), frames × mels.
 */
export function logMelSpectrogram(y: Float32Array, sr = 22050): TimeFrequency {
  const { power } = stftMagnitudeAndPower(y, { nFft: ANALYSIS_N_FFT, hopLength: ANALYSIS_HOP_LENGTH });
  return powerToDbTf(applyFilterBank(power, analysisMelBank(sr)));
}

/** A per-frame series as a one-coefficient time-frequency matrix. */
function column(values: Float32Array): TimeFrequency {
  return { data: values, nFrames: values.length, nBins: 1 };
}

/**
 * chroma_cqt, chroma_cens and tonnetz as FMA computes them: from |cqt(hop 512, 84 bins, 12 per
 * octave)| tuned by librosa.estimate_tuning(y=y), which piptracks the magnitude STFT we already have.
 */
function cqtFamily(
  y: Float32Array,
  sr: number,
  magnitude: TimeFrequency,
  peak: Float32Array,
): Pick<Record<Fma518Feature, TimeFrequency>, 'chroma_cqt' | 'chroma_cens' | 'tonnetz'> {
  const tuning = estimateTuning(magnitude, { sr, nFft: ANALYSIS_N_FFT, frameMax: peak });
  const C = cqtMagnitude(y, { sr, hopLength: ANALYSIS_HOP_LENGTH, nBins: 84, binsPerOctave: 12, tuning });
  // FMA calls chroma_cqt/chroma_cens(C=cqt) without bins_per_octave, so librosa folds the 12-per-octave
  // CQT with its default of 36; the golden values confirm that quirk, so we reproduce it.
  const folding = { binsPerOctave: 36 };
  const cens = chromaCens(C, folding);
  return { chroma_cqt: chromaCqt(C, folding), chroma_cens: cens, tonnetz: tonnetz(cens) };
}
