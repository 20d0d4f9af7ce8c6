// Command-line parsing from a command's option table: the getopt walk (cli/getopt.ts) reads argv
// as util-linux's getopt_long would and keeps the order of the options (-o, -r, -w, --make-* are
// applied in the order given); minimist, configured from the same table, makes the record of
// values by name; then util-linux's exclusive-options check.
import minimist from 'minimist';
import { ArgError, OrderedOption, getopt } from './getopt';
import { CommandSpec, OptionSpec, displayName, keyOf } from './optspec';

export { ArgError };
export type { OrderedOption };

/** minimist's record: under an option's key and each of its long names, its value (values, when given again) or true. */
export type OptionValues = Readonly<Record<string, string | string[] | boolean | undefined>>;

export interface ParsedArgs {
  opts: OptionValues;
  /** Every option in command-line order. */
  ordered: OrderedOption[];
  positional: string[];
}

/** Mutually exclusive options: util-linux prints the message alone, without the --help hint. */
export class ExclusiveError extends ArgError {}

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
 * Parse argv: getopt validates and orders; minimist reads what getopt found, each option written
 * as --KEY or --KEY=VALUE (so a value starting with '-' or a key starting with "no-" stays what it
 * is) and the arguments after "--" (so "true" after a flag stays an argument).
 */
export function parseArgs(argv: readonly string[], spec: CommandSpec<OptionSpec>): ParsedArgs {
  const { ordered, positional } = getopt(argv, spec.options);
  const words = ordered.map((o) => (o.value !== undefined ? `--${o.key}=${o.value}` : `--${o.key}`));
  const opts = minimist([...words, '--', ...positional], minimistOptions(spec.options));
  return { opts, ordered, positional: opts._ };
}

/**
 * util-linux's excl[] check: within each row (in the table's order), the first two different
 * options given, in command-line order, are reported.
 */
export function checkExclusive(ordered: readonly OrderedOption[], spec: CommandSpec<OptionSpec>): void {
  for (const row of spec.exclusive) {
    const members = spec.options.filter((o) => o.exclusive?.includes(row));
    const seen: OptionSpec[] = [];
    for (const x of ordered) {
      const o = members.find((m) => keyOf(m) === x.key);
      if (o && !seen.includes(o)) seen.push(o);
    }
    if (seen.length > 1) throw new ExclusiveError(`options ${displayName(seen[0])} and ${displayName(seen[1])} cannot be combined`);
  }
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

/** -h prints the usage, -V the version line (both exit 0); undefined when neither was given. */
export function helpOrVersion(ordered: readonly OrderedOption[], usage: () => string, version: () => string,
  stdout: (lines: string[]) => void): number | undefined {
  if (has(ordered, 'h')) stdout(usage().split('\n'));
  else if (has(ordered, 'V')) stdout([version()]);
  else return undefined;
  return 0;
}

/** util-linux's "Try '<prog> --help'" hint. */
export function tryHelp(prog: string): string {
  return `Try '${prog} --help' for more information.`;
}

/**
 * Parse argv and apply the exclusivity rules; on a command-line error print getopt's text
 * and the hint, and return undefined (the caller exits 1).
 */
export function parseCommandLine(prog: string, argv: readonly string[], spec: CommandSpec<OptionSpec>,
  stderr: (lines: string[]) => void): ParsedArgs | undefined {
  try {
    const parsed = parseArgs(argv, spec);
    checkExclusive(parsed.ordered, spec);
    return parsed;
  } catch (e) {
    if (e instanceof ExclusiveError) {
      stderr([`${prog}: ${e.message}`]);
      return undefined;
    }
    if (e instanceof ArgError) {
      stderr([`${prog}: ${e.message}`, tryHelp(prog)]);
      return undefined;
    }
    throw e;
  }
}
