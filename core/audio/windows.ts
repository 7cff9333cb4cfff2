import { decodeAudio, type TimeWindow } from './decode.js';

/**
 * Which parts of a track Timbre analyses.
 *
 * - Tracks up to WHOLE_TRACK_LIMIT_SECONDS (75 s) are analysed whole.
 * - Longer tracks: three WINDOW_SECONDS (20 s) windows centred at 20 %, 50 % and 80 % of the track,
 *   decoded with seeks and concatenated (60 s of audio). Intros and outros are rarely typical of a
 *   song, and three spread windows let the genre timeline span the track while keeping the cost of
 *   a 3-hour file the same as a 1-minute one.
 * - Unknown duration (tags could not tell): the first 75 s.
 */
export const WHOLE_TRACK_LIMIT_SECONDS = 75;
export const WINDOW_SECONDS = 20;
const WINDOW_CENTRES = [0.2, 0.5, 0.8];

/** The windows of a track of the given duration, in track time. */
export function analysisWindows(durationSeconds: number | null | undefined): TimeWindow[] {
  if (!durationSeconds || !Number.isFinite(durationSeconds) || durationSeconds <= 0) {
    return [{ offsetSeconds: 0, durationSeconds: WHOLE_TRACK_LIMIT_SECONDS }];
  }
  if (durationSeconds <= WHOLE_TRACK_LIMIT_SECONDS) return [{ offsetSeconds: 0, durationSeconds }];
  return WINDOW_CENTRES.map((centre) => ({
    offsetSeconds: Math.max(0, centre * durationSeconds - WINDOW_SECONDS / 2),
    durationSeconds: WINDOW_SECONDS,
  }));
}

export interface AnalysisExcerpt {
  /** Mono Float32 PCM at 22,050 Hz: the windows, concatenated. */
  samples: Float32Array;
  /** The windows in track time, for mapping excerpt time back onto the track (genre timeline). */
  windows: TimeWindow[];
}

/** Decodes the analysis excerpt of `file` (see analysisWindows) in a single ffmpeg process. */
export async function decodeAnalysisExcerpt(
  file: string,
  durationSeconds?: number | null,
  signal?: AbortSignal,
): Promise<AnalysisExcerpt> {
  const windows = analysisWindows(durationSeconds);
  // A short track is decoded from its start with the cap, not its tagged length: tags can be wrong.
  const decodeWindows =
    windows.length === 1 ? [{ offsetSeconds: 0, durationSeconds: WHOLE_TRACK_LIMIT_SECONDS }] : windows;
  const samples = await decodeAudio(file, { windows: decodeWindows, signal });
  return { samples, windows };
}
