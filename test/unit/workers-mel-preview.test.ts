import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeFrequency } from '../../core/dsp/types.js';
import { melPreview, PREVIEW_BANDS, PREVIEW_MAX_FRAMES } from '../../core/workers/mel-preview.js';

describe('mel preview', () => {
  it('averages down to at most 64 bands × 640 frames and quantises the top 80 dB to uint8', () => {
    const mel = timeFrequency(2000, 128);
    // Loud low half, silent (-100 dB) high half.
    for (let t = 0; t < mel.nFrames; t++) {
      for (let f = 0; f < mel.nBins; f++) mel.data[t * mel.nBins + f] = f < 64 ? -10 : -100;
    }
    const preview = melPreview(mel, 512 / 22050);
    assert.equal(preview.bands, PREVIEW_BANDS);
    assert.ok(preview.frames <= PREVIEW_MAX_FRAMES);
    assert.equal(preview.frames, Math.ceil(2000 / 4));
    assert.ok(Math.abs(preview.secondsPerFrame - (4 * 512) / 22050) < 1e-9);
    assert.equal(preview.dbMax, -10);
    assert.equal(preview.dbMin, -90);
    assert.equal(preview.data.length, preview.frames * preview.bands);
    assert.equal(preview.data[0], 255, 'loudest cell is 255');
    assert.equal(preview.data[PREVIEW_BANDS - 1], 0, 'below the range clamps to 0');
  });

  it('keeps small inputs as they are', () => {
    const mel = timeFrequency(3, 4);
    mel.data.set([0, -40, -80, -80, 0, -40, -80, -80, 0, -40, -80, -80]);
    const preview = melPreview(mel, 0.5);
    assert.deepEqual([preview.bands, preview.frames, preview.secondsPerFrame], [4, 3, 0.5]);
    assert.deepEqual([...preview.data.slice(0, 4)], [255, 128, 0, 0]);
  });
});
