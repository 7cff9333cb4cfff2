/**
 * `npm run bench -- soak`: one library shared by the app (`timbre serve`) and two CLI processes that
 * scan and edit it, for TIMBRE_SOAK_SECONDS (default 300), while every process is SIGKILLed at random.
 * New audio files keep arriving, so scans always find work. Afterwards one undisturbed scan settles
 * the library, and the suite reports:
 *  - crashes: a process that ended by itself with a stack trace or an unexpected signal (target 0);
 *  - PRAGMA integrity_check (target ok);
 *  - lost results: acknowledged edits and saved playlists missing afterwards, and tracks left without
 *    their analysis (target 0).
 * HTTP requests go only to 127.0.0.1, where `timbre serve` listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { toneSamples, writeWav } from '../helpers/audio.js';
import { TIMBRE_BIN } from '../helpers/cli.js';
import type { BenchResult } from './run.js';

export const name = 'soak';

const SECONDS = Number(process.env.TIMBRE_SOAK_SECONDS ?? 300);
/** Each process lives a random time up to this before it may be killed. */
const MAX_LIFE_MS = Number(process.env.TIMBRE_SOAK_MAX_LIFE_MS ?? 6000);
const INITIAL_FILES = 12;
const NEW_FILE_EVERY_MS = 4000;
const HOST = '127.0.0.1';
/** A process not meant to be killed that runs this long is stuck: it counts as a crash, and is ended. */
const HANG_MS = Number(process.env.TIMBRE_SOAK_HANG_MS ?? 180_000);

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killedByUs: boolean;
  hung: boolean;
}

interface Tally {
  runs: number;
  kills: number;
  crashes: string[];
  refusals: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (below: number) => Math.floor(Math.random() * below);

/** Runs `timbre ARGS`; kills it after `killAfterMs` if it is still running (null: never). */
function timbre(args: string[], killAfterMs: number | null, env: NodeJS.ProcessEnv = {}, onStdout?: (text: string) => void): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, [TIMBRE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  let killedByUs = false;
  let hung = false;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    onStdout?.(stdout);
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => {
    if (killAfterMs === null) hung = true;
    else killedByUs = true;
    child.kill('SIGKILL');
  }, killAfterMs ?? HANG_MS);
  const ended = new Promise<Ended>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killedByUs, hung });
    }),
  );
  return { child, ended };
}

/** A stack trace, a raw SQLite error or a signal we did not send: the process crashed. */
function crashOf(what: string, ended: Ended): string | null {
  if (ended.hung) return `${what}: still running after ${HANG_MS / 1000} s, stopped`;
  if (ended.killedByUs && ended.signal === 'SIGKILL') return null;
  if (ended.signal) return `${what}: ended by ${ended.signal}`;
  if (/\n\s+at .+:\d+:\d+/.test(ended.stderr) || /SqliteError|Uncaught|unhandled/i.test(ended.stderr)) return `${what}: ${ended.stderr.slice(-600)}`;
  return null;
}

