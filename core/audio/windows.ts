import { ANALYSIS_SAMPLE_RATE, decodeAudio, type TimeWindow } from './decode.js';

/**
 * Which parts of a track Timbre analyses: about EXCERPT_SECONDS (30 s) of audio per track, the clip
 * length of FMA and of the genre model's training data (its LSTM covers 29.7 s).
 *
 * - Tracks up to 30 s are analysed whole.
 * - Tracks up to MIDDLE_EXCERPT_LIMIT_SECONDS (75 s): their middle 30 s, one window reached by a seek.
 * - Longer tracks: three WINDOW_SECONDS (10 s) windows centred at 20 %, 50 % and 80 % of the track,
 *   decoded with seeks and concatenated. Intros and outros are rarely typical of a song, and three
 *   spread windows let the genre timeline span the track while a 3-hour file costs what a 1-minute
 *   one does.
 * - Unknown duration (tags could not tell), or a tagged duration up to 30 s (tags can be wrong): the
 *   first 75 s are decoded and the middle 30 s of what came out are kept, which is the rule above
 *   for any track up to 75 s.
 */
export const EXCERPT_SECONDS = 30;
export const MIDDLE_EXCERPT_LIMIT_SECONDS = 75;
export const WINDOW_SECONDS = 10;
const WINDOW_CENTRES = [0.2, 0.5, 0.8];

/** How to decode a track's excerpt, and which part of the decoded audio is analysed. */
export interface ExcerptPlan {
  /** Stretches to decode, in track time, concatenated in order. */
  decodeWindows: TimeWindow[];
  /**
   * True when the decoded audio starts at the track's start and its middle EXCERPT_SECONDS are kept:
   * the duration is taken from what decoded rather than from the tags.
   */
  keepMiddle: boolean;
}

/** The analysis excerpt's plan for a track of the given (tagged) duration. */
export function planExcerpt(durationSeconds: number | null | undefined): ExcerptPlan {
  const known = !!durationSeconds && Number.isFinite(durationSeconds) && durationSeconds > 0;
  if (!known || durationSeconds <= EXCERPT_SECONDS) {
    return { decodeWindows: [{ offsetSeconds: 0, durationSeconds: MIDDLE_EXCERPT_LIMIT_SECONDS }], keepMiddle: true };
  }
  if (durationSeconds <= MIDDLE_EXCERPT_LIMIT_SECONDS) {
    return {
      decodeWindows: [{ offsetSeconds: (durationSeconds - EXCERPT_SECONDS) / 2, durationSeconds: EXCERPT_SECONDS }],
      keepMiddle: false,
    };
  }
  const decodeWindows = WINDOW_CENTRES.map((centre) => ({
    offsetSeconds: Math.max(0, centre * durationSeconds - WINDOW_SECONDS / 2),
    durationSeconds: WINDOW_SECONDS,
  }));
  return { decodeWindows, keepMiddle: false };
}

export interface AnalysisExcerpt {
  /** Mono Float32 PCM at 22,050 Hz: the windows, concatenated. */
  samples: Float32Array;
  /** The windows in track time, for mapping excerpt time back onto the track (genre timeline). */
  windows: TimeWindow[];
}

/** The analysed excerpt from the audio decoded by `plan` (a view on `decoded`, not a copy). */
export function excerptFromDecoded(plan: ExcerptPlan, decoded: Float32Array): AnalysisExcerpt {
  if (!plan.keepMiddle) return { samples: decoded, windows: plan.decodeWindows };
  const keep = Math.min(decoded.length, EXCERPT_SECONDS * ANALYSIS_SAMPLE_RATE);
  const start = Math.floor((decoded.length - keep) / 2);
  return {
    samples: decoded.subarray(start, start + keep),
    windows: [{ offsetSeconds: start / ANALYSIS_SAMPLE_RATE, durationSeconds: keep / ANALYSIS_SAMPLE_RATE }],
  };
}

/** Decodes the analysis excerpt of `file` (see planExcerpt) in a single ffmpeg process. */
export async function decodeAnalysisExcerpt(
  file: string,
  durationSeconds?: number | null,
  signal?: AbortSignal,
): Promise<AnalysisExcerpt> {
  const plan = planExcerpt(durationSeconds);
  return excerptFromDecoded(plan, await decodeAudio(file, { windows: plan.decodeWindows, signal }));
}
