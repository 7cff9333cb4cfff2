/** Formatting for the UI: durations, rates, percentages, and a stable colour per genre. */

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/** "about 3 min left" style, for the scan ETA. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined) return '';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export const numberFormat = new Intl.NumberFormat();

/** A hue per genre name, so a genre keeps its colour across bars, timeline and table. */
export function genreHue(genre: string): number {
  let hash = 2166136261;
  for (let i = 0; i < genre.length; i += 1) hash = Math.imul(hash ^ genre.toLowerCase().charCodeAt(i), 16777619);
  return (hash >>> 0) % 360;
}

/**
 * A genre's colour, the one every view uses (table, bars, timeline, Genres page, map): its hue at 62 %
 * saturation, as #rrggbb so that a canvas can take it apart too.
 */
export function genreColor(genre: string, lightness = 58): string {
  return hslToHex(genreHue(genre), 0.62, lightness / 100);
}

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = lightness - chroma / 2 * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(255 * value).toString(16).padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
