import { spawnSync } from 'node:child_process';

/** The process's state as `ps` shows it ('Z': a zombie, ended but never reaped), or '' once it is gone. */
export function processState(pid: number): string {
  return spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
}

/** Children of this process that have ended but were never reaped: each stays until this process exits. */
export function zombieChildren(): number[] {
  const rows = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,stat='], { encoding: 'utf8' }).stdout.trim().split('\n');
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter(([, ppid, state]) => Number(ppid) === process.pid && state.startsWith('Z'))
    .map(([pid]) => Number(pid));
}
