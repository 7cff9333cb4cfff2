import { useEffect, useMemo, useRef } from 'react';
import type { MelPreview } from '../../../core/api/contract.js';
import { formatDuration } from '../../components/format.js';

/** Control points of a perceptually ordered dark-to-bright colour map (close to matplotlib's magma). */
const MAGMA: Array<[number, number, number]> = [
  [0, 0, 4],
  [28, 16, 68],
  [79, 18, 123],
  [129, 37, 129],
  [181, 54, 122],
  [229, 80, 100],
  [251, 135, 97],
  [254, 194, 135],
  [252, 253, 191],
];

const LUT = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let value = 0; value < 256; value += 1) {
    const position = (value / 255) * (MAGMA.length - 1);
    const low = Math.floor(position);
    const high = Math.min(MAGMA.length - 1, low + 1);
    const mix = position - low;
    for (let channel = 0; channel < 3; channel += 1) {
      lut[value * 3 + channel] = MAGMA[low][channel] * (1 - mix) + MAGMA[high][channel] * mix;
    }
  }
  return lut;
})();

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The stored mel preview as an image: time left to right, low bands at the bottom. Of a track longer
 * than the analysed excerpt it shows only the excerpt (the middle 30 s, or three 10-s windows joined),
 * so its axis then gives the excerpt's length rather than track times it does not follow.
 */
export function Spectrogram({ mel, playheadSec, excerpt }: { mel: MelPreview; playheadSec: number | null; excerpt: boolean }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const bytes = useMemo(() => decodeBase64(mel.bytesBase64), [mel.bytesBase64]);
  const spanSec = mel.frames * mel.secondsPerFrame;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const image = context.createImageData(mel.frames, mel.bands);
    for (let frame = 0; frame < mel.frames; frame += 1) {
      for (let band = 0; band < mel.bands; band += 1) {
        const value = bytes[frame * mel.bands + band] ?? 0;
        const pixel = ((mel.bands - 1 - band) * mel.frames + frame) * 4;
        image.data[pixel] = LUT[value * 3];
        image.data[pixel + 1] = LUT[value * 3 + 1];
        image.data[pixel + 2] = LUT[value * 3 + 2];
        image.data[pixel + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
  }, [bytes, mel.frames, mel.bands]);

  return (
    <figure className="spectrogram">
      <div className="spectrogram__frame">
        <canvas
          ref={canvasRef}
          className="spectrogram__canvas"
          width={mel.frames}
          height={mel.bands}
          role="img"
          aria-label={`Mel spectrogram, ${mel.bands} bands over ${excerpt ? `a ${Math.round(spanSec)}-second excerpt` : formatDuration(spanSec)}`}
        />
        {playheadSec !== null && playheadSec <= spanSec && (
          <div className="playhead" style={{ left: `${(playheadSec / spanSec) * 100}%` }} aria-hidden="true" />
        )}
      </div>
      <figcaption className="axis">
        <span>{excerpt ? 'Analysed excerpt' : '0:00'}</span>
        <span>
          mel bands · {Math.round(mel.dbMin)} to {Math.round(mel.dbMax)} dB
        </span>
        <span>{excerpt ? `${Math.round(spanSec)} s` : formatDuration(spanSec)}</span>
      </figcaption>
    </figure>
  );
}
