// The comma-separated option list, parsed as util-linux's ul_optstr_next() does:
// empty items are skipped, '"' toggles quoting (commas inside quotes belong to the
// value), "\," and "\"" are escapes, an item starting with '=' is an error, and an
// unterminated quote makes the rest of the string disappear.
import { RequestError } from '../sys/error';
import { KeptAnswers } from './kept';

export interface OptionItem {
  /** Option name, as written (case kept). */
  name: string;
  /** Value as written after '=' (quotes and escapes kept), or undefined for a bare name. */
  raw?: string;
}

/** The value with quotes removed and "\," / "\"" unescaped: what the filesystem receives. */
export function optionValue(item: OptionItem): string | undefined {
  if (item.raw === undefined) return undefined;
  let out = '';
  const s = item.raw;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && (s[i + 1] === ',' || s[i + 1] === '"')) {
      out += s[++i];
    } else if (c !== '"') {
      out += c;
    }
  }
  return out;
}

/** The item as it is written in an option string. */
export function formatItem(item: OptionItem): string {
  return item.raw === undefined ? item.name : `${item.name}=${item.raw}`;
}

export function formatOptions(items: readonly OptionItem[]): string {
  return items.map(formatItem).join(',');
}

/**
 * Split an option string into raw items (quotes kept) following ul_optstr_next(). An item with an
 * unterminated quote is dropped with the rest of the string; `onDropped` sees it.
 */
export function splitOptionString(str: string, onDropped?: (rest: string) => void): string[] {
  const out: string[] = [];
  let i = 0;
  const n = str.length;
  while (i < n) {
    while (i < n && str[i] === ',') i++; // leading and empty items
    if (i >= n) break;
    const start = i;
    let quoted = false;
    let end = -1;
    for (; i < n; i++) {
      const c = str[i];
      if (c === '\\' && i + 1 < n && (str[i + 1] === ',' || str[i + 1] === '"')) {
        i++;
        continue;
      }
      if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        end = i;
        break;
      }
    }
    if (quoted) {
      onDropped?.(str.slice(start)); // unterminated quote: the rest is dropped, as util-linux does
      break;
    }
    out.push(str.slice(start, end < 0 ? n : end));
    if (end < 0) break;
    i = end + 1;
  }
  return out;
}

/**
 * Parsed option strings, by string: mount -a parses each entry's options three times (is it
 * ignored, is it a bind, the request itself), and thousands of entries share a few strings.
 * The answers are frozen, so that sharing one cannot let a caller change another's.
 */
const parsed = new KeptAnswers<readonly OptionItem[]>(256);

/**
 * Parse an option string into items. Throws RequestError('unsupported-option-format')
 * for an item that starts with '='.
 */
export function parseOptions(str: string): readonly OptionItem[] {
  return parsed.get(str, () => {
    const items = parseUncached(str);
    for (const it of items) Object.freeze(it);
    return Object.freeze(items);
  });
}

function parseUncached(str: string): OptionItem[] {
  const items: OptionItem[] = [];
  const raws = splitOptionString(str, (rest) => {
    if (rest.startsWith('=')) throw new RequestError({ code: 'unsupported-option-format', options: str });
  });
  for (const raw of raws) {
    // mount.c append_option(): the message quotes the whole -o string, not just the bad item.
    if (raw.startsWith('=')) throw new RequestError({ code: 'unsupported-option-format', options: str });
    const eq = indexOfUnquoted(raw, '=');
    if (eq < 0) items.push({ name: raw });
    else items.push({ name: raw.slice(0, eq), raw: raw.slice(eq + 1) });
  }
  return items;
}

function indexOfUnquoted(s: string, ch: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '"') quoted = !quoted;
    else if (!quoted && s[i] === ch) return i;
  }
  return -1;
}
