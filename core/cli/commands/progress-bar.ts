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
    const line = formatProgress(progress);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd((this.stream.columns ?? 80) - 1).slice(0, (this.stream.columns ?? 80) - 1)}`);
      this.drawn = true;
    } else if (Date.now() - this.lastPlainAt >= PLAIN_INTERVAL_MS) {
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
  const fraction = total > 0 ? finished / total : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const parts = [`${bar} ${finished}/${total} tracks`];
  if (failed > 0) parts.push(`${failed} failed`);
  parts.push(`${ratePerSec.toFixed(1)}/s`);
  parts.push(paused ? 'paused' : `ETA ${formatDuration(etaSec)}`);
  return parts.join(' · ');
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
