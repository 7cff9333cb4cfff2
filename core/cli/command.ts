import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeDatabaseError } from '../db/errors.js';

/**
 * The shared front of every `timbre` command: parses its flags and positionals, answers --help, and
 * turns every usage error (an unknown flag, a flag without its value, missing or extra arguments, a bad
 * value the command rejects with UsageError) into the same answer: `timbre NAME: what is wrong` and the
 * usage synopsis on stderr, exit code 2. Any other error the body throws (a missing file, a library that
 * does not exist) is a failure of the work: `timbre NAME: message` on stderr, exit code 1, no stack trace.
 */

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type Parsed<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ options: O & typeof HELP_OPTION; allowPositionals: true; strict: true }>>;

export interface CommandSpec<O extends OptionsConfig> {
  /** As typed after `timbre`; error messages start with `timbre NAME:`. */
  name: string;
  /**
   * The whole usage text, printed by --help. Its first paragraph (up to the first blank line) is the
   * synopsis shown after a usage error.
   */
  usage: string;
  /** parseArgs options; --help (-h) is added. */
  options: O;
  /** How many positionals the command takes (default none); `name` says what they are in errors. */
  positionals?: { name: string; min?: number; max?: number };
}

/** What the command's body gets: the parsed flags (typed from `options`) and positionals. */
export type ParsedCommand<O extends OptionsConfig> = Pick<Parsed<O>, 'values' | 'positionals'>;

/** A usage error found by a command's body (a bad value, flags that exclude each other): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Builds a command's `run(args)` from its spec and its body, which returns the exit code. */
export function defineCommand<O extends OptionsConfig>(
  spec: CommandSpec<O>,
  body: (parsed: ParsedCommand<O>) => Promise<number> | number,
): (args: string[]) => Promise<number> {
  return async (args) => {
    try {
      let parsed: Parsed<O>;
      try {
        parsed = parseArgs({ args, options: { ...spec.options, ...HELP_OPTION }, allowPositionals: true, strict: true });
      } catch (error) {
        // parseArgs's own errors (unknown option, missing value) are usage errors; its first sentence says which.
        throw new UsageError(firstSentence(error instanceof Error ? error.message : String(error)));
      }
      if ((parsed.values as { help?: boolean }).help) {
        console.log(spec.usage);
        return 0;
      }
      checkPositionals(parsed.positionals, spec.positionals);
      return await body(parsed);
    } catch (error) {
      if (error instanceof UsageError) {
        console.error(`timbre ${spec.name}: ${error.message}\n${synopsis(spec.usage)}`);
        return 2;
      }
      console.error(`timbre ${spec.name}: ${describeDatabaseError(error)}`);
      return 1;
    }
  };
}

/**
 * An integer flag of at least `min` (default 1); absent, `fallback`. Anything else is a UsageError
 * naming the flag and the value given.
 */
export function integerOption(text: string | undefined, flag: string, options: { fallback: number; min?: number }): number;
export function integerOption(text: string, flag: string, options?: { min?: number }): number;
export function integerOption(text: string | undefined, flag: string, options?: { min?: number }): number | undefined;
export function integerOption(text: string | undefined, flag: string, { fallback, min = 1 }: { fallback?: number; min?: number } = {}): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, not '${text}'`);
  return value;
}

/** A number flag in [0, 1]; absent, `fallback`. */
export function fractionOption(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) throw new UsageError(`${flag} must be a number in [0, 1], not '${text}'`);
  return value;
}

/** A positive number flag (fractions allowed), or undefined when absent. */
export function positiveNumberOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${flag} must be a positive number, not '${text}'`);
  return value;
}

function checkPositionals(positionals: readonly string[], expected: CommandSpec<OptionsConfig>['positionals']): void {
  // No spec: no positionals. A spec without max: any number from min up.
  const { name = 'argument', min = 0, max = expected ? Infinity : 0 } = expected ?? {};
  if (positionals.length > max) {
    throw new UsageError(min === max && max > 0 ? `give exactly ${count(min)} ${name}` : `unexpected argument '${positionals[max]}'`);
  }
  if (positionals.length === 0 && min > 0) throw new UsageError(`missing ${name}`);
  if (positionals.length < min) throw new UsageError(`give ${min === max ? 'exactly' : 'at least'} ${count(min)} ${name}`);
}

function count(n: number): string {
  return n === 1 ? 'one' : String(n);
}

/** The usage text's first paragraph. */
function synopsis(usage: string): string {
  return usage.split(/\n\s*\n/, 1)[0];
}

function firstSentence(message: string): string {
  const sentence = message.split(/\.(?:\s|$)/, 1)[0];
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}
