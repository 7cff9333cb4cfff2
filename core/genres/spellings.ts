/**
 * The pure rules behind cleaning up the genre spellings a library holds: which spellings probably mean
 * the same genre (a suggestion to merge them), and where a spelling sits in the genre tree once the
 * user's own placements ("map to") are taken into account.
 */

import { GENRE_FAMILIES, genreFamily, placeGenre, type TreePlacement } from './tree.js';
import { builtinGenre, genreKey } from './vocabulary.js';

/** Short forms tags use for a whole word; expanded before spellings are compared. */
const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['alt', 'alternative'],
  ['prog', 'progressive'],
  ['trad', 'traditional'],
  ['psych', 'psychedelic'],
  ['elec', 'electronic'],
  ['contemp', 'contemporary'],
  ['exp', 'experimental'],
]);

/**
 * Spellings that name one genre although their keys differ: translations and the names a genre goes
 * by in different taggers. The first is the name suggested.
 */
const SYNONYMS: ReadonlyArray<readonly string[]> = [
  ['Hip-Hop', 'Rap', 'Hip-Hop/Rap', 'Hip Hop Music'],
  ['Classical', 'Klassik', 'Klassische Musik', 'Classique', 'Clásica'],
  ['Electronic', 'Elektronisch', 'Electronique', 'Electrónica'],
  ['Soundtrack', 'Filmmusik', 'Bande Originale', 'Banda Sonora'],
  ['Folk', 'Volksmusik'],
  ['Rock', 'Rock Music'],
];

/** The key spellings are compared by: genreKey after abbreviations are expanded and synonyms joined. */
export function looseGenreKey(spelling: string): string {
  const expanded = spelling
    .split(/([^\p{L}\p{N}]+)/u)
    .map((part) => ABBREVIATIONS.get(part.toLowerCase()) ?? part)
    .join(' ');
  const key = genreKey(expanded);
  return synonymKey.get(key) ?? synonymKey.get(genreKey(spelling)) ?? builtinKeyOf(spelling) ?? key;
}

const synonymKey: ReadonlyMap<string, string> = new Map(
  SYNONYMS.flatMap((names) => names.map((name) => [genreKey(name), genreKey(names[0])] as const)),
);

function builtinKeyOf(spelling: string): string | undefined {
  const builtin = builtinGenre(spelling);
  return builtin ? (synonymKey.get(genreKey(builtin.name)) ?? genreKey(builtin.name)) : undefined;
}

/** The name a group of synonyms is suggested under, if the group is a known one. */
function synonymName(key: string): string | undefined {
  return SYNONYMS.find((names) => genreKey(names[0]) === key)?.[0];
}

export interface SpellingCount {
  spelling: string;
  trackCount: number;
}

export interface SpellingSuggestion {
  /** The spellings to merge, most tracks first (the target among them when it is one). */
  spellings: SpellingCount[];
  /** The spelling suggested for all of them. */
  target: string;
  /** 'case or punctuation': they differ only in that; 'alias': a known synonym or short form. */
  reason: 'case or punctuation' | 'alias';
}

/**
 * Groups of spellings that probably name one genre. `preferred` says which names the library already
 * uses as a genre (the vocabulary); the target is one of those when the group holds one, else the
 * known name of the group, else its most used spelling.
 */
export function suggestMerges(spellings: readonly SpellingCount[], preferred: (spelling: string) => boolean = () => false): SpellingSuggestion[] {
  const groups = new Map<string, SpellingCount[]>();
  for (const entry of spellings) {
    const key = looseGenreKey(entry.spelling);
    if (!key) continue;
    const group = groups.get(key);
    if (group) group.push(entry);
    else groups.set(key, [entry]);
  }
  const suggestions: SpellingSuggestion[] = [];
  for (const [key, group] of groups) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => b.trackCount - a.trackCount || a.spelling.localeCompare(b.spelling));
    // A spelling written out in full ("Alternative Rock", not "Alt. Rock") is the better name for all.
    const full = sorted.find((entry) => genreKey(entry.spelling) === key);
    const target = sorted.find((entry) => preferred(entry.spelling))?.spelling ?? synonymName(key) ?? builtinGenre(sorted[0].spelling)?.name ?? full?.spelling ?? sorted[0].spelling;
    const sameKey = new Set(group.map((entry) => genreKey(entry.spelling))).size === 1;
    suggestions.push({ spellings: sorted, target, reason: sameKey ? 'case or punctuation' : 'alias' });
  }
  return suggestions.sort((a, b) => total(b) - total(a) || a.target.localeCompare(b.target));
}

function total(suggestion: SpellingSuggestion): number {
  return suggestion.spellings.reduce((sum, entry) => sum + entry.trackCount, 0);
}

/** A placement the user chose: family ids, or 'outside'. */
export type UserPlacement = readonly string[] | 'outside';

/** The stored form of a user placement (genre_tree_placements.placement). */
export function encodePlacement(placement: UserPlacement): string {
  return placement === 'outside' ? 'outside' : placement.join(',');
}

export function decodePlacement(stored: string): UserPlacement {
  return stored === 'outside' ? 'outside' : stored.split(',').filter((id) => genreFamily(id) !== undefined);
}

/**
 * Parses what a user names as a tree node: a family's id or name (any spelling of it, e.g. "hip hop"),
 * or "outside". Returns null for anything else.
 */
export function parseTreeNode(raw: string): UserPlacement | null {
  const key = genreKey(raw);
  if (key === 'outside') return 'outside';
  const family = GENRE_FAMILIES.find((candidate) => genreKey(candidate.id) === key || genreKey(candidate.name) === key);
  return family ? [family.id] : null;
}

/**
 * Where a genre lands: the user's placement of the first of its spellings that has one, else the tree's
 * placement of the first spelling the tree knows, else unknown.
 */
export function placeSpellings(spellings: readonly string[], userPlacements: ReadonlyMap<string, string>): { placement: TreePlacement; byUser: boolean } {
  for (const spelling of spellings) {
    const stored = userPlacements.get(genreKey(spelling));
    if (stored === undefined) continue;
    const placement = decodePlacement(stored);
    return { placement: placement === 'outside' ? { kind: 'outside' } : { kind: 'families', familyIds: placement }, byUser: true };
  }
  for (const spelling of spellings) {
    const placement = placeGenre(spelling);
    if (placement.kind !== 'unknown') return { placement, byUser: false };
  }
  return { placement: { kind: 'unknown' }, byUser: false };
}
