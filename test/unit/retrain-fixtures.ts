/** A synthetic library for the retrain tests: tracks with stored predictions and embeddings, no audio. */
import { openDatabase } from '../../core/db/open.js';
import { GenresRepo } from '../../core/db/repos/genres.js';
import { PredictionsRepo, type StoredPrediction } from '../../core/db/repos/predictions.js';
import { SeededRandom } from '../../core/ml/random.js';
import { DEFAULT_HEAD_OPTIONS } from '../../core/retrain/head.js';
import { RetrainService } from '../../core/retrain/service.js';
import type { RetrainProgress } from '../../core/retrain/types.js';

export const MODEL = { modelId: 'genre-test', modelVersion: '1.0.0' };
const BASE_LABELS = ['classical', 'electronic', 'rock'];
/**
 * Four kinds of music, one embedding cluster each. The shipped model gets classical and electronic
 * right, calls rock "electronic" (a mistake the fixes correct) and knows nothing of chiptune (a genre
 * the user invents), which it also calls electronic.
 */
export const KINDS = [
  { name: 'classical', confirmAs: 'Classical', base: [0.8, 0.1, 0.1] },
  { name: 'electronic', confirmAs: 'Electronic', base: [0.1, 0.7, 0.2] },
  { name: 'rock', confirmAs: 'Rock', base: [0.1, 0.6, 0.3] },
  { name: 'chiptune', confirmAs: 'Chiptune', base: [0.05, 0.8, 0.15] },
];
const DIM = 16;

interface Track {
  id: number;
  kind: number;
  prediction: StoredPrediction;
}

export function makeLibrary(perKind = 16, dbPath = ':memory:') {
  const db = openDatabase(dbPath);
  db.prepare(`INSERT INTO folders (id, path, added_at) VALUES (1, '/music', 0)`).run();
  const random = new SeededRandom(11);
  const centres = KINDS.map(() => Array.from({ length: DIM }, () => random.normal()));
  const predictions = new PredictionsRepo(db);
  const insertTrack = db.prepare(`INSERT INTO tracks (folder_id, path, size, mtime_ms, artist, added_at, updated_at) VALUES (1, ?, 1, 1, ?, 0, 0)`);
  const tracks: Track[] = [];
  const newPrediction = (kind: number): StoredPrediction => {
    const values = centres[kind].map((c) => c + 0.35 * random.normal());
    const norm = Math.hypot(...values);
    const base = KINDS[kind].base;
    const best = base.indexOf(Math.max(...base));
    const probabilities = Object.fromEntries(BASE_LABELS.map((label, i) => [label, base[i]]));
    return {
      ...MODEL,
      genre: BASE_LABELS[best],
      confidence: base[best],
      probabilities,
      segments: [{ start: 0, end: 3, genre: BASE_LABELS[best], probabilities }],
      embedding: Float32Array.from(values, (v) => v / norm),
    };
  };
  KINDS.forEach((kind, k) => {
    for (let i = 0; i < perKind; i++) {
      // Two tracks per artist.
      const id = Number(insertTrack.run(`/music/${kind.name}-${i}.wav`, `${kind.name} artist ${Math.floor(i / 2)}`).lastInsertRowid);
      const prediction = newPrediction(k);
      predictions.save(id, prediction, 1000 + id);
      tracks.push({ id, kind: k, prediction });
    }
  });
  const genres = new GenresRepo(db);
  const events: RetrainProgress[] = [];
  const modelChanges: number[] = [];
  const changedTracks = new Set<number>();
  const service = new RetrainService({
    db,
    predictions,
    events: {
      emit: (event, payload) => {
        if (event === 'retrain-progress') events.push(payload as RetrainProgress);
        else modelChanges.push((payload as { versionId: number }).versionId);
      },
    },
    onTracksChanged: (ids) => ids.forEach((id) => changedTracks.add(id)),
    // Fewer optimiser steps than the default keep the test fast; the clusters are easy.
    headOptions: { ...DEFAULT_HEAD_OPTIONS, targetSteps: 300 },
  });
  return { db, predictions, genres, service, tracks, events, modelChanges, changedTracks, newPrediction };
}

export function confirm(genres: GenresRepo, trackId: number, ...names: string[]): void {
  genres.setConfirmedRows(
    trackId,
    names.map((name) => ({ genreId: genres.resolveOrCreate(name).id, source: 'user' as const, confirmedAt: 0 })),
  );
}

/** Confirms the first `count` tracks of every kind as their genre. */
export function confirmSome(library: ReturnType<typeof makeLibrary>, count: number): void {
  for (const kind of KINDS.keys()) {
    for (const track of library.tracks.filter((t) => t.kind === kind).slice(0, count)) confirm(library.genres, track.id, KINDS[kind].confirmAs);
  }
}

