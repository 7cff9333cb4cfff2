import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeAnalysisExcerpt } from '../audio/windows.js';
import type { TimeFrequency } from '../dsp/types.js';
import { analyzeSignal } from '../features/analyze.js';
import { analysisCodeFingerprint } from '../features/code-fingerprint.js';

/** What similarity needs from one audio file. */
export interface ClipFeatures {
  /** The 518 FMA statistics (FMA518_KEYS order); NaN where a feature could not be computed. */
  mir: Float64Array;
  tempoBpm: number;
  /** The classifier embedding, when an embedder was given. */
  embedding: Float32Array | null;
}

/** A genre model's embedding of a log-mel spectrogram, named so cached embeddings stay per model. */
export interface Embedder {
  modelId: string;
  embed(melDb: TimeFrequency): Float32Array;
}

interface CacheEntry {
  mir: Array<number | null>;
  tempoBpm: number;
  embeddings: Record<string, number[]>;
}

/**
 * Per-file analysis results on disk (JSON, one file per clip), keyed by the file's path, size and
 * mtime and by a fingerprint of the compiled feature code: a changed file or a changed DSP recipe
 * misses the cache instead of serving stale statistics. Embeddings are stored per model id.
 */
export class ClipFeatureCache {
  constructor(readonly directory: string) {}

  async features(file: string, embedder?: Embedder): Promise<ClipFeatures> {
    const entryFile = path.join(this.directory, `${await this.key(file)}.json`);
    const cached = await readEntry(entryFile);
    if (cached && (!embedder || cached.embeddings[embedder.modelId])) return fromEntry(cached, embedder);

    const { samples } = await decodeAnalysisExcerpt(file);
    const analysis = analyzeSignal(samples);
    const entry: CacheEntry = {
      mir: Array.from(analysis.fma518, (value) => (Number.isFinite(value) ? value : null)),
      tempoBpm: analysis.tempoBpm,
      embeddings: { ...(cached?.embeddings ?? {}) },
    };
    if (embedder) entry.embeddings[embedder.modelId] = Array.from(embedder.embed(analysis.melDb));
    await this.write(entryFile, entry);
    return fromEntry(entry, embedder);
  }

  private async key(file: string): Promise<string> {
    const info = await stat(file);
    return createHash('sha1')
      .update(`${path.resolve(file)}|${info.size}|${Math.round(info.mtimeMs)}|${await analysisCodeFingerprint()}`)
      .digest('hex');
  }

  private async write(entryFile: string, entry: CacheEntry): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const temporary = `${entryFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, entryFile);
  }
}

async function readEntry(entryFile: string): Promise<CacheEntry | null> {
  try {
    return JSON.parse(await readFile(entryFile, 'utf8')) as CacheEntry;
  } catch {
    return null;
  }
}

function fromEntry(entry: CacheEntry, embedder: Embedder | undefined): ClipFeatures {
  const embedding = embedder ? entry.embeddings[embedder.modelId] : undefined;
  return {
    mir: Float64Array.from(entry.mir, (value) => value ?? Number.NaN),
    tempoBpm: entry.tempoBpm,
    embedding: embedding ? Float32Array.from(embedding) : null,
  };
}
