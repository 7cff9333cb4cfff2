import { canonicalGenreName, genreKey } from '../genres/vocabulary.js';
import type { ShownGenre, SortKey, TrackFacets, TrackPage, TrackQuery, TrackRow, TrackSelectionQuery } from './contract.js';

/** A table row as the core reads it; the index adds the genres it shows by name (`shownGenres`). */
export type TrackRecord = Omit<TrackRow, 'shownGenres'>;

/**
 * The library table's query engine: an in-memory copy of every track row, kept current from core
 * events, that answers search/sort/filter/page requests. A 100,000-track library fits in a few tens
 * of MB, and answering from memory keeps a search keystroke well under the UI's 100 ms budget
 * without a database round trip per page.
 */
interface Entry {
  row: TrackRecord;
  /** Position in id order, set when the search corpus is built. */
  ordinal: number;
  /** Lower-cased title, artist, album, file name and folder, joined, for substring search. */
  haystack: string;
  /** The genres the table shows and filters on: the confirmed ones, else the tag genres, as spelled. */
  genres: string[];
  /** Those genres by name, each once; worked out when first shown or sorted on, forgotten when the vocabulary changes. */
  shown: ShownGenre[] | null;
  predictedLower: string | null;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** A genre spelling's canonical name in the user's vocabulary, and that name's key. */
interface CanonicalGenre {
  name: string;
  key: string;
}

export class TrackIndex {
  private readonly entries = new Map<number, Entry>();
  /** Entries in id order, rebuilt lazily after a change. */
  private ordered: Entry[] | null = null;
  private readonly sorted = new Map<SortKey, Entry[]>();
  /** Every haystack in id order, joined by newlines (which no search word contains), and where each starts. */
  private corpus: { text: string; starts: Int32Array } | null = null;
  private lastQuery: { key: string; matches: Entry[] } | null = null;
  private changes = 0;
  /** Canonical names by spelling; a library has few distinct spellings, and a lookup may hit the database. */
  private readonly canonicalBySpelling = new Map<string, CanonicalGenre>();

  /**
   * `canonicalName` maps a genre spelling to the name the Genres page shows for it (the user's
   * vocabulary, then the built-in one), so the table's genre column, its sort, the genre filter, its
   * options and the map agree with that page. Call vocabularyChanged() after a rename, merge or new genre.
   */
  constructor(
    rows: Iterable<TrackRecord> = [],
    private readonly canonicalName: (spelling: string) => string = canonicalGenreName,
  ) {
    for (const row of rows) this.entries.set(row.id, toEntry(row));
    // Ready before the first page is asked for: the app's first paint should not pay for it.
    this.searchCorpus();
  }

  get size(): number {
    return this.entries.size;
  }

  upsert(row: TrackRecord): void {
    this.entries.set(row.id, toEntry(row));
    this.invalidate();
  }

  remove(id: number): void {
    if (this.entries.delete(id)) this.invalidate();
  }

  query(query: TrackQuery): TrackPage {
    const { offset: _offset, limit: _limit, ...selection } = query;
    const matches = this.matches(selection);
    return {
      total: matches.length,
      libraryTotal: this.entries.size,
      offset: query.offset,
      rows: matches.slice(query.offset, query.offset + query.limit).map((entry) => this.withShownGenres(entry)),
    };
  }

  /** The vocabulary's name for a genre spelling ("electronica" → "Electronic"). */
  canonicalGenre(spelling: string): string {
    return this.canonical(spelling).name;
  }

  /**
   * These genres and every spelling in the library (tag or confirmed) that goes by the same name as one
   * of them: what a filter outside the index (a playlist's genres) needs to match every spelling.
   */
  spellingsOf(genres: readonly string[]): string[] {
    const keys = new Set(genres.map((genre) => this.canonical(genre).key));
    const spellings = new Set(genres);
    for (const { row } of this.entries.values()) {
      for (const spelling of [...row.genres, ...row.confirmedGenres]) if (keys.has(this.canonical(spelling).key)) spellings.add(spelling);
    }
    return [...spellings];
  }

  /**
   * Spellings may now resolve to other names: forget the ones looked up, the names shown, the order by
   * genre and the last query's answer.
   */
  vocabularyChanged(): void {
    this.changes += 1;
    this.canonicalBySpelling.clear();
    for (const entry of this.entries.values()) entry.shown = null;
    this.sorted.delete('genre');
    this.lastQuery = null;
  }

  row(id: number): TrackRow | undefined {
    const entry = this.entries.get(id);
    return entry && this.withShownGenres(entry);
  }

  /** A track read outside the index (the track panel's detail) with its genres named as the table names them. */
  named<T extends TrackRecord>(track: T): T & Pick<TrackRow, 'shownGenres'> {
    return { ...track, shownGenres: this.nameGenres(track) };
  }

