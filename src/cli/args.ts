// Command-line parsing from a command's option table: the getopt walk (cli/getopt.ts) reads argv
// as util-linux's getopt_long would and keeps the order of the options (-o, -r, -w, --make-* are
// applied in the order given); minimist, configured from the same table, makes the record of
// values by name. As in util-linux's getopt loop, each option is dealt with when the walk reaches
// it: the excl[] check, the command's own checks of values (`reached`), -h and -V, which end the
// parse; so the first of these problems on the command line is the one reported.
import minimist from 'minimist';
import { ArgError, OrderedOption, OptionReached, getopt } from './getopt';
import { CommandSpec, OptionSpec, displayName, keyOf } from './optspec';

export { ArgError };
export type { OrderedOption, OptionReached };

/** minimist's record: under an option's key and each of its long names, its value (values, when given again) or true. */
export type OptionValues = Readonly<Record<string, string | string[] | boolean | undefined>>;

export interface ParsedArgs {
  /** By name, as minimist makes it from what getopt found (made when first read). */
  readonly opts: OptionValues;
  /** Every option in command-line order (up to -h or -V, which end the parse). */
  ordered: OrderedOption[];
  positional: string[];
}

/**
 * An error util-linux's getopt loop reports alone, without the --help hint (errx(), err()), with
 * its exit code: an excl[] conflict, a value the command refuses when it reaches it.
 */
export class OptionError extends ArgError {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Mutually exclusive options: util-linux prints the message alone, without the --help hint. */
export class ExclusiveError extends OptionError {}

/** minimist's configuration: options with a value are strings (never numbers), the others booleans, long names aliases of the key. */
export function minimistOptions(options: readonly OptionSpec[]): minimist.Opts {
  const alias: Record<string, string[]> = {};
  for (const o of options) {
    const others = o.long.filter((l) => l !== keyOf(o));
    if (others.length) alias[keyOf(o)] = others;
  }
  return {
    string: options.filter((o) => o.arg !== 'none').map(keyOf),
    boolean: options.filter((o) => o.arg === 'none').map(keyOf),
    alias,
  };
}

/**
 * util-linux's excl[] check (err_exclusive_options()), as getopt reaches each option: every row
 * the option is in remembers the first option of it given; the option conflicts with the first
 * row (in the table's order) that remembers another one, named first.
 */
export function exclusiveCheck(spec: CommandSpec<OptionSpec>): (option: OptionSpec) => void {
  const first = new Map<string, OptionSpec>();
  return (option) => {
    for (const row of spec.exclusive) {
      if (!option.exclusive?.includes(row)) continue;
      const seen = first.get(row);
      if (seen === undefined) first.set(row, option);
      else if (seen !== option) throw new ExclusiveError(`options ${displayName(seen)} and ${displayName(option)} cannot be combined`);
    }
  };
}

/**
 * Parse argv: getopt validates and orders, the excl[] check and `reached` (the command's checks)
 * see each option as it is reached; minimist reads what getopt found, each option written as
 * --KEY or --KEY=VALUE (so a value starting with '-' or a key starting with "no-" stays what it
 * is) and the arguments after "--" (so "true" after a flag stays an argument).
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec<OptionSpec>, reached?: OptionReached): ParsedArgs {
  const exclusive = exclusiveCheck(spec);
  const { ordered, positional } = getopt(argv, spec.options, (o, option) => {
    exclusive(option);
    reached?.(o, option);
  });
  // The record by name is made when first read: the commands read `ordered` (the order is what
  // they act on), and minimist's set-up over a whole option table is ~1.5 ms of a cold start.
  let record: minimist.ParsedArgs | undefined;
  return {
    get opts(): OptionValues {
      const words = ordered.map((o) => (o.value !== undefined ? `--${o.key}=${o.value}` : `--${o.key}`));
      return (record ??= minimist([...words, '--', ...positional], minimistOptions(spec.options)));
    },
    ordered,
    positional,
  };
}

/** Was option `key` given? */
export function has(ordered: readonly OrderedOption[], key: string): boolean {
  return ordered.some((o) => o.key === key);
}

/** The value of the last `key` given (getopt semantics: the last one wins). */
export function last(ordered: readonly OrderedOption[], key: string): string | undefined {
  let v: string | undefined;
  for (const o of ordered) if (o.key === key) v = o.value;
  return v;
}

/**
 * -h prints the usage, -V the version line (both exit 0); undefined when neither was given. Either
 * ends the parse, so it is the last option: the first of them on the command line acts.
 */
export function helpOrVersion(ordered: readonly OrderedOption[], usage: () => string, version: () => string,
  stdout: (lines: string[]) => void): number | undefined {
  const key = ordered[ordered.length - 1]?.key;
  if (key === 'h') stdout(usage().split('\n'));
  else if (key === 'V') stdout([version()]);
  else return undefined;
  return 0;
}

/** util-linux's "Try '<prog> --help'" hint. */
export function tryHelp(prog: string): string {
  return `Try '${prog} --help' for more information.`;
}

/**
 * Parse argv (see parseArgs; `reached` is the command's check of each option as getopt reaches
 * it). On a command-line error print getopt's text and the hint (an OptionError's text alone)
 * and return the exit code.
 */
export function parseCommandLine(prog: string, argv: readonly string[], spec: CommandSpec<OptionSpec>,
  stderr: (lines: string[]) => void, reached?: OptionReached): ParsedArgs | number {
  try {
    return parseArgs(argv, spec, reached);
  } catch (e) {
    if (e instanceof OptionError) {
      stderr([`${prog}: ${e.message}`]);
      return e.exitCode;
    }
    if (e instanceof ArgError) {
      stderr([`${prog}: ${e.message}`, tryHelp(prog)]);
      return 1;
    }
    throw e;
  }
}
