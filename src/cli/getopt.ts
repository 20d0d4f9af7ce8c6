// getopt_long's reading of argv, from a command's option table: unambiguous prefixes of long
// names, short options grouped (-fv) or with a value attached (-oro), permutation (options and
// arguments mixed), "--" ending the options, and glibc's error texts. minimist (cli/args.ts)
// cannot do this part itself: it reads "-oro" as -o -r -o, leaves a value that starts with '-'
// for the next option, turns --no-mtab into mtab=false and takes a "true" after a flag as its value.
//
// As util-linux's getopt loop, the walk hands each option over as it reaches it: whatever the
// command does with it (an excl[] conflict, a value it refuses, -h, -V) happens before anything
// later on the command line is read, a later error included.
import { OptionSpec, keyOf } from './optspec';
import { encodeBytes } from '../sys/bytes';

export interface OrderedOption {
  /** The option's key (its short letter, or its long name when it has none: optspec.keyOf). */
  key: string;
  value?: string;
}

/** A command-line error getopt reports: the message, then util-linux's "Try ... --help" line. */
export class ArgError extends Error {}

/** Called with each option when the walk reaches it; it may throw (an ArgError) to end the parse there. */
export type OptionReached = (o: OrderedOption, option: OptionSpec) => void;

interface LongName {
  name: string;
  option: OptionSpec;
}

/** glibc's search among these names for an abbreviation; undefined when none starts with `given`. */
function abbreviation(arg: string, given: string, longs: readonly LongName[]): LongName | undefined {
  // In table (longopts) order: the first candidate is what glibc calls pfound.
  const cands = longs.filter((l) => l.name.startsWith(given));
  if (!cands.length) return undefined;
  // Candidates for one and the same option (--ro and --read-only: the same has_arg, flag and val)
  // are not ambiguous; glibc lists the first match and every candidate that is not the same option as it.
  const listed = cands.filter((c, i) => i === 0 || c.option !== cands[0].option);
  if (listed.length > 1) {
    throw new ArgError(`option '${arg}' is ambiguous; possibilities:${listed.map((c) => ` '--${c.name}'`).join('')}`);
  }
  return cands[0];
}

/**
 * The long option "--given[=value]" (the whole word: `arg`) names: an exact name, else the only
 * option a prefix starts, util-linux's options first (tsmount's own only when none of them fits).
 * glibc's texts quote the word as given, "=value" included.
 */
function lookupLong(arg: string, given: string, longs: readonly LongName[]): LongName {
  const exact = longs.find((l) => l.name === given);
  if (exact) return exact;
  const found = abbreviation(arg, given, longs.filter((l) => !l.option.own))
    ?? abbreviation(arg, given, longs.filter((l) => l.option.own));
  if (!found) throw new ArgError(`unrecognized option '${arg}'`);
  return found;
}

/**
 * How glibc names an invalid short option: getopt reads argv by bytes, so a character that is not
 * ASCII is its first byte (kept as an escaped byte, cli/output.ts writes it out as that byte).
 */
function shortName(c: string): string {
  const b = encodeBytes(c)[0];
  return b < 0x80 ? c : String.fromCharCode(0xdc00 + b);
}

/**
 * Walk argv as getopt_long does; the options in command-line order, and the other arguments.
 * `reached` sees each option as the walk reaches it; an option the table marks `exits` (-h, -V)
 * ends the walk (the rest of argv is not read, as util-linux exits there). With POSIXLY_CORRECT
 * in the environment (`posix`), glibc does not permute: the first argument ends the options.
 */
export function getopt(argv: readonly string[], options: readonly OptionSpec[],
  reached: OptionReached = () => undefined,
  posix = process.env.POSIXLY_CORRECT !== undefined): { ordered: OrderedOption[]; positional: string[] } {
  const longs: LongName[] = options.flatMap((option) => option.long.map((name) => ({ name, option })));
  const shorts = new Map(options.filter((o) => o.short !== undefined).map((o) => [o.short, o]));
  const ordered: OrderedOption[] = [];
  const positional: string[] = [];
  /** Record an option and hand it over; true when the walk ends there. */
  const reach = (o: OrderedOption, option: OptionSpec): boolean => {
    ordered.push(o);
    reached(o, option);
    return option.exits === true;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const given = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const { name, option } = lookupLong(a, given, longs);
      const key = keyOf(option);
      let o: OrderedOption;
      if (option.arg === 'required') {
        const v: string | undefined = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new ArgError(`option '--${name}' requires an argument`);
        o = { key, value: v };
      } else if (option.arg === 'optional') {
        o = { key, value: eq >= 0 ? a.slice(eq + 1) : undefined };
      } else {
        if (eq >= 0) throw new ArgError(`option '--${name}' doesn't allow an argument`);
        o = { key };
      }
      if (reach(o, option)) break;
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      let end = false;
      // By code points: a character beyond U+FFFF is one (invalid) option, not two halves.
      const chars = Array.from(a.slice(1));
      for (let j = 0; j < chars.length && !end; j++) {
        const c = chars[j];
        const option = shorts.get(c);
        if (!option) throw new ArgError(`invalid option -- '${shortName(c)}'`);
        if (option.arg === 'none') {
          end = reach({ key: c }, option);
          continue;
        }
        // The rest of the word is the value; a required one may be the next argument instead.
        const rest = chars.slice(j + 1).join('');
        const v = rest !== '' ? rest : option.arg === 'required' ? argv[++i] : undefined;
        if (v === undefined && option.arg === 'required') throw new ArgError(`option requires an argument -- '${c}'`);
        end = reach({ key: c, value: v }, option);
        break;
      }
      if (end) break;
      continue;
    }
    if (posix) {
      positional.push(...argv.slice(i));
      break;
    }
    positional.push(a);
  }
  return { ordered, positional };
}