export async function run(): Promise<BenchResult[]> {
  const work = mkdtempSync(join(tmpdir(), 'timbre-soak-'));
  const music = join(work, 'music');
  mkdirSync(music);
  const dbPath = join(work, 'library.db');
  let files = 0;
  const addFile = () => writeWav(join(music, `tone-${files}.wav`), toneSamples(1, { frequency: 110 + 7 * files++ }));
  for (let i = 0; i < INITIAL_FILES; i++) addFile();

  const tally: Tally = { runs: 0, kills: 0, crashes: [], refusals: 0 };
  const acknowledgedEdits = new Set<number>();
  const acknowledgedPlaylists = new Set<number>();
  const token = randomBytes(24).toString('base64url');
  const deadline = Date.now() + SECONDS * 1000;
  const settle = (what: string, ended: Ended) => {
    tally.runs++;
    if (ended.killedByUs) tally.kills++;
    const crash = crashOf(what, ended);
    if (crash) tally.crashes.push(crash);
    else if (ended.code !== 0 && !ended.killedByUs) {
      tally.refusals++;
      console.error(`soak: ${what} ended with an error: ${ended.stderr.trim().split('\n').at(-1)}`);
    }
  };

  /** A CLI process: scans, or confirms a genre, and is killed at a random moment half the time. */
  const cliActor = async (which: number) => {
    while (Date.now() < deadline) {
      const killAfter = Math.random() < 0.5 ? random(MAX_LIFE_MS) : null;
      if (Math.random() < 0.5) {
        settle(`cli ${which} scan`, await timbre(['scan', music, '--db', dbPath, '--jobs', '1'], killAfter).ended);
      } else {
        const file = join(music, `tone-${random(files)}.wav`);
        const ended = await timbre(['genre', 'set', file, `Soak ${random(20)}`, '--db', dbPath, '--json'], killAfter).ended;
        settle(`cli ${which} genre set`, ended);
        if (ended.code === 0) {
          const editId = (JSON.parse(ended.stdout) as { editId: number | null }).editId;
          if (editId !== null) acknowledgedEdits.add(editId);
        }
      }
    }
  };

  /** The app: `timbre serve`, asked to list, edit and save over HTTP, and killed and restarted at random. */
  const appActor = async () => {
    while (Date.now() < deadline) {
      let port = 0;
      const serve = timbre(['serve', '--db', dbPath, '--jobs', '1'], 2000 + random(MAX_LIFE_MS * 3), { TIMBRE_SERVE_TOKEN: token }, (text) => {
        const match = /Open http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
        if (match) port = Number(match[1]);
      });
      let running = true;
      void serve.ended.then(() => (running = false));
      while (running && port === 0) await sleep(50);
      while (running) {
        try {
          await appRequests(port);
        } catch {
          // Killed mid-request: the next serve answers.
        }
        await sleep(100);
      }
      settle('serve', await serve.ended);
    }
  };

  const call = async (port: number, method: string, args: unknown): Promise<{ status: number; body: { ok: boolean; result?: unknown } }> => {
    const response = await fetch(`http://${HOST}:${port}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Timbre-Token': token },
      body: JSON.stringify(args),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; result?: unknown } };
  };

  const appRequests = async (port: number) => {
    const page = await call(port, 'queryTracks', { offset: 0, limit: 50 });
    const ids = ((page.body.result as { rows?: Array<{ id: number }> } | undefined)?.rows ?? []).map((row) => row.id);
    if (ids.length === 0) return;
    const pick = ids[random(ids.length)];
    const edit = await call(port, 'setGenres', { trackIds: [pick], genres: [`App ${random(20)}`] });
    const editId = (edit.body.result as { editId?: number | null } | undefined)?.editId;
    if (edit.status === 200 && typeof editId === 'number') acknowledgedEdits.add(editId);
    const saved = await call(port, 'savePlaylist', { name: `Soak ${Date.now()}`, trackIds: [pick], request: null });
    const playlistId = (saved.body.result as { id?: number } | undefined)?.id;
    if (saved.status === 200 && typeof playlistId === 'number') acknowledgedPlaylists.add(playlistId);
  };

  const arrivals = setInterval(addFile, NEW_FILE_EVERY_MS);
  try {
    await Promise.all([appActor(), cliActor(1), cliActor(2)]);
  } finally {
    clearInterval(arrivals);
  }

  // Undisturbed: what the kills left queued is analysed now.
  const last = await timbre(['scan', music, '--db', dbPath, '--jobs', '2'], null).ended;
  settle('final scan', last);
  const db = new Database(dbPath, { readonly: true });
  let integrity: string;
  let lost: string[];
  try {
    integrity = db.pragma('integrity_check', { simple: true }) as string;
    const editIds = new Set(db.prepare('SELECT id FROM edits').pluck().all() as number[]);
    const playlistIds = new Set(db.prepare('SELECT id FROM playlists').pluck().all() as number[]);
    const unanalysed = db.prepare(`SELECT path FROM tracks t WHERE status <> 'done' OR NOT EXISTS (SELECT 1 FROM features f WHERE f.track_id = t.id)`).pluck().all() as string[];
    lost = [
      ...[...acknowledgedEdits].filter((id) => !editIds.has(id)).map((id) => `edit ${id}`),
      ...[...acknowledgedPlaylists].filter((id) => !playlistIds.has(id)).map((id) => `playlist ${id}`),
      ...unanalysed.map((path) => `analysis of ${path}`),
    ];
  } finally {
    db.close();
  }
  rmSync(work, { recursive: true, force: true });
  for (const crash of tally.crashes) console.error(`soak: crash: ${crash}`);
  for (const item of lost.slice(0, 20)) console.error(`soak: lost: ${item}`);

  return [
    { metric: `processes run (${SECONDS} s, 3 writers)`, value: tally.runs, unit: 'runs', detail: `${tally.kills} SIGKILLed at random, ${tally.refusals} ended with an error in words` },
    { metric: 'crashes', value: tally.crashes.length, unit: 'count', target: '= 0', met: tally.crashes.length === 0 },
    { metric: 'PRAGMA integrity_check ok', value: integrity === 'ok' ? 1 : 0, unit: 'bool', target: '= 1', met: integrity === 'ok', detail: integrity === 'ok' ? undefined : integrity },
    {
      metric: 'lost results',
      value: lost.length,
      unit: 'count',
      target: '= 0',
      met: lost.length === 0,
      detail: `${acknowledgedEdits.size} acknowledged edits, ${acknowledgedPlaylists.size} saved playlists, ${files} tracks checked`,
    },
  ];
}
