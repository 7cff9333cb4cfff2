/**
 * A track's duplicate profile: the 20 MFCC means of its FMA statistics (FMA518_KEYS: mfcc.mean.01 …
 * .20), which the duplicate search compares. Stored apart from the statistics when the analysis is
 * stored (duplicate_profiles), so the search reads 80 bytes a track, not the 2 KB statistics.
 */
export const PROFILE_DIMS = 20;
const MFCC_MEAN_OFFSET = 378;

/** The profile inside a track's 518 statistics (a view, not a copy). */
export function duplicateProfile(fma518: Float32Array): Float32Array {
  return fma518.subarray(MFCC_MEAN_OFFSET, MFCC_MEAN_OFFSET + PROFILE_DIMS);
}
