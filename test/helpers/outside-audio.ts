/**
 * Synthesized sounds that are not music of any genre in the tree: noise, a speech-like voice (a
 * glottal pulse train through moving vowel formants, in syllables and pauses) and sound effects
 * (a siren sweep, clicks, a door-slam-like thud in silence). 30 s each at 22,050 Hz, from a seed.
 */
import { SeededRandom } from '../../core/ml/random.js';

const SAMPLE_RATE = 22050;

export interface OutsideSound {
  name: string;
  samples: Float32Array;
}

export function outsideTheTreeSounds(seconds = 30, seed = 7): OutsideSound[] {
  const n = Math.round(seconds * SAMPLE_RATE);
  const random = new SeededRandom(seed);
  const white = Float32Array.from({ length: n }, () => 0.3 * random.normal());
  const brown = new Float32Array(n);
  for (let i = 1, value = 0; i < n; i++) brown[i] = value = 0.995 * value + 0.05 * random.normal();
  return [
    { name: 'white noise', samples: white },
    { name: 'brown noise', samples: normalise(brown) },
    { name: 'speech-like voice', samples: speechLike(n, random) },
    { name: 'siren sweep', samples: siren(n) },
    { name: 'clicks and thuds in silence', samples: clicks(n, random) },
  ];
}

function speechLike(n: number, random: SeededRandom): Float32Array {
  const out = new Float32Array(n);
  const vowels = [
    [730, 1090, 2440],
    [270, 2290, 3010],
    [300, 870, 2240],
    [530, 1840, 2480],
    [570, 840, 2410],
  ];
  let phase = 0;
  let i = 0;
  while (i < n) {
    const syllable = Math.round((0.12 + 0.2 * random.next()) * SAMPLE_RATE);
    const pause = random.next() < 0.25 ? Math.round((0.2 + 0.4 * random.next()) * SAMPLE_RATE) : Math.round(0.03 * SAMPLE_RATE);
    const formants = vowels[random.int(vowels.length)];
    const pitch = 110 + 40 * random.next();
    for (let k = 0; k < syllable && i < n; k++, i++) {
      const f0 = pitch * (1 - 0.15 * (k / syllable));
      phase += f0 / SAMPLE_RATE;
      // A glottal-ish source (sum of harmonics) shaped by three formant resonances.
      let value = 0;
      for (let h = 1; h * f0 < 4000; h++) {
        const f = h * f0;
        const gain = formants.reduce((sum, formant) => sum + 1 / (1 + ((f - formant) / 90) ** 2), 0) / h ** 0.5;
        value += gain * Math.sin(2 * Math.PI * h * phase);
      }
      const envelope = Math.sin((Math.PI * k) / syllable) ** 0.5;
      out[i] = 0.08 * envelope * value + 0.01 * random.normal() * envelope;
    }
    i += pause;
  }
  return normalise(out);
}

function siren(n: number): Float32Array {
  const out = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    const frequency = 700 + 500 * Math.sin(2 * Math.PI * 0.25 * t);
    phase += frequency / SAMPLE_RATE;
    out[i] = 0.4 * Math.sin(2 * Math.PI * phase);
  }
  return out;
}

function clicks(n: number, random: SeededRandom): Float32Array {
  const out = new Float32Array(n);
  for (let at = 0; at < n; at += Math.round((0.3 + 2 * random.next()) * SAMPLE_RATE)) {
    const thud = random.next() < 0.3;
    const length = thud ? 4000 : 200;
    for (let k = 0; k < length && at + k < n; k++) {
      const decay = Math.exp(-k / (thud ? 800 : 30));
      out[at + k] += decay * (thud ? 0.8 * Math.sin((2 * Math.PI * 60 * k) / SAMPLE_RATE) + 0.2 * random.normal() : 0.7 * random.normal());
    }
  }
  return out;
}

function normalise(samples: Float32Array): Float32Array {
  const peak = samples.reduce((max, value) => Math.max(max, Math.abs(value)), 0) || 1;
  return samples.map((value) => (0.7 * value) / peak);
}
