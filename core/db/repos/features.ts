import type { Db } from '../open.js';
import type { MelPreview } from '../../library/types.js';
import { duplicateProfile } from '../../duplicates/profile.js';

/** What analysis stores per track: compact, versioned. */
export interface TrackFeatures {
  analysisVersion: number;
  /** The 518 FMA statistics in FMA518_KEYS order, as float32. */
  fma518: Float32Array;
  tempoBpm: number;
  melPreview: MelPreview;
  analysedAt: number;
}

interface RawFeatures {
  analysisVersion: number;
  fma518: Buffer;
  tempoBpm: number;
  melPreview: Buffer;
  bands: number;
  frames: number;
  secondsPerFrame: number;
  dbMin: number;
  dbMax: number;
  analysedAt: number;
}

/** Copies a BLOB into an aligned typed array (Buffers from SQLite may sit at any byte offset). */
function float32FromBlob(blob: Buffer): Float32Array {
  const values = new Float32Array(blob.byteLength / 4);
  new Uint8Array(values.buffer).set(blob);
  return values;
}

function blobOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

/** Analysis results: one row per analysed track. */
export class FeaturesRepo {
  private readonly upsertStmt;
  private readonly profileStmt;
  private readonly getStmt;
  private readonly staleStmt;
  private readonly statisticsStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(`
      INSERT INTO features (track_id, analysis_version, fma518, tempo_bpm, mel_preview, mel_bands, mel_frames,
                            mel_seconds_per_frame, mel_db_min, mel_db_max, analysed_at)
      VALUES (@trackId, @analysisVersion, @fma518, @tempoBpm, @melPreview, @bands, @frames, @secondsPerFrame,
              @dbMin, @dbMax, @analysedAt)
      ON CONFLICT (track_id) DO UPDATE SET
        analysis_version = excluded.analysis_version, fma518 = excluded.fma518, tempo_bpm = excluded.tempo_bpm,
        mel_preview = excluded.mel_preview, mel_bands = excluded.mel_bands, mel_frames = excluded.mel_frames,
        mel_seconds_per_frame = excluded.mel_seconds_per_frame, mel_db_min = excluded.mel_db_min,
        mel_db_max = excluded.mel_db_max, analysed_at = excluded.analysed_at`);
    this.profileStmt = db.prepare(`
      INSERT INTO duplicate_profiles (track_id, mfcc_means) VALUES (?, ?)
      ON CONFLICT (track_id) DO UPDATE SET mfcc_means = excluded.mfcc_means`);
    this.getStmt = db.prepare(`
      SELECT analysis_version AS analysisVersion, fma518, tempo_bpm AS tempoBpm, mel_preview AS melPreview,
             mel_bands AS bands, mel_frames AS frames, mel_seconds_per_frame AS secondsPerFrame,
             mel_db_min AS dbMin, mel_db_max AS dbMax, analysed_at AS analysedAt
      FROM features WHERE track_id = ?`);
    this.statisticsStmt = db.prepare('SELECT track_id AS trackId, fma518, tempo_bpm AS tempoBpm FROM features');
    this.staleStmt = db.prepare(`
      SELECT t.id FROM tracks t JOIN features f ON f.track_id = t.id
      WHERE t.status = 'done' AND f.analysis_version < ? AND (? IS NULL OR t.folder_id = ?)`).pluck();
  }

  save(trackId: number, features: TrackFeatures): void {
    const { melPreview, fma518, ...scalars } = features;
    this.upsertStmt.run({
      trackId,
      ...scalars,
      fma518: blobOf(fma518),
      melPreview: blobOf(melPreview.data),
      bands: melPreview.bands,
      frames: melPreview.frames,
      secondsPerFrame: melPreview.secondsPerFrame,
      dbMin: melPreview.dbMin,
      dbMax: melPreview.dbMax,
    });
    this.profileStmt.run(trackId, blobOf(duplicateProfile(fma518)));
  }

  get(trackId: number): TrackFeatures | null {
    const raw = this.getStmt.get(trackId) as RawFeatures | undefined;
    if (!raw) return null;
    return {
      analysisVersion: raw.analysisVersion,
      fma518: float32FromBlob(raw.fma518),
      tempoBpm: raw.tempoBpm,
      analysedAt: raw.analysedAt,
      melPreview: {
        bands: raw.bands,
        frames: raw.frames,
        secondsPerFrame: raw.secondsPerFrame,
        dbMin: raw.dbMin,
        dbMax: raw.dbMax,
        data: new Uint8Array(raw.melPreview),
      },
    };
  }

  /**
   * Every analysed track's 518 statistics and tempo, in one read: what similarity needs, without the
   * mel preview (tens of KB a track) that get() also reads.
   */
  statistics(): Map<number, Pick<TrackFeatures, 'fma518' | 'tempoBpm'>> {
    const result = new Map<number, Pick<TrackFeatures, 'fma518' | 'tempoBpm'>>();
    for (const row of this.statisticsStmt.iterate() as IterableIterator<{ trackId: number; fma518: Buffer; tempoBpm: number }>) {
      result.set(row.trackId, { fma518: float32FromBlob(row.fma518), tempoBpm: row.tempoBpm });
    }
    return result;
  }

  /** Analysed tracks whose features predate `analysisVersion` (optionally in one folder). */
  staleTrackIds(analysisVersion: number, folderId: number | null = null): number[] {
    return this.staleStmt.all(analysisVersion, folderId, folderId) as number[];
  }
}
