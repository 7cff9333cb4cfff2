/**
 * The genre tree: the broad families a real library holds, which the classifier predicts over, and
 * where every known spelling (the built-in vocabulary, AllMusic, Last.fm and common tag genres) lands.
 * A spelling can land on several families ("Pop/Rock"), or on none when it names an origin or a use
 * rather than a sound ("International", "Holiday"). The user's own genres extend the tree at retrain
 * time; they never replace it.
 */

import { genreKey } from './vocabulary.js';

/** A top-level node: a genre family the default model names. */
export interface GenreFamily {
  /** Stable identifier, used in stored predictions and model files. */
  id: string;
  /** Display name. */
  name: string;
  /** Sub-genres and spellings that land on this family (the name itself needs no entry). */
  aliases: readonly string[];
}

export const GENRE_FAMILIES: readonly GenreFamily[] = [
  { id: 'pop', name: 'Pop', aliases: ['Pop Music', 'K-Pop', 'J-Pop', 'Synthpop', 'Synth Pop', 'Electropop', 'Indie Pop', 'Dance Pop', 'Teen Pop', 'Europop', 'Easy Listening', 'Adult Contemporary', 'Vocal Pop', 'Chanson'] },
  { id: 'rock', name: 'Rock', aliases: ['Rock Music', 'Alternative', 'Alt', 'Alt. Rock', 'Alt Rock', 'Alternative Rock', 'Indie', 'Indie Rock', 'Classic Rock', 'Hard Rock', 'Progressive Rock', 'Prog Rock', 'Psychedelic Rock', 'Post-Rock', 'Rock & Roll', "Rock 'n' Roll", 'Grunge', 'Garage Rock', 'Britpop', 'Shoegaze', 'Soft Rock', 'Blues Rock', 'Folk Rock', 'Rockabilly'] },
  { id: 'metal', name: 'Metal', aliases: ['Heavy Metal', 'Death Metal', 'Black Metal', 'Thrash Metal', 'Doom Metal', 'Power Metal', 'Metalcore', 'Nu Metal', 'Progressive Metal'] },
  { id: 'punk', name: 'Punk', aliases: ['Punk Rock', 'Pop Punk', 'Hardcore', 'Hardcore Punk', 'Post-Punk', 'Emo', 'Ska Punk'] },
  { id: 'electronic', name: 'Electronic', aliases: ['Electronica', 'Electronic Music', 'Electro', 'Dance', 'EDM', 'House', 'House Music', 'Deep House', 'Techno', 'Trance', 'Drum & Bass', 'DnB', 'D&B', 'Drum n Bass', 'Jungle', 'Dubstep', 'Breakbeat', 'IDM', 'Trip-Hop', 'Downtempo', 'Chillout', 'Electro House', 'Lo-Fi', 'Chiptune', 'Synthwave', 'Industrial'] },
  { id: 'hip-hop', name: 'Hip-Hop', aliases: ['Hip Hop', 'Hip Hop Music', 'Hip-Hop/Rap', 'Rap', 'Trap', 'Gangsta Rap', 'Grime', 'Boom Bap'] },
  { id: 'rnb-soul', name: 'R&B/Soul', aliases: ['R&B', 'RnB', 'Rhythm and Blues', 'Rhythm & Blues', 'Contemporary R&B', 'Soul', 'Neo-Soul', 'Motown', 'Gospel', 'Doo Wop', 'Quiet Storm'] },
  { id: 'funk', name: 'Funk', aliases: ['Disco', 'P-Funk', 'Funk Rock', 'Boogie'] },
  { id: 'jazz', name: 'Jazz', aliases: ['Bebop', 'Swing', 'Big Band', 'Smooth Jazz', 'Jazz Fusion', 'Fusion', 'Cool Jazz', 'Free Jazz', 'Vocal Jazz', 'Acid Jazz', 'Latin Jazz', 'Hard Bop', 'Dixieland', 'Bossa Nova'] },
  { id: 'blues', name: 'Blues', aliases: ['Delta Blues', 'Chicago Blues', 'Electric Blues', 'Country Blues'] },
  { id: 'country', name: 'Country', aliases: ['Country Music', 'Bluegrass', 'Americana', 'Honky Tonk', 'Country Pop', 'Alt-Country', 'Western Swing', 'Outlaw Country'] },
  { id: 'folk', name: 'Folk', aliases: ['Folk Music', 'Singer-Songwriter', 'Acoustic', 'Traditional Folk', 'Celtic', 'Contemporary Folk', 'Indie Folk'] },
  { id: 'reggae', name: 'Reggae', aliases: ['Ska', 'Dub', 'Dancehall', 'Roots Reggae', 'Rocksteady'] },
  { id: 'latin', name: 'Latin', aliases: ['Latin Music', 'Salsa', 'Reggaeton', 'Bachata', 'Merengue', 'Cumbia', 'Tango', 'Flamenco', 'Samba', 'Latin Pop', 'Mariachi'] },
  { id: 'classical', name: 'Classical', aliases: ['Classical Music', 'Klassik', 'Romantic Classical', 'Baroque', 'Opera', 'Orchestral', 'Chamber Music', 'Symphony', 'Contemporary Classical', 'Choral', 'Early Music', 'Modern Classical'] },
  { id: 'soundtrack', name: 'Soundtrack', aliases: ['OST', 'Original Soundtrack', 'Film Score', 'Score', 'Stage & Screen', 'Video Game Music', 'Game Music', 'Game Soundtrack', 'Film Soundtrack', 'Musical', 'Show Tunes', 'Cinematic'] },
  { id: 'ambient-new-age', name: 'Ambient/New Age', aliases: ['Ambient', 'New Age', 'Dark Ambient', 'Drone', 'Meditation', 'Relaxation'] },
];

