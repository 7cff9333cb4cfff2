import { ANALYSIS_SAMPLE_RATE } from '../../audio/decode.js';
import { analyzeSignal } from '../../features/analyze.js';
import { fma518Record } from '../../features/fma518.js';
import { defineCommand } from '../command.js';
import { decodeFileExcerpt } from './audio-file.js';

export const summary = 'compute the 518 FMA features (librosa 0.10.1-compatible) and the tempo of an audio file';

const USAGE = `usage: timbre features FILE [--json]

Decodes the 30-s analysis excerpt of FILE, as a scan does (the whole track up to 30 s, its middle
30 s up to 75 s, three 10-s windows centred at 20/50/80 % of longer ones), and computes FMA's 518
statistics (zcr, chroma_cqt, chroma_cens, tonnetz, chroma_stft, rmse, spectral centroid/bandwidth/
contrast/rolloff, mfcc; each as mean, std, skew, kurtosis, median, min, max) and
librosa.beat.beat_track's tempo.
--json prints {"file", "fma518": {"<feature>.<moment>.<NN>": number, ...}, "tempo_bpm": number}.`;

const spec = { name: 'features', usage: USAGE, options: { json: { type: 'boolean' } }, positionals: { name: 'FILE', min: 1, max: 1 } } as const;

export const run = defineCommand(spec, async ({ values, positionals: [file] }) => {
  try {
    const excerpt = await decodeFileExcerpt(file);
    const analysis = analyzeSignal(excerpt.samples, ANALYSIS_SAMPLE_RATE);
    const fma518 = fma518Record(analysis.fma518);
    if (values.json) {
      console.log(JSON.stringify({ file, fma518, tempo_bpm: analysis.tempoBpm }));
    } else {
      const seconds = excerpt.samples.length / ANALYSIS_SAMPLE_RATE;
      console.log(`${file}  (${seconds.toFixed(1)} s analysed)`);
      console.log(`  tempo               ${analysis.tempoBpm.toFixed(1)} BPM`);
      for (const key of ['spectral_centroid.mean.01', 'rmse.mean.01', 'zcr.mean.01', 'mfcc.mean.01', 'mfcc.mean.02']) {
        console.log(`  ${key.padEnd(27)} ${fma518[key].toPrecision(6)}`);
      }
      console.log('  (--json for all 518 statistics)');
    }
    return 0;
  } catch (error) {
    console.error(`timbre features: ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
});
