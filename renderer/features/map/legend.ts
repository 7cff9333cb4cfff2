import type { LibraryMapPoint } from '../../../core/api/contract.js';
import { genreColor } from '../../components/format.js';

/**
 * The map's colours: each of the most common genres in the colour every other view gives it
 * (genreColor), the rest in one neutral "other genres" colour, so a scatter of many genres stays
 * readable.
 */
const NAMED_GENRES = 9;
const OTHER_COLOUR = '#a3a3ad';
const NONE_COLOUR = '#d2d2da';
export const NO_GENRE = 'No genre';
export const OTHER_GENRES = 'Other genres';

export interface LegendEntry {
  /** A genre, OTHER_GENRES or NO_GENRE. */
  key: string;
  colour: string;
  count: number;
  /** How many genres OTHER_GENRES stands for; 1 otherwise. */
  genres: number;
}

export interface GenreLegend {
  entries: LegendEntry[];
  /** The legend entry a point belongs to. */
  keyOf(point: Pick<LibraryMapPoint, 'genre'>): string;
  colourOf(key: string): string;
}

export function genreLegend(points: readonly LibraryMapPoint[]): GenreLegend {
  // The API names each genre as the Genres page does, so spellings of one genre arrive as one name.
  const counts = new Map<string, number>();
  let untagged = 0;
  for (const point of points) {
    if (point.genre === null) untagged += 1;
    else counts.set(point.genre, (counts.get(point.genre) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  // With one genre too many for the palette, that one genre keeps its name rather than becoming "other".
  const named = ranked.length <= NAMED_GENRES ? ranked : ranked.slice(0, NAMED_GENRES - 1);
  const colours = new Map(named.map(([genre]) => [genre, genreColor(genre)]));
  const entries: LegendEntry[] = named.map(([genre, count]) => ({ key: genre, colour: colours.get(genre)!, count, genres: 1 }));
  const rest = ranked.slice(named.length);
  if (rest.length) entries.push({ key: OTHER_GENRES, colour: OTHER_COLOUR, count: rest.reduce((sum, [, count]) => sum + count, 0), genres: rest.length });
  if (untagged) entries.push({ key: NO_GENRE, colour: NONE_COLOUR, count: untagged, genres: 1 });
  return {
    entries,
    keyOf: (point) => (point.genre === null ? NO_GENRE : colours.has(point.genre) ? point.genre : OTHER_GENRES),
    colourOf: (key) => colours.get(key) ?? (key === NO_GENRE ? NONE_COLOUR : OTHER_COLOUR),
  };
}