/**
 * Spellings that land on several families at once: AllMusic's umbrella genres and two-family tags.
 * AllMusic's "Pop/Rock" covers pop, rock, metal and punk; its "R&B" covers soul and funk.
 */
const MULTI_FAMILY_ALIASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['Pop/Rock', ['pop', 'rock', 'metal', 'punk']],
  ['R&B/Soul', ['rnb-soul']],
  ['Funk/Soul', ['funk', 'rnb-soul']],
  ['Folk, World, & Country', ['folk', 'country']],
  ['Blues/R&B', ['blues', 'rnb-soul']],
];

/**
 * Spellings known to name no family of sound (origin, occasion or format), so they are "outside the
 * tree" rather than unknown.
 */
const OUTSIDE_THE_TREE: readonly string[] = [
  'International', 'World', 'World Music', 'Vocal', 'Holiday', 'Christmas', 'Religious', "Children's", 'Children',
  'Comedy/Spoken', 'Comedy', 'Spoken Word', 'Spoken', 'Audiobook', 'Podcast', 'Avant-Garde', 'Experimental',
  'Instrumental', 'Other', 'Unknown', 'Misc',
];

const familyById: ReadonlyMap<string, GenreFamily> = new Map(GENRE_FAMILIES.map((family) => [family.id, family]));

const familiesByKey: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, readonly string[]>();
  for (const family of GENRE_FAMILIES) {
    for (const spelling of [family.name, family.id, ...family.aliases]) map.set(genreKey(spelling), [family.id]);
  }
  for (const [spelling, ids] of MULTI_FAMILY_ALIASES) map.set(genreKey(spelling), ids);
  return map;
})();

const outsideKeys: ReadonlySet<string> = new Set(OUTSIDE_THE_TREE.map(genreKey));

/** The family ids in the tree's order. */
export const GENRE_FAMILY_IDS: readonly string[] = GENRE_FAMILIES.map((family) => family.id);

/** The family with this id, if any. */
export function genreFamily(id: string): GenreFamily | undefined {
  return familyById.get(id);
}

/** Where a spelling lands in the tree. */
export type TreePlacement =
  | { kind: 'families'; familyIds: readonly string[] }
  /** A known genre that names no family of sound (origin, occasion, spoken word). */
  | { kind: 'outside' }
  | { kind: 'unknown' };

/** The family (or families) a genre spelling lands on; spacing, case and punctuation are ignored. */
export function placeGenre(raw: string): TreePlacement {
  const key = genreKey(raw);
  const ids = familiesByKey.get(key);
  if (ids) return { kind: 'families', familyIds: ids };
  if (outsideKeys.has(key)) return { kind: 'outside' };
  return { kind: 'unknown' };
}

/** The family ids a spelling lands on ([] when outside the tree or unknown). */
export function genreFamilies(raw: string): readonly string[] {
  const placement = placeGenre(raw);
  return placement.kind === 'families' ? placement.familyIds : [];
}
