import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

/** The repository root (the tests run from dist/test/e2e). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CHROMIUM_PATH = process.env.TIMBRE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-output', 'screenshots');

/** The command-line switches every e2e Chromium runs with. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface SynthTrack {
  file: string;
  title: string;
  artist: string;
  album: string;
  genre: string;
  /** An ffmpeg lavfi source. */
  source: string;
}

/** A small library of synthesized tracks with distinct tags, in several formats. */
export const SYNTH_TRACKS: SynthTrack[] = [
  { file: 'morning-sine.mp3', title: 'Morning Sine', artist: 'Aurora Lane', album: 'Daybreak', genre: 'Ambient', source: 'sine=frequency=330:duration=7' },
  { file: 'pink-haze.flac', title: 'Pink Haze', artist: 'Aurora Lane', album: 'Daybreak', genre: 'Ambient', source: 'anoisesrc=color=pink:amplitude=0.3:duration=6' },
  {
    file: 'pulse-drive.wav',
    title: 'Pulse Drive',
    artist: 'Kick Theory',
    album: 'Machines',
    genre: 'Electronic',
    // A 120 BPM kick: a 60 Hz burst decaying every half second.
    source: "aevalsrc='0.8*sin(2*PI*60*t)*exp(-12*mod(t,0.5))':s=22050:d=8",
  },
  {
    file: 'chord-memory.ogg',
    title: 'Chord Memory',
    artist: 'Kick Theory',
    album: 'Machines',
    genre: 'Electronic',
    source: "aevalsrc='0.2*sin(2*PI*261.6*t)+0.2*sin(2*PI*329.6*t)+0.2*sin(2*PI*392*t)':s=22050:d=7",
  },
  { file: 'brown-study.m4a', title: 'Brown Study', artist: 'Low End', album: 'Cellar', genre: 'Jazz', source: 'anoisesrc=color=brown:amplitude=0.4:duration=6' },
];

/** Writes SYNTH_TRACKS into dir (plus one file that is not audio), and returns the corrupt file's name. */
export function synthesizeLibrary(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const track of SYNTH_TRACKS) {
    execFileSync('ffmpeg', [
      '-v', 'error', '-y', '-f', 'lavfi', '-i', track.source,
      '-metadata', `title=${track.title}`, '-metadata', `artist=${track.artist}`,
      '-metadata', `album=${track.album}`, '-metadata', `genre=${track.genre}`,
      join(dir, track.file),
    ]);
  }
  const corrupt = 'corrupt-take.mp3';
  writeFileSync(join(dir, corrupt), Buffer.from('ID3 this is not really an mp3 '.repeat(64)));
  return corrupt;
}

export interface ServeProcess {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `timbre serve` on a free port and waits for the address it prints. `env` adds to this process's environment. */
export async function startServe(dbPath: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  // The printed address holds only a one-time launch code: direct API calls need the token itself.
  const token = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'timbre.js'), 'serve', '--db', dbPath, ...extraArgs], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, TIMBRE_SERVE_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timbre serve printed no address in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`timbre serve exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function haveChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function ensureScreenshotDir(): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return SCREENSHOT_DIR;
}

/** One e2e test's temp folder, `timbre serve` and Chromium, all closed and removed when the test ends. */
export interface E2eWorkspace {
  work: string;
  serve(dbPath: string, extraArgs?: string[], env?: NodeJS.ProcessEnv): Promise<ServeProcess>;
  /** A page in a fresh browser context; uncaught page errors are collected (assert none at the end). */
  openPage(options: BrowserContextOptions): Promise<{ page: Page; pageErrors: string[] }>;
}

export function e2eWorkspace(t: TestContext, prefix: string): E2eWorkspace {
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'renderer', 'index.html')), 'the renderer is not bundled: run `npm run build`');
  const work = mkdtempSync(join(tmpdir(), prefix));
  let server: ServeProcess | null = null;
  let browser: Browser | null = null;
  t.after(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  return {
    work,
    async serve(dbPath, extraArgs = [], env = {}) {
      server = await startServe(dbPath, extraArgs, env);
      return server;
    },
    async openPage(options) {
      browser ??= await launchChromium();
      const page = await (await browser.newContext(options)).newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return { page, pageErrors };
    },
  };
}
