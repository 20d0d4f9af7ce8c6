// getopt_long's reading of argv, from a command's option table: unambiguous prefixes of long
// names, short options grouped (-fv) or with a value attached (-oro), permutation (options and
// arguments mixed), "--" ending the options, and glibc's error texts. minimist (cli/args.ts)
// cannot do this part itself: it reads "-oro" as -o -r -o, leaves a value that starts with '-'
// for the next option, turns --no-mtab into mtab=false and takes a "true" after a flag as its value.
import { OptionSpec, keyOf } from './optspec';

export interface OrderedOption {
  /** The option's key (its short letter, or its long name when it has none: optspec.keyOf). */
  key: string;
  value?: string;
}

/** A command-line error getopt reports: the message, then util-linux's "Try ... --help" line. */
export class ArgError extends Error {}

interface LongName {
  name: string;
  option: OptionSpec;
}

/** The long option "--given" names: an exact name, else the only option a prefix starts. */
function lookupLong(arg: string, given: string, longs: readonly LongName[]): LongName {
  const exact = longs.find((l) => l.name === given);
  if (exact) return exact;
  // In table (longopts) order: the first candidate is what glibc calls pfound.
  const cands = longs.filter((l) => l.name.startsWith(given));
  if (!cands.length) throw new ArgError(`unrecognized option '${arg}'`);
  // Candidates for one and the same option (--ro and --read-only) are not ambiguous; glibc lists
  // the first match and every candidate that is not the same option as it.
  const listed = cands.filter((c, i) => i === 0 || c.option !== cands[0].option);
  if (listed.length > 1) {
    throw new ArgError(`option '${arg}' is ambiguous; possibilities:${listed.map((c) => ` '--${c.name}'`).join('')}`);
  }
  return cands[0];
}

/** Walk argv as getopt_long does; the options in command-line order, and the other arguments. */
export function getopt(argv: readonly string[], options: readonly OptionSpec[]): { ordered: OrderedOption[]; positional: string[] } {
  const longs: LongName[] = options.flatMap((option) => option.long.map((name) => ({ name, option })));
  const shorts = new Map(options.filter((o) => o.short !== undefined).map((o) => [o.short, o]));
  const ordered: OrderedOption[] = [];
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const given = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const { name, option } = lookupLong(eq < 0 ? a : a.slice(0, eq), given, longs);
      const key = keyOf(option);
      if (option.arg === 'required') {
        const v: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new ArgError(`option '--${name}' requires an argument`);
        ordered.push({ key, value: v });
      } else if (option.arg === 'optional') {
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
        const option = shorts.get(c);
        if (!option) throw new ArgError(`invalid option -- '${c}'`);
        if (option.arg === 'none') {
          ordered.push({ key: c });
          continue;
        }
        // The rest of the word is the value; a required one may be the next argument instead.
        const rest = a.slice(j + 1);
        const v = rest !== '' ? rest : option.arg === 'required' ? argv[++i] : undefined;
        if (v === undefined && option.arg === 'required') throw new ArgError(`option requires an argument -- '${c}'`);
        ordered.push({ key: c, value: v });
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { ordered, positional };
}
