/**
 * The genre vocabulary's pure rules: how a genre name is cleaned for display, which spellings are the
 * same genre (one normalised key), the built-in canonical names with their synonyms, and how a tag
 * field holding several genres is split. Persistence (user renames, merges, invented genres) lives in
 * core/db/repos/genres.ts and uses these functions.
 */

/** A canonical genre and the synonyms that resolve to it. Spellings that share a key need no alias. */
export interface BuiltinGenre {
  name: string;
  aliases: readonly string[];
}

/**
 * Canonical names follow the FMA and GTZAN label sets the classifier is trained on, plus common tag
 * genres. Aliases list only real synonyms: "Hip Hop", "hip-hop" and "HipHop" already share a key.
 */
export const BUILTIN_GENRES: readonly BuiltinGenre[] = [
  { name: 'Alternative', aliases: ['Alt'] },
  { name: 'Ambient', aliases: [] },
  { name: 'Blues', aliases: [] },
  { name: 'Classical', aliases: ['Classical Music'] },
  { name: 'Country', aliases: ['Country Music'] },
  { name: 'Disco', aliases: [] },
  { name: 'Drum & Bass', aliases: ['DnB', 'D&B', 'D n B', 'Drum n Bass'] },
  { name: 'Dubstep', aliases: [] },
  { name: 'Easy Listening', aliases: [] },
  { name: 'Electronic', aliases: ['Electronica', 'Electronic Music'] },
  { name: 'Experimental', aliases: ['Avant-Garde'] },
  { name: 'Folk', aliases: ['Folk Music'] },
  { name: 'Funk', aliases: [] },
  { name: 'Gospel', aliases: [] },
  { name: 'Hip-Hop', aliases: ['Hip Hop Music', 'Hip-Hop/Rap'] },
  { name: 'House', aliases: ['House Music'] },
  { name: 'Indie', aliases: [] },
  { name: 'Instrumental', aliases: [] },
  { name: 'International', aliases: [] },
  { name: 'Jazz', aliases: [] },
  { name: 'K-Pop', aliases: ['Korean Pop'] },
  { name: 'Latin', aliases: ['Latin Music'] },
  { name: 'Lo-Fi', aliases: [] },
  { name: 'Metal', aliases: [] },
  { name: 'New Age', aliases: [] },
  { name: 'Pop', aliases: ['Pop Music'] },
  { name: 'Post-Rock', aliases: [] },
  { name: 'Punk', aliases: ['Punk Rock'] },
  { name: 'R&B', aliases: ['RnB', 'Rhythm and Blues', 'Rhythm & Blues', 'Contemporary R&B'] },
  { name: 'Rap', aliases: [] },
  { name: 'Reggae', aliases: [] },
  { name: 'Rock', aliases: ['Rock Music'] },
  { name: 'Rock & Roll', aliases: ["Rock 'n' Roll"] },
  { name: 'Singer-Songwriter', aliases: [] },
  { name: 'Soul', aliases: [] },
  { name: 'Soundtrack', aliases: ['OST', 'Original Soundtrack', 'Film Score'] },
  { name: 'Spoken Word', aliases: ['Spoken'] },
  { name: 'Synthpop', aliases: ['Synth Pop', 'Electropop'] },
  { name: 'Techno', aliases: [] },
  { name: 'Trance', aliases: [] },
  { name: 'Trip-Hop', aliases: [] },
  { name: 'World', aliases: ['World Music'] },
];

/** The longest genre name accepted; tag fields longer than this are almost always junk. */
export const MAX_GENRE_NAME_LENGTH = 80;

/**
 * Trims, collapses runs of whitespace and drops control characters: the form a genre is displayed and
 * written in. Returns '' for a name with nothing left.
 */
export function cleanGenreName(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The identity of a genre name: spellings with the same key are one genre. Case, accents, spacing and
 * punctuation are ignored, and '&', '+', "'n'" and "n" between words all read as "and", so
 * "Hip Hop" = "Hip-Hop" = "hiphop" and "Drum & Bass" = "drum and bass" = "Drum 'n' Bass".
 */
export function genreKey(raw: string): string {
  return cleanGenreName(raw)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[&+]/g, ' and ')
    // "rock'n'roll", "drum n bass", "rock n' roll": a quoted n, or a lone n between separators, is "and".
    .replace(/'n'|(?<![\p{L}\p{N}])'?n'?(?![\p{L}\p{N}])/gu, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const builtinByKey: ReadonlyMap<string, BuiltinGenre> = new Map(
  BUILTIN_GENRES.flatMap((genre) => [genre.name, ...genre.aliases].map((spelling) => [genreKey(spelling), genre] as const)),
);

/** The built-in genre a spelling resolves to, if any. */
export function builtinGenre(raw: string): BuiltinGenre | undefined {
  return builtinByKey.get(genreKey(raw));
}

/** Every key a built-in genre answers to (its name and its aliases). */
export function builtinKeys(genre: BuiltinGenre): string[] {
  return [...new Set([genre.name, ...genre.aliases].map(genreKey))];
}

/**
 * The canonical display name of a spelling without any user vocabulary: the built-in name when the
 * spelling is a known genre or synonym, otherwise the cleaned spelling itself.
 */
export function canonicalGenreName(raw: string): string {
  return builtinGenre(raw)?.name ?? cleanGenreName(raw);
}

/** Why a genre name is unusable, or null when it is fine. */
export function genreNameProblem(raw: string): string | null {
  const name = cleanGenreName(raw);
  if (!name) return 'a genre name cannot be empty';
  if (name.length > MAX_GENRE_NAME_LENGTH) return `a genre name is at most ${MAX_GENRE_NAME_LENGTH} characters`;
  if (!genreKey(name)) return `'${name}' has no letters or digits`;
  if (/[;\0]/.test(name)) return `'${name}' contains ';', which separates genres in tags`;
  return null;
}

/**
 * Splits tag values that pack several genres into one field ("Rock; Pop", ID3v2.4's NUL separators).
 * "/" is left alone because it is part of names such as "R&B/Soul".
 */
export function splitGenreField(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(/\s*[;|\0]\s*/)).map(cleanGenreName).filter(Boolean);
}

/**
 * Cleans a list of genres for one track: canonical names, order kept, duplicates (same key) dropped.
 * `canonical` maps a spelling to the name to use (defaults to the built-in vocabulary).
 */
export function normaliseGenreList(raw: readonly string[], canonical: (name: string) => string = canonicalGenreName): string[] {
  const seen = new Set<string>();
  const genres: string[] = [];
  for (const value of splitGenreField(raw)) {
    const name = canonical(value);
    const key = genreKey(name);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    genres.push(name);
  }
  return genres;
}
