/**
 * The `timbre` command line. Each command lives in commands/<name>.ts and exports
 * `run(args: string[]): Promise<number>` (the exit code) and a one-line `summary`.
 */
export interface CliCommand {
  summary: string;
  run(args: string[]): Promise<number>;
}

// Listed in the order `timbre --help` shows them: library, analysis, genres, similarity, environment.
const commands: Record<string, () => Promise<CliCommand>> = {
  scan: () => import('./commands/scan.js'),
  watch: () => import('./commands/watch.js'),
  tracks: () => import('./commands/tracks.js'),
  serve: () => import('./commands/serve.js'),
  features: () => import('./commands/features.js'),
  classify: () => import('./commands/classify.js'),
  genre: () => import('./commands/genre.js'),
  retrain: () => import('./commands/retrain.js'),
  confusion: () => import('./commands/confusion.js'),
  train: () => import('./commands/train.js'),
  eval: () => import('./commands/eval.js'),
  similar: () => import('./commands/similar.js'),
  playlist: () => import('./commands/playlist.js'),
  'eval-similar': () => import('./commands/eval-similar.js'),
  models: () => import('./commands/models.js'),
  doctor: () => import('./commands/doctor.js'),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for, the list is the answer (stdout, exit 0); without a command it is a usage error (stderr, exit 2).
    const usage = await usageText();
    if (name) console.log(usage);
    else console.error(usage);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    const { appVersion } = await import('../api/version.js');
    console.log(appVersion());
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`timbre: unknown command '${name}'. Run 'timbre --help' for the list.`);
    return 2;
  }
  return (await load()).run(args);
}

async function usageText(): Promise<string> {
  const lines = ['usage: timbre <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(12)} ${(await load()).summary}`);
  }
  lines.push('', "'timbre <command> --help' describes a command; 'timbre --version' prints Timbre's version.");
  return lines.join('\n');
}
