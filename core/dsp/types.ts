/**
 * A time-frequency matrix stored time-major: value of bin `f` in frame `t` is `data[t * nBins + f]`.
 * librosa's arrays are (bins, frames); we keep frames contiguous because every DSP step walks
 * frame by frame, and transpose only at the edges (statistics walk bins).
 */
export interface TimeFrequency {
  readonly data: Float32Array;
  readonly nFrames: number;
  readonly nBins: number;
}

export function timeFrequency(nFrames: number, nBins: number): TimeFrequency {
  return { data: new Float32Array(nFrames * nBins), nFrames, nBins };
}
