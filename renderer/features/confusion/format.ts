/** A 0..1 figure as a percentage with one decimal; '—' where there is none (no tracks to rest on). */
export function formatFraction(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}
