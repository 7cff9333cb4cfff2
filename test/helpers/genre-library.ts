/**
 * A small analysed library for the genre-fixing tests, written straight into a database: real (tiny)
 * WAV files, their tags, and a classifier prediction with an embedding per track. The embeddings
 * cluster by each track's true genre, while the stored predictions of the shipped model get some of
 * them wrong in a known pattern; so a confusion matrix has known off-diagonal cells, and a head
 * retrained on the fixes can learn them. Analysing real audio would take far longer and give
 * predictions no test can know in advance.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../core/db/open.js';
import { FoldersRepo } from '../../core/db/repos/folders.js';
import { PredictionsRepo } from '../../core/db/repos/predictions.js';
import { TracksRepo } from '../../core/db/repos/tracks.js';
import { fileStamp } from '../../core/library/files.js';
import { toneSamples, writeWav } from './audio.js';

/** The shipped model's labels (models/registry.json), as the scan stores them. */
export const MODEL = { modelId: 'genre-cnn-lstm-emotify', modelVersion: '1.1.0', labels: ['classical', 'electronic', 'pop', 'rock'] };

export interface SeededTrack {
  id: number;
  title: string;
  artist: string;
  album: string;
  /** The genre in the file's tags, if any. */
  tagGenre: string | null;
  /** What the track really is (what a user fixes it to). */
  truth: string;
  /** The shipped model's stored prediction (a model label, lower case). */
  predicted: string;
}

const GENRES = ['Classical', 'Electronic', 'Pop', 'Rock'];
const TRACKS_PER_GENRE = 6;
const EMBEDDING_SIZE = 8;

/** Which of a genre's tracks (by position 0..5) the shipped model gets wrong, and as what. */
function basePrediction(truth: string, position: number): string {
  const wrong: Record<string, (position: number) => string | null> = {
    Classical: () => null,
    Electronic: (at) => (at >= 3 ? 'pop' : null),
    Pop: (at) => (at % 2 === 0 ? 'rock' : null),
    Rock: (at) => (at < 4 ? 'pop' : null),
  };
  return wrong[truth](position) ?? truth.toLowerCase();
}

/** Writes the library's files into `musicDir` and its tracks into the database at `dbPath`. */
export function seedGenreLibrary(dbPath: string, musicDir: string): SeededTrack[] {
  const db = openDatabase(dbPath);
  try {
    const folder = new FoldersRepo(db).add(musicDir);
    const tracks = new TracksRepo(db);
    const predictions = new PredictionsRepo(db);
    const samples = toneSamples(0.25);
    let seed = 11;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.3;
    const seeded: SeededTrack[] = [];
    db.transaction(() => {
      GENRES.forEach((truth, genreIndex) => {
        for (let position = 0; position < TRACKS_PER_GENRE; position += 1) {
          const title = `${truth} Study ${position + 1}`;
          const path = join(musicDir, `${truth.toLowerCase()}-study-${position + 1}.wav`);
          writeWav(path, samples);
          const id = tracks.insert({ folderId: folder.id, path, ...fileStamp(statSync(path)), fingerprint: null, status: 'done', error: null });
          const track: SeededTrack = {
            id,
            title,
            artist: `${truth} Artist ${Math.floor(position / 2) + 1}`,
            album: `${truth} Album`,
            // The first two of each genre carry a (correct) genre tag.
            tagGenre: position < 2 ? truth : null,
            truth,
            predicted: basePrediction(truth, position),
          };
          tracks.setTags(id, {
            title,
            artist: track.artist,
            album: track.album,
            year: null,
            genres: track.tagGenre ? [track.tagGenre] : [],
            durationSec: 0.25,
            bitrate: 352_800,
            sampleRate: 22_050,
          });
          const embedding = new Float32Array(EMBEDDING_SIZE).map((_, dim) => (dim === genreIndex * 2 ? 1 : 0) + noise());
          const probabilities = Object.fromEntries(MODEL.labels.map((label) => [label, label === track.predicted ? 0.7 : 0.1]));
          predictions.save(
            id,
            { modelId: MODEL.modelId, modelVersion: MODEL.modelVersion, genre: track.predicted, confidence: 0.7, probabilities, segments: [], embedding },
            Date.now(),
          );
          seeded.push(track);
        }
      });
    })();
    return seeded;
  } finally {
    db.close();
  }
}
