// The shape of a command's option table (cli/options-mount.ts, cli/options-umount.ts): each
// option is declared once, and the getopt walk, minimist's configuration, the exclusivity check,
// --help and the bash completion (src/cli/completion.ts, written by `npm run completion`) are all derived from that one entry.

/** getopt_long's has_arg: none, required (next argument or attached), optional (attached only: -m0755, --mkdir=0755). */
export type ArgKind = 'none' | 'required' | 'optional';

/** The option's line in --help. */
export interface OptionHelp {
  /** The value's name, "<path>" (an optional value is shown attached: "--mkdir[=<mode>]"). */
  readonly value?: string;
  /** The long names --help shows, when not all of them in table order (util-linux shows -w as "--rw, --read-write"). */
  readonly names?: readonly string[];
  /** The description; a line break continues it with the indentation written after it. */
  readonly text: string;
}

export interface OptionSpec<Row extends string = string> {
  readonly short?: string;
  /** Long names in util-linux's longopts order; synonyms (--ro for --read-only) are the same option. */
  readonly long: readonly string[];
  readonly arg: ArgKind;
  /** The rows of util-linux's excl[] table this option is in. */
  readonly exclusive?: readonly Row[];
  /**
   * util-linux's getopt loop exits on it (usage(), print_version()): nothing after it on the
   * command line is read, and an error before it is still reported.
   */
  readonly exits?: boolean;
  /**
   * tsmount's own option (util-linux has none such). An abbreviation names it only when it
   * abbreviates none of util-linux's options, so every command line util-linux reads is read alike.
   */
  readonly own?: boolean;
  readonly help: OptionHelp;
}

export interface CommandSpec<O extends OptionSpec<Row>, Row extends string = string> {
  /**
   * Every option, in the order of util-linux's longopts table (getopt_long lists the candidates of
   * an ambiguous prefix in that order); options util-linux does not have come last.
   */
  readonly options: readonly O[];
  /** util-linux's excl[] rows, in its order: the first row that has two options given is reported. */
  readonly exclusive: readonly Row[];
}

/**
 * The name the command code reads an option by (has(), last(), OrderedOption.key): its short
 * letter, or its first long name when it has none.
 */
export function keyOf(o: OptionSpec): string {
  return o.short ?? o.long[0];
}

/** How messages name an option: util-linux's ul_get_longopt() (the first long name), else "-x". */
export function displayName(o: OptionSpec): string {
  return o.long.length ? `--${o.long[0]}` : `-${o.short ?? ''}`;
}

/** The option a key names (a key the command code uses that the table lacks is a programming error). */
export function optionByKey<O extends OptionSpec>(options: readonly O[], key: string): O {
  const o = options.find((x) => keyOf(x) === key);
  if (!o) throw new Error(`no option ${key}`);
  return o;
}

/** A line of a --help page: text as it is, or the line(s) of one option of the table. */
export type HelpLine = string | { readonly option: string; readonly bare?: boolean };

/** The lines of these options, with the four-column gap where an option has no short form. */
export function optionLines(...keys: string[]): HelpLine[] {
  return keys.map((option) => ({ option }));
}

/** The same without the gap (util-linux's "Operations:" section: " --make-shared"). */
export function bareOptionLines(...keys: string[]): HelpLine[] {
  return keys.map((option) => ({ option, bare: true }));
}
