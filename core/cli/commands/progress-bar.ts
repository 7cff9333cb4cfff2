import type { AnalysisProgress } from '../../library/types.js';

const BAR_WIDTH = 24;
/** Without a terminal (logs, CI), a plain line at most this often. */
const PLAIN_INTERVAL_MS = 5000;

/** A one-line progress display on stderr: redrawn in place on a terminal, occasional lines otherwise. */
export class ProgressBar {
  private lastPlainAt = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(progress: AnalysisProgress): void {
    this.draw(formatProgress(progress));
  }

  /** Shows `line`: in place on a terminal; otherwise as a plain line, at most every few seconds unless `always`. */
  draw(line: string, always = false): void {
    if (this.stream.isTTY) {
      const width = (this.stream.columns ?? 80) - 1;
      this.stream.write(`\r${line.padEnd(width).slice(0, width)}`);
      this.drawn = true;
    } else if (always || Date.now() - this.lastPlainAt >= PLAIN_INTERVAL_MS) {
      this.lastPlainAt = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends the bar with a final line. */
  finish(message: string): void {
    this.stream.write(`${this.drawn ? '\r\x1b[K' : ''}${message}\n`);
    this.drawn = false;
  }
}

export function formatProgress(progress: AnalysisProgress): string {
  const { done, failed, total, ratePerSec, etaSec, paused } = progress;
  const finished = done + failed;
  const parts = [`${progressBarText(total > 0 ? finished / total : 1)} ${finished}/${total} tracks`];
  if (failed > 0) parts.push(`${failed} failed`);
  parts.push(`${ratePerSec.toFixed(1)}/s`);
  parts.push(paused ? 'paused' : `ETA ${formatDuration(etaSec)}`);
  return parts.join(' · ');
}

/** `[#####-----]`: `fraction` (0..1) of the bar filled. */
export function progressBarText(fraction: number): string {
  const filled = Math.round(fraction * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const mmss = `${String(m).padStart(h ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  return h ? `${h}:${mmss}` : mmss;
}