  /** Every matching track id, in the query's order (for "select all"). */
  ids(query: TrackSelectionQuery): number[] {
    return this.matches(query).map((entry) => entry.row.id);
  }

  facets(): TrackFacets {
    const genres = new Map<string, string>();
    const predicted = new Map<string, string>();
    let errorCount = 0;
    for (const { row, genres: spellings } of this.entries.values()) {
      for (const spelling of spellings) {
        const { name, key } = this.canonical(spelling);
        genres.set(key, name);
      }
      if (row.predictedGenre && !predicted.has(row.predictedGenre.toLowerCase())) {
        predicted.set(row.predictedGenre.toLowerCase(), row.predictedGenre);
      }
      if (row.status === 'error') errorCount += 1;
    }
    const byName = (a: string, b: string) => collator.compare(a, b);
    return { genres: [...genres.values()].sort(byName), predictedGenres: [...predicted.values()].sort(byName), errorCount };
  }

  private withShownGenres(entry: Entry): TrackRow {
    return { ...entry.row, shownGenres: this.shownGenresOf(entry) };
  }

  private shownGenresOf(entry: Entry): ShownGenre[] {
    entry.shown ??= this.nameGenres(entry.row);
    return entry.shown;
  }

  /** The shown spellings by name, in order; spellings that go by one name become one genre. */
  private nameGenres(track: TrackRecord): ShownGenre[] {
    const fromTags = track.confirmedGenres.length === 0;
    const byKey = new Map<string, ShownGenre>();
    for (const spelling of shownGenres(track)) {
      const { name, key } = this.canonical(spelling);
      let genre = byKey.get(key);
      if (!genre) byKey.set(key, (genre = { name, tags: [] }));
      if (fromTags) genre.tags.push(spelling);
    }
    return [...byKey.values()];
  }

  private canonical(spelling: string): CanonicalGenre {
    let genre = this.canonicalBySpelling.get(spelling);
    if (!genre) {
      const name = this.canonicalName(spelling);
      genre = { name, key: genreKey(name) };
      this.canonicalBySpelling.set(spelling, genre);
    }
    return genre;
  }

  /** Bumped whenever a row, or the names genres go by, may have changed: views built from rows() compare it. */
  get generation(): number {
    return this.changes;
  }

  /** Every row as the core read it (no copies: not to be changed), in id order, with its first shown genre by name. */
  records(): Array<{ row: TrackRecord; genre: string | null }> {
    return this.inIdOrder().map((entry) => ({ row: entry.row, genre: entry.genres.length ? this.canonical(entry.genres[0]).name : null }));
  }

  private invalidate(): void {
    this.changes += 1;
    this.ordered = null;
    this.corpus = null;
    this.sorted.clear();
    this.lastQuery = null;
  }

  /** The filtered, sorted entries of a query; the last one is cached so paging through it is cheap. */
  private matches(query: TrackSelectionQuery): Entry[] {
    const key = JSON.stringify(query);
    if (this.lastQuery?.key === key) return this.lastQuery.matches;
    const base = query.sort ? this.sortedBy(query.sort.key) : this.inIdOrder();
    const words = (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const keep = compileFilter(query, words.length ? this.searchMask(words) : null, (spelling) => this.canonical(spelling).key);
    let matches = keep ? base.filter(keep) : base;
    if (query.sort?.direction === 'desc') matches = reverseKeepingBlanksLast(matches, this.sortValueOf(query.sort.key));
    this.lastQuery = { key, matches };
    return matches;
  }

  /**
   * Marks (by id-order position) the entries containing every word. One indexOf pass over the joined
   * corpus per word is several times faster than testing 100,000 separate strings.
   */
  private searchMask(words: string[]): Uint8Array {
    const { text, starts } = this.searchCorpus();
    const count = starts.length - 1;
    let mask: Uint8Array | null = null;
    for (const word of words) {
      const found = new Uint8Array(count);
      // Hits come in corpus order, so the entry holding each one is found by walking forward.
      let ordinal = 0;
      for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, starts[ordinal + 1])) {
        while (starts[ordinal + 1] <= at) ordinal += 1;
        found[ordinal] = 1;
      }
      if (mask) for (let i = 0; i < count; i += 1) mask[i] &= found[i];
      else mask = found;
    }
    return mask!;
  }

  private searchCorpus(): { text: string; starts: Int32Array } {
    if (!this.corpus) {
      const ordered = this.inIdOrder();
      const starts = new Int32Array(ordered.length + 1);
      let offset = 0;
      ordered.forEach((entry, ordinal) => {
        entry.ordinal = ordinal;
        starts[ordinal] = offset;
        offset += entry.haystack.length + 1;
      });
      starts[ordered.length] = offset;
      this.corpus = { text: ordered.map((entry) => entry.haystack).join('\n'), starts };
    }
    return this.corpus;
  }

