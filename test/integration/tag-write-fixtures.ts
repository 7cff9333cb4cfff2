/**
 * Audio fixtures for the tag write-back tests, made with ffmpeg, and the two audio fingerprints the
 * tests compare: the decoded samples and, for MP3, the raw frames between the tags.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';
import { synthesize } from '../helpers/audio.js';

export interface TagFixture {
  name: string;
  extension: string;
  outputArgs: string[];
}

/** The genre every fixture starts with. */
export const INITIAL_GENRE = 'Hip Hop';

export const FIXTURES: readonly TagFixture[] = [
  { name: 'MP3 (ID3v2.4)', extension: 'mp3', outputArgs: ['-c:a', 'libmp3lame', '-b:a', '128k'] },
  { name: 'MP3 (ID3v2.3 + ID3v1)', extension: 'mp3', outputArgs: ['-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '3', '-write_id3v1', '1'] },
  { name: 'FLAC', extension: 'flac', outputArgs: ['-c:a', 'flac'] },
  { name: 'Ogg Vorbis', extension: 'ogg', outputArgs: ['-c:a', 'libvorbis', '-q:a', '2'] },
  { name: 'Opus', extension: 'opus', outputArgs: ['-c:a', 'libopus', '-b:a', '48k'] },
  { name: 'M4A (moov at end)', extension: 'm4a', outputArgs: ['-c:a', 'aac', '-b:a', '96k'] },
  { name: 'M4A (faststart)', extension: 'm4a', outputArgs: ['-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart'] },
  { name: 'WAV (RIFF INFO)', extension: 'wav', outputArgs: ['-c:a', 'pcm_s16le'] },
  { name: 'AIFF (ID3v2)', extension: 'aiff', outputArgs: ['-c:a', 'pcm_s16be', '-write_id3v2', '1'] },
];

/** Makes a fixture file in `dir`: a stereo tone with a genre tag, `seconds` long. */
export function makeFixture(dir: string, fixture: TagFixture, seconds = 3, fileName = 'track'): string {
  const path = join(dir, `${fileName}.${fixture.extension}`);
  synthesize(path, {
    source: 'sine=frequency=330:sample_rate=44100',
    seconds,
    tags: { genre: INITIAL_GENRE, title: 'Fixture', artist: 'Timbre Tests' },
    outputArgs: ['-ac', '2', ...fixture.outputArgs],
  });
  return path;
}

export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** SHA-256 of the decoded audio (32-bit float PCM from ffmpeg): equal hashes mean identical sound. */
export function decodedAudioSha256(path: string): string {
  const result = spawnSync(resolveFfmpeg().path, ['-nostdin', '-v', 'error', '-i', path, '-map', '0:a:0', '-f', 'f32le', '-'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${result.stderr.toString()}`);
  if (result.stdout.length === 0) throw new Error(`ffmpeg decoded no audio from ${path}`);
  return createHash('sha256').update(result.stdout).digest('hex');
}

/**
 * SHA-256 of an MP3's raw audio frames: the bytes after the ID3v2 tag (header, syncsafe size and
 * optional footer) and before any trailing APE and ID3v1 tags.
 */
export function mp3AudioFramesSha256(bytes: Buffer): string {
  let start = 0;
  if (bytes.subarray(0, 3).toString('latin1') === 'ID3') {
    const size = ((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f);
    start = 10 + size + (bytes[5] & 0x10 ? 10 : 0);
  }
  let end = bytes.length;
  if (end - 128 >= start && bytes.subarray(end - 128, end - 125).toString('latin1') === 'TAG') end -= 128;
  if (end - 32 >= start && bytes.subarray(end - 32, end - 24).toString('latin1') === 'APETAGEX') {
    const apeSize = bytes.readUInt32LE(end - 32 + 12);
    const hasHeader = (bytes.readUInt32LE(end - 32 + 20) & 0x80000000) !== 0;
    end -= apeSize + (hasHeader ? 32 : 0);
  }
  assertFrameSync(bytes, start);
  return createHash('sha256').update(bytes.subarray(start, end)).digest('hex');
}

function assertFrameSync(bytes: Buffer, at: number): void {
  if (bytes[at] !== 0xff || (bytes[at + 1] & 0xe0) !== 0xe0) throw new Error(`no MPEG frame sync right after the ID3v2 tag (offset ${at})`);
}
