import { spawnSync } from 'node:child_process';
import { resolveFfmpeg } from '../../core/audio/ffmpeg.js';

function ffmpeg(args: string[], what: string): void {
  const result = spawnSync(resolveFfmpeg().path, ['-nostdin', '-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ffmpeg could not make ${what}: ${result.stderr}`);
}

/** A solid-colour picture (JPEG or PNG, by extension) made with ffmpeg's lavfi colour source. */
export function makeImage(path: string, { color = 'red', width = 300, height = 300 } = {}): void {
  ffmpeg(['-f', 'lavfi', '-i', `color=c=${color}:s=${width}x${height}`, '-frames:v', '1', path], path);
}

/** An MP3 of a sine tone with `image` embedded as its front cover (ID3 APIC), and optional tags. */
export function synthesizeWithCover(path: string, image: string, { seconds = 2, frequency = 440, tags = {} as Record<string, string> } = {}): void {
  const metadata = Object.entries(tags).flatMap(([key, value]) => ['-metadata', `${key}=${value}`]);
  ffmpeg(
    [
      '-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=${seconds}`, '-i', image,
      '-map', '0:a', '-map', '1:v', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic',
      '-metadata:s:v', 'comment=Cover (front)', '-id3v2_version', '3', ...metadata, path,
    ],
    path,
  );
}
