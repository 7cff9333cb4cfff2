import type { LibraryPlaylistRequest, Seed, SimilarityTrack } from './library.js';
import { readM3u8File, writeM3u8File, type PathStyle } from './m3u.js';
import type { PlaylistOptions } from './playlist.js';
import { SimilarityWorker } from './search-worker.js';
import type { PlaylistResult, SimilarResult } from './worker-protocol.js';

/**
 * "Sounds like this" for the app: the library's similarity index in a worker thread, built on the
 * first query and rebuilt on the next query after `invalidate()` (call it when tracks are analysed,
 * changed or removed), so a burst of library events costs one rebuild.
 */
export class SimilarityService {
  private worker: SimilarityWorker | null = null;
  private tracks: SimilarityTrack[] = [];
  private current: Promise<void> | null = null;
  private stale = true;

  /** `loadTracks` reads the analysed tracks (e.g. loadSimilarityTracks(db)). */
  constructor(private readonly loadTracks: () => SimilarityTrack[]) {}

  invalidate(): void {
    this.stale = true;
  }

  async similar(seed: Seed, k: number): Promise<SimilarResult[]> {
    return (await this.ready()).similar(seed, k);
  }

  async playlist(request: LibraryPlaylistRequest, options?: PlaylistOptions): Promise<PlaylistResult> {
    return (await this.ready()).playlist(request, options);
  }

  /** Writes the tracks (by id, in order) as an M3U8 file. */
  async exportM3u8(file: string, trackIds: readonly number[], style: PathStyle = 'relative'): Promise<void> {
    await this.ready();
    const byId = new Map(this.tracks.map((track) => [track.id, track]));
    const entries = trackIds.map((id) => {
      const track = byId.get(id);
      if (!track) throw new Error(`track ${id} is not analysed or not in the library`);
      return { path: track.path, durationSec: track.durationSec, artist: track.artist, title: track.title };
    });
    await writeM3u8File(file, entries, style);
  }

  /** Reads an M3U8 file: the library tracks it names, in order, and the entries not in the library. */
  async importM3u8(file: string): Promise<{ trackIds: number[]; missing: string[] }> {
    await this.ready();
    const byPath = new Map(this.tracks.map((track) => [track.path, track.id]));
    const trackIds: number[] = [];
    const missing: string[] = [];
    for (const entry of await readM3u8File(file)) {
      const id = byPath.get(entry.path);
      if (id === undefined) missing.push(entry.path);
      else trackIds.push(id);
    }
    return { trackIds, missing };
  }

  async close(): Promise<void> {
    await this.current?.catch(() => undefined);
    await this.worker?.close();
    this.worker = null;
  }

  private async ready(): Promise<SimilarityWorker> {
    while (this.stale || this.current) {
      if (!this.current) {
        this.stale = false;
        this.current = this.rebuild().finally(() => {
          this.current = null;
        });
      }
      try {
        await this.current;
      } catch (error) {
        this.stale = true; // the next query tries again
        throw error;
      }
    }
    return this.worker!;
  }

  private async rebuild(): Promise<void> {
    const tracks = this.loadTracks();
    this.worker ??= new SimilarityWorker();
    await this.worker.load(tracks);
    this.tracks = tracks;
  }
}
