// Command-line parsing: minimist reads the options; a small getopt-style walk over the same
// argv recovers their order where order matters (-o, -r, -w, --make-* are applied in the
// order given) and reports unknown options with getopt's texts.
import minimist from 'minimist';

export interface ArgSpec {
  /** Short options that take a value (e.g. "oOtTLUN"). */
  shortWithValue: string;
  /** Short options without a value. */
  shortFlags: string;
  /** Long options that take a value. */
  longWithValue: string[];
  /** Long options without a value. */
  longFlags: string[];
  /** Long options whose value is optional (--mkdir[=MODE]). */
  longOptional?: string[];
  /** Short options whose value is optional and must be attached (-m[MODE]). */
  shortOptional?: string;
  /** Long → short aliases. */
  alias: Record<string, string>;
  /**
   * Long names in the order of util-linux's longopts table: getopt_long lists the candidates of an
   * ambiguous prefix in that order. Names not listed come after, in declaration order.
   */
  longOrder?: readonly string[];
}

export interface OrderedOption {
  /** The short letter, or the long name when the option has no short form. */
  key: string;
  value?: string;
}

export interface ParsedArgs {
  /** minimist's result: values by name (short keys aliased to long ones). */
  opts: minimist.ParsedArgs;
  /** Every option in command-line order. */
  ordered: OrderedOption[];
  positional: string[];
}

export class ArgError extends Error {}

/** Mutually exclusive options: util-linux prints the message alone, without the --help hint. */
export class ExclusiveError extends ArgError {}

/** Walk argv as getopt_long would (permuting positionals, "--" ends options). */
export function walk(argv: readonly string[], spec: ArgSpec): { ordered: OrderedOption[]; positional: string[] } {
  const ordered: OrderedOption[] = [];
  const positional: string[] = [];
  const longs = [...spec.longWithValue, ...spec.longFlags, ...(spec.longOptional ?? [])];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const given = eq < 0 ? a.slice(2) : a.slice(2, eq);
      // getopt_long accepts unambiguous prefixes of long names.
      let name = longs.find((l) => l === given);
      if (!name) {
        // Candidates for one and the same option (--ro and --read-only) are not ambiguous (getopt_long).
        const rank = (l: string): number => {
          const i = spec.longOrder?.indexOf(l) ?? -1;
          return i < 0 ? 1000 + longs.indexOf(l) : i;
        };
        const cands = longs.filter((l) => l.startsWith(given)).sort((x, y) => rank(x) - rank(y));
        const distinct = cands.filter((l, i) => cands.findIndex((m) => (spec.alias[m] ?? m) === (spec.alias[l] ?? l)) === i);
        if (distinct.length === 1) name = distinct[0];
        else if (distinct.length > 1) {
          // glibc lists the first match and every candidate that is not the same option as it.
          const key = (l: string): string => spec.alias[l] ?? l;
          const listed = cands.filter((c, i) => i === 0 || key(c) !== key(cands[0]));
          throw new ArgError(`option '${a.slice(0, eq < 0 ? undefined : eq)}' is ambiguous; possibilities:${listed.map((c) => ` '--${c}'`).join('')}`);
        }
      }
      if (!name) throw new ArgError(`unrecognized option '${a.slice(0, eq < 0 ? undefined : eq)}'`);
      const key = spec.alias[name] ?? name;
      if (spec.longWithValue.includes(name)) {
        const v: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new ArgError(`option '--${name}' requires an argument`);
        ordered.push({ key, value: v });
      } else if ((spec.longOptional ?? []).includes(name)) {
        ordered.push({ key, value: eq >= 0 ? a.slice(eq + 1) : undefined });
      } else {
        if (eq >= 0) throw new ArgError(`option '--${name}' doesn't allow an argument`);
        ordered.push({ key });
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (spec.shortWithValue.includes(c)) {
          const rest = a.slice(j + 1);
          const v = rest !== '' ? rest : argv[++i];
          if (v === undefined) throw new ArgError(`option requires an argument -- '${c}'`);
          ordered.push({ key: c, value: v });
          break;
        }
        if ((spec.shortOptional ?? '').includes(c)) {
          const rest = a.slice(j + 1);
          ordered.push({ key: c, value: rest !== '' ? rest : undefined });
          break;
        }
        if (!spec.shortFlags.includes(c)) throw new ArgError(`invalid option -- '${c}'`);
        ordered.push({ key: c });
      }
      continue;
    }
    positional.push(a);
  }
  return { ordered, positional };
}

/** Parse argv: the walk validates and orders; minimist gives typed access by name. */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const { ordered, positional } = walk(argv, spec);
  // Re-serialise the validated options so minimist sees exactly what the walk accepted.
  const norm: string[] = [];
  for (const o of ordered) {
    // "--k=v" for every value: minimist then never mistakes a value starting with '-' for an option.
    norm.push(o.value !== undefined ? `--${o.key}=${o.value}` : o.key.length === 1 ? `-${o.key}` : `--${o.key}`);
  }
  const strings = [...spec.shortWithValue.split(''), ...spec.longWithValue.map((l) => spec.alias[l] ?? l)];
  const opts = minimist(norm, {
    string: strings,
    boolean: [...spec.shortFlags.split(''), ...spec.longFlags.map((l) => spec.alias[l] ?? l)],
    '--': false,
  });
  return { opts, ordered, positional };
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
export function parseCommandLine(prog: string, argv: readonly string[], spec: ArgSpec,
  checkExclusive: (o: OrderedOption[]) => void, stderr: (lines: string[]) => void): ParsedArgs | undefined {
  try {
    const parsed = parseArgs(argv, spec);
    checkExclusive(parsed.ordered);
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
