/**
 * `npm run bench`: runs every benchmark suite and prints one table. Suites live beside this file,
 * export `name` and `run(): Promise<BenchResult[]>`, and are registered below.
 * Run one suite with `npm run bench -- <name>`.
 */
export interface BenchResult {
  metric: string;
  value: number;
  unit: string;
  /** The target from the issue, e.g. '<= 80 ms'; met says whether the value satisfies it. */
  target?: string;
  met?: boolean;
  detail?: string;
}

interface BenchSuite {
  name: string;
  run(): Promise<BenchResult[]>;
}

const suites: Record<string, () => Promise<BenchSuite>> = {
  dsp: () => import('./dsp.js'),
  cqt: () => import('./cqt.js'),
  similarity: () => import('./similarity.js'),
  'similarity-soundtracks': () => import('./similarity-soundtracks.js'),
  map: () => import('./map.js'),
  'map-ui': () => import('./map-ui.js'),
  rescan: () => import('./rescan.js'),
  scan: () => import('./scan.js'),
  ui: () => import('./ui.js'),
  ml: () => import('./ml.js'),
  retrain: () => import('./retrain.js'),
  genres: () => import('./genres.js'),
  'genres-app': () => import('./genres-app.js'),
  backbone: () => import('./backbone.js'),
  gap: () => import('./gap.js'),
  albums: () => import('./albums.js'),
  duplicates: () => import('./duplicates.js'),
  soak: () => import('./soak.js'),
};

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const rows: Array<BenchResult & { suite: string }> = [];
  for (const [name, load] of Object.entries(suites)) {
    if (only.length && !only.includes(name)) continue;
    console.error(`bench: ${name} …`);
    const suite = await load();
    for (const result of await suite.run()) rows.push({ suite: name, ...result });
  }
  for (const row of rows) {
    const verdict = row.met === undefined ? '' : row.met ? '  ok' : '  MISSED';
    console.log(
      `${row.suite.padEnd(12)} ${row.metric.padEnd(48)} ${row.value.toFixed(row.value < 10 ? 3 : 1).padStart(10)} ${row.unit.padEnd(8)} ${row.target ?? ''}${verdict}${row.detail ? `  (${row.detail})` : ''}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
