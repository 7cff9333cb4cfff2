import { ANALYSIS_SAMPLE_RATE, type DecodeErrors } from './decode.js';
import type { ExcerptPlan } from './windows.js';

/**
 * Whether a file holds the audio its header promises, judged from the analysis excerpt's decode alone
 * (no extra decoding): ffmpeg stops at the last decodable frame, so a window that comes back short
 * means the audio ended inside it, and an empty one that it ended before it.
 */

/** A window this much shorter than asked for was cut by the end of the audio, not by seek rounding. */
const WINDOW_SLACK_SECONDS = 0.5;
/** A header may overstate the audio by this much (encoder padding, estimates) before it counts. */
const MIN_SHORTFALL_SECONDS = 1.5;
const MIN_SHORTFALL_FRACTION = 0.05;

/** Where the decodable audio ends: at `endSeconds` exactly, or somewhere from there to `beforeSeconds`. */
export interface DecodedEnd {
  endSeconds: number;
  /** null when the end is exact (a window came back short); else the start of the first empty window. */
  beforeSeconds: number | null;
}

/** Where the audio ended, if the decode shows it ended before the last window did; else null. */
export function decodedEnd(plan: ExcerptPlan, decodedSamples: number, sampleRate = ANALYSIS_SAMPLE_RATE): DecodedEnd | null {
  let remaining = decodedSamples / sampleRate;
  let reached = 0;
  for (const window of plan.decodeWindows) {
    if (remaining <= 0) return { endSeconds: reached, beforeSeconds: window.offsetSeconds };
    const got = Math.min(remaining, window.durationSeconds);
    remaining -= got;
    reached = window.offsetSeconds + got;
    if (got < window.durationSeconds - WINDOW_SLACK_SECONDS) return { endSeconds: reached, beforeSeconds: null };
  }
  return null;
}

export interface Truncation {
  /** What is wrong, in words: "audio ends at 0:03 of 0:30". */
  problem: string;
  /** The duration to show: the audio known to decode. */
  decodedSeconds: number;
}

/**
 * A file whose decodable audio ends well before the duration its header (tags) gives, or null. The
 * analysis of what did decode stands; this marks it.
 */
export function findTruncation(headerSeconds: number | null | undefined, plan: ExcerptPlan, decodedSamples: number, sampleRate = ANALYSIS_SAMPLE_RATE): Truncation | null {
  if (!headerSeconds || !Number.isFinite(headerSeconds) || headerSeconds <= 0) return null;
  const end = decodedEnd(plan, decodedSamples, sampleRate);
  if (!end) return null;
  const shortfall = headerSeconds - end.endSeconds;
  if (shortfall <= Math.max(MIN_SHORTFALL_SECONDS, MIN_SHORTFALL_FRACTION * headerSeconds)) return null;
  const where =
    end.beforeSeconds === null || end.beforeSeconds >= headerSeconds
      ? `at ${clock(end.endSeconds)}`
      : `between ${clock(end.endSeconds)} and ${clock(end.beforeSeconds)}`;
  return { problem: `truncated: the audio ends ${where} of ${clock(headerSeconds)} (the header's length)`, decodedSeconds: end.endSeconds };
}

/**
 * What is wrong with a file ffmpeg decoded with errors (frames it could not read and skipped), in words:
 * "damaged: 6 decode errors in the analysed audio (first: Header missing: Invalid data found…)".
 */
export function describeDecodeErrors(errors: DecodeErrors): string {
  return `damaged: ${errors.count} decode error${errors.count === 1 ? '' : 's'} in the analysed audio (first: ${errors.first})`;
}

/** m:ss, or h:mm:ss, to the nearest second. */
function clock(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
