import FFT from 'fft.js';

/**
 * A forward FFT of real input of a fixed power-of-two size, for the frame-by-frame loops of the STFT
 * and the tempogram. A real sequence of length N read as interleaved (re, im) pairs is the complex
 * sequence z_n = x_2n + i·x_2n+1 of length N/2, so one complex FFT of half the size (fft.js) plus a
 * split gives the spectrum: about half the work of a real transform done at full size.
 */
export class RealFft {
  readonly size: number;
  private readonly half: number;
  private readonly complex: FFT;
  private readonly z: Float64Array;
  /** e^{-2πik/size} for k < size/2: the twiddles of the even/odd split. */
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`RealFft: size must be a power of two >= 4, got ${size}`);
    this.size = size;
    this.half = size >> 1;
    this.complex = new FFT(this.half);
    this.z = new Float64Array(size);
    this.splitCos = new Float64Array(this.half);
    this.splitSin = new Float64Array(this.half);
    for (let k = 0; k < this.half; k++) {
      this.splitCos[k] = Math.cos((2 * Math.PI * k) / size);
      this.splitSin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * Writes bins 0..size/2 of X_k = Σ x_n e^{-2πikn/size} into `spectrum` (length size + 2),
   * interleaved (re, im). `input` (length size) is not modified.
   */
  forward(input: Float64Array, spectrum: Float64Array): void {
    const { half, z, splitCos, splitSin } = this;
    this.complex.transform(z, input);
    spectrum[0] = z[0] + z[1];
    spectrum[1] = 0;
    spectrum[2 * half] = z[0] - z[1];
    spectrum[2 * half + 1] = 0;
    for (let k = 1; k < half; k++) {
      const m = half - k;
      const zr = z[2 * k];
      const zi = z[2 * k + 1];
      const cr = z[2 * m];
      const ci = -z[2 * m + 1];
      // Even samples' spectrum E = (Z_k + conj Z_{N/2-k}) / 2, odd samples' O = (Z_k − conj Z_{N/2-k}) / 2i.
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = splitCos[k];
      const wi = splitSin[k];
      spectrum[2 * k] = er + wr * or - wi * oi;
      spectrum[2 * k + 1] = ei + wr * oi + wi * or;
    }
  }

  /**
   * Writes |X_k| for bins 0..size/2 into out[offset..offset+size/2], as float32: forward() fused
   * with the magnitude (same even/odd split), for the magnitude STFT's hot loop.
   */
  forwardMagnitude(input: Float64Array, out: Float32Array, offset: number): void {
    const { half, z, splitCos, splitSin } = this;
    this.complex.transform(z, input);
    out[offset] = Math.abs(z[0] + z[1]);
    out[offset + half] = Math.abs(z[0] - z[1]);
    for (let k = 1; k < half; k++) {
      const m = half - k;
      const zr = z[2 * k];
      const zi = z[2 * k + 1];
      const cr = z[2 * m];
      const ci = -z[2 * m + 1];
      const er = 0.5 * (zr + cr);
      const ei = 0.5 * (zi + ci);
      const or = 0.5 * (zi - ci);
      const oi = -0.5 * (zr - cr);
      const wr = splitCos[k];
      const wi = splitSin[k];
      const re = er + wr * or - wi * oi;
      const im = ei + wr * oi + wi * or;
      out[offset + k] = Math.sqrt(re * re + im * im);
    }
  }
}
