import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { defineCommand, integerOption, UsageError } from '../../core/cli/command.js';
import { runTimbre } from '../helpers/cli.js';

const USAGE = `usage: timbre demo FILE... [--db FILE] [-n N] [--json]

Demonstrates the command helper.`;

/** A command that reports what its body received, built with the helper. */
const demo = defineCommand(
  { name: 'demo', usage: USAGE, options: { db: { type: 'string' }, n: { type: 'string', short: 'n' }, json: { type: 'boolean' } }, positionals: { name: 'FILE', min: 1, max: 2 } },
  ({ values, positionals }) => {
    const count = integerOption(values.n, '-n', { fallback: 10 });
    if (values.json && positionals.length > 1) throw new UsageError('--json takes one FILE');
    console.log(JSON.stringify({ db: values.db ?? null, count, files: positionals }));
    return 0;
  },
);

/** Runs the demo command with console output captured. */
async function runDemo(t: TestContext, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const log = t.mock.method(console, 'log', () => {});
  const error = t.mock.method(console, 'error', () => {});
  const code = await demo(args);
  const text = (mock: typeof log) => mock.mock.calls.map((call) => call.arguments.join(' ')).join('\n');
  const result = { code, stdout: text(log), stderr: text(error) };
  log.mock.restore();
  error.mock.restore();
  return result;
}

describe('defineCommand', () => {
  it('hands the body typed flags and positionals', async (t) => {
    const result = await runDemo(t, ['a.mp3', '--db', 'x.db', '-n', '3']);
    assert.deepEqual(result, { code: 0, stdout: JSON.stringify({ db: 'x.db', count: 3, files: ['a.mp3'] }), stderr: '' });
    assert.equal(JSON.parse((await runDemo(t, ['a.mp3'])).stdout).count, 10, 'an absent integer flag takes its fallback');
  });

  it('--help and -h print the whole usage on stdout and exit 0 without running the body', async (t) => {
    for (const flag of ['--help', '-h']) {
      assert.deepEqual(await runDemo(t, [flag]), { code: 0, stdout: USAGE, stderr: '' }, flag);
    }
  });

  it('usage errors exit 2 with the command, what is wrong and the synopsis on stderr', async (t) => {
    const synopsis = 'usage: timbre demo FILE... [--db FILE] [-n N] [--json]';
    const cases: Array<[string[], string]> = [
      [['a.mp3', '--bogus'], "unknown option '--bogus'"],
      [['a.mp3', '-x'], "unknown option '-x'"],
      [['a.mp3', '--db'], "option '--db <value>' argument missing"],
      [['a.mp3', '--json=yes'], "option '--json' does not take an argument"],
      [[], 'missing FILE'],
      [['a', 'b', 'c'], "unexpected argument 'c'"],
      [['a.mp3', '-n', 'many'], "-n must be an integer ≥ 1, not 'many'"],
      [['a.mp3', '-n', '0'], "-n must be an integer ≥ 1, not '0'"],
      [['a.mp3', '-n', '2.5'], "-n must be an integer ≥ 1, not '2.5'"],
      [['a', 'b', '--json'], '--json takes one FILE'],
    ];
    for (const [args, message] of cases) {
      assert.deepEqual(await runDemo(t, args), { code: 2, stdout: '', stderr: `timbre demo: ${message}\n${synopsis}` }, args.join(' '));
    }
  });

  it('other errors the body throws exit 1 with the command and the message, no synopsis or stack', async (t) => {
    const failing = defineCommand({ name: 'failing', usage: 'usage: timbre failing', options: {} }, () => {
      throw new Error('disk full');
    });
    const error = t.mock.method(console, 'error', () => {});
    const code = await failing([]);
    const printed = error.mock.calls.map((call) => call.arguments.join(' '));
    error.mock.restore();
    assert.deepEqual({ code, printed }, { code: 1, printed: ['timbre failing: disk full'] });
  });

  it('a command built on it answers the same way from the real CLI', async () => {
    const unknown = await runTimbre(['tracks', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr, "timbre tracks: unknown option '--bogus'\nusage: timbre tracks [--db FILE] [--json]\n");
    const help = await runTimbre(['similar', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: timbre similar FILE/);
    const badCount = await runTimbre(['similar', 'x.mp3', '-n', 'lots']);
    assert.deepEqual([badCount.code, badCount.stderr.split('\n')[0]], [2, "timbre similar: -n must be an integer ≥ 1, not 'lots'"]);
  });
});
