// util-linux's -t type patterns (lib/match.c) and -O option patterns (mnt_match_options).
import { splitOptionString } from '../options/parse';

/**
 * -t LIST: a leading "no" negates the whole list ("notmpfs,ext2" = neither); an item may also be
 * "noX". Case-insensitive. An absent pattern matches everything.
 */
export function matchFsType(type: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  const { no, items } = typePattern(pattern);
  const t = type.toLowerCase();
  for (const i of items) {
    if (i.startsWith('no') && i.slice(2) === t) return false;
    if (i === t) return !no;
  }
  return no;
}

/** A -t pattern taken apart: umount -a and mount -a match every entry against the same one. */
interface TypePattern {
  no: boolean;
  items: readonly string[];
}
let lastPattern: { text: string; parsed: TypePattern } | undefined;

function typePattern(pattern: string): TypePattern {
  if (lastPattern?.text === pattern) return lastPattern.parsed;
  const no = pattern.startsWith('no');
  const parsed = { no, items: (no ? pattern.slice(2) : pattern).split(',').map((i) => i.toLowerCase()) };
  lastPattern = { text: pattern, parsed };
  return parsed;
}

/** True when a -t value is a pattern or a list rather than one type. */
export function isTypePattern(pattern: string): boolean {
  return pattern.includes(',') || pattern.startsWith('no');
}

function optionMap(optstr: string): Map<string, string | undefined> {
  const m = new Map<string, string | undefined>();
  for (const raw of splitOptionString(optstr)) {
    const eq = raw.indexOf('=');
    const k = eq < 0 ? raw : raw.slice(0, eq);
    if (!m.has(k)) m.set(k, eq < 0 ? undefined : raw.slice(eq + 1)); // the first one counts (mnt_optstr_get_option)
  }
  return m;
}

/**
 * -O LIST: every item must hold. "X" must be present (with "X=v" the value must match), "noX" must
 * be absent, "+noX" must be present literally.
 */
export function matchOptions(optstr: string, pattern: string | undefined): boolean {
  if (pattern === undefined) return true;
  const have = optionMap(optstr);
  for (const raw of splitOptionString(pattern)) {
    let item = raw;
    let no = false;
    if (item.startsWith('+')) item = item.slice(1);
    else if (item.startsWith('no')) {
      no = true;
      item = item.slice(2);
    }
    if (no && item === '') return false; // a lone "no" is an error in mnt_match_options()
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const val = eq < 0 ? undefined : item.slice(eq + 1);
    let found = name === '' || have.has(name); // an empty item ("+") matches anything
    if (found && val !== undefined && val !== '' && have.get(name) !== val) found = false;
    if (no ? found : !found) return false;
  }
  return true;
}
