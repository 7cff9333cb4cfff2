import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { MetaRepo } from '../db/repos/meta.js';

const PREFIX = 'analysis-runner:';

interface RunnerRecord {
  host: string;
  pid: number;
  /** The process's start time where the system tells it (Linux), so a reused pid is not mistaken for it. */
  processStart: string | null;
}

/**
 * Which processes are analysing this library (the app and a `timbre scan` may share one database).
 * Jobs left 'running' are re-queued only when no other live process could be running them.
 */
export class RunnerRegistry {
  /** This process's runner: recorded on the jobs it claims. */
  readonly key = `${PREFIX}${randomUUID()}`;

  constructor(
    private readonly meta: MetaRepo,
    private readonly isAlive: (pid: number, processStart: string | null) => boolean = processIsAlive,
  ) {}

  /** Forgets runners whose process is gone; returns how many others are still alive. */
  othersAlive(): number {
    return this.othersAliveKeys().length;
  }

  /** Forgets runners whose process is gone; returns the keys of the other runners still alive. */
  othersAliveKeys(): string[] {
    const alive: string[] = [];
    for (const { key, value } of this.meta.withPrefix(PREFIX)) {
      if (key === this.key) continue;
      const record = JSON.parse(value) as RunnerRecord;
      // A runner on another host (a shared network drive) cannot be checked: assume it is alive.
      if (record.host !== hostname() || this.isAlive(record.pid, record.processStart)) alive.push(key);
      else this.meta.delete(key);
    }
    return alive;
  }

  register(): void {
    const record: RunnerRecord = { host: hostname(), pid: process.pid, processStart: processStartTime(process.pid) };
    this.meta.set(this.key, JSON.stringify(record));
  }

  unregister(): void {
    this.meta.delete(this.key);
  }
}

function processIsAlive(pid: number, processStart: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, another user's.
  }
  return processStart === null || processStartTime(pid) === processStart;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks after boot); null where there is no /proc. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