  private inIdOrder(): Entry[] {
    this.ordered ??= [...this.entries.values()].sort((a, b) => a.row.id - b.row.id);
    return this.ordered;
  }

  private sortedBy(key: SortKey): Entry[] {
    let sorted = this.sorted.get(key);
    if (!sorted) {
      sorted = sortEntries(this.inIdOrder(), this.sortValueOf(key));
      this.sorted.set(key, sorted);
    }
    return sorted;
  }

  /** The genre column sorts by the first name it shows (its first spelling's); the others by the row's own value. */
  private sortValueOf(key: SortKey): (entry: Entry) => SortValue {
    if (key === 'genre') return (entry) => (entry.genres.length ? this.canonical(entry.genres[0]).name : undefined);
    const value = rowSortValue[key];
    return (entry) => value(entry.row);
  }
}

/** A user's confirmed genres replace the file's tag genres in the table (the tags stay in the file). */
function shownGenres(row: TrackRecord): string[] {
  return row.confirmedGenres.length ? row.confirmedGenres : row.genres;
}

function toEntry(row: TrackRecord): Entry {
  return {
    row,
    ordinal: -1,
    haystack: [row.title, row.artist, row.album, row.fileName, row.folder].filter(Boolean).join('\u0000').toLowerCase(),
    genres: shownGenres(row),
    shown: null,
    predictedLower: row.predictedGenre?.toLowerCase() ?? null,
  };
}

type SortValue = string | number | null | undefined;

const rowSortValue: Record<Exclude<SortKey, 'genre'>, (row: TrackRecord) => SortValue> = {
  title: (row) => row.title ?? row.fileName,
  artist: (row) => row.artist,
  album: (row) => row.album,
  durationSec: (row) => row.durationSec,
  tempoBpm: (row) => row.tempoBpm,
  predictedGenre: (row) => row.predictedGenre,
  confidence: (row) => row.confidence,
};

const isBlank = (value: SortValue): value is null | undefined | '' => value === null || value === undefined || value === '';

/**
 * Sorts by one column: each distinct value is ranked once (text by the collator), then every entry
 * becomes one number, rank × 2^k + its position in id order, and a native typed-array sort orders
 * them. That is an order of magnitude faster than a comparator sort over 100,000 objects, and keeps
 * ties in id order. Blanks rank after every value.
 */
function sortEntries(entries: Entry[], value: (entry: Entry) => SortValue): Entry[] {
  const values = entries.map(value);
  const distinct = [...new Set(values.filter((item): item is string | number => !isBlank(item)))];
  distinct.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b))));
  const rank = new Map(distinct.map((item, position) => [item, position]));
  const positionBits = Math.max(1, Math.ceil(Math.log2(entries.length + 1)));
  const scale = 2 ** positionBits;
  const packed = new Float64Array(entries.length);
  values.forEach((item, position) => {
    packed[position] = (isBlank(item) ? distinct.length : rank.get(item)!) * scale + position;
  });
  packed.sort();
  return Array.from(packed, (code) => entries[code % scale]);
}

function reverseKeepingBlanksLast(entries: Entry[], value: (entry: Entry) => SortValue): Entry[] {
  let firstBlank = entries.length;
  while (firstBlank > 0 && isBlank(value(entries[firstBlank - 1]))) firstBlank -= 1;
  return entries.slice(0, firstBlank).reverse().concat(entries.slice(firstBlank));
}

/** `genreKeyOf` gives a spelling's canonical key: a genre filter matches every spelling of the genre. */
function compileFilter(
  query: TrackSelectionQuery,
  searchMask: Uint8Array | null,
  genreKeyOf: (spelling: string) => string,
): ((entry: Entry) => boolean) | null {
  const tests: Array<(entry: Entry) => boolean> = [];
  if (searchMask) tests.push((entry) => searchMask[entry.ordinal] === 1);
  if (query.genre) {
    const genre = genreKeyOf(query.genre);
    tests.push((entry) => entry.genres.some((spelling) => genreKeyOf(spelling) === genre));
  }
  if (query.predictedGenre) {
    const predicted = query.predictedGenre.toLowerCase();
    tests.push((entry) => entry.predictedLower === predicted);
  }
  if (query.confidence) {
    const [min, max] = query.confidence;
    tests.push((entry) => entry.row.confidence !== null && entry.row.confidence >= min && entry.row.confidence <= max);
  }
  if (query.unconfirmed) tests.push((entry) => !entry.row.genreConfirmed);
  if (query.status) {
    const status = query.status;
    tests.push((entry) => entry.row.status === status);
  }
  if (tests.length <= 1) return tests[0] ?? null;
  return (entry) => tests.every((test) => test(entry));
}
