// Paths are bytes. Linux paths, fstab, utab and mountinfo may hold bytes that are not UTF-8 (a
// mount point named in Latin-1), and Node decodes them lossily into U+FFFD: two different paths
// would become one. Here, as Python's "surrogateescape" does, a byte that is not part of valid
// UTF-8 is decoded to the lone surrogate U+DC80+byte and encoded back to that same byte, so a
// string round-trips to exactly the bytes it came from. Valid UTF-8 text never produces a lone
// surrogate, so ordinary strings are unchanged and pay only a scan.
import { isUtf8 } from 'buffer';

// A low surrogate U+DC80–U+DCFF that is not the second half of a pair (a character above U+FFFF).
const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;
const ESCAPED_ALL = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/g;

/** Bytes → string, with every byte that is not valid UTF-8 kept as U+DC80+byte. */
export function decodeBytes(buf: Buffer, start = 0, end = buf.length): string {
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  if (isUtf8(view)) return view.toString('utf8');
  let out = '';
  let run = 0; // start of the current run of valid UTF-8
  let i = 0;
  while (i < view.length) {
    const n = validSequenceLength(view, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += view.toString('utf8', run, i) + String.fromCharCode(0xdc00 + view[i]);
    i++;
    run = i;
  }
  return out + view.toString('utf8', run, view.length);
}

/** The length of the valid UTF-8 sequence starting at i, or 0 when the byte there starts none. */
function validSequenceLength(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no encoded surrogates
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Whether a string carries escaped bytes (so it must be encoded with encodeBytes, not as UTF-8). */
export function hasEscapedBytes(s: string): boolean {
  return ESCAPED.test(s);
}

/** String → the exact bytes it was decoded from (U+DC80+byte back to the byte). */
export function encodeBytes(s: string): Buffer {
  if (!ESCAPED.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc80 || c > 0xdcff) continue;
    // A high surrogate just before makes this a real pair (a character above U+FFFF), not a byte.
    const prev = i > 0 ? s.charCodeAt(i - 1) : 0;
    if (prev >= 0xd800 && prev <= 0xdbff) continue;
    parts.push(Buffer.from(s.slice(run, i), 'utf8'), Buffer.of(c - 0xdc00));
    run = i + 1;
  }
  parts.push(Buffer.from(s.slice(run), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * A path for Node's fs and for koffi's `str` parameters: the string itself when it is plain
 * text, else its exact bytes (both accept a Buffer; koffi needs the terminating NUL).
 */
export function osPath(s: string): string | Buffer {
  return ESCAPED.test(s) ? encodeBytes(s) : s;
}

export function cString(s: string): string | Buffer {
  return ESCAPED.test(s) ? Buffer.concat([encodeBytes(s), Buffer.of(0)]) : s;
}

/** For traces and explain output, which quote strings: escaped bytes shown as \xNN. */
export function printable(s: string): string {
  return ESCAPED.test(s) ? s.replace(ESCAPED_ALL, (c) => `\\x${(c.charCodeAt(0) - 0xdc00).toString(16)}`) : s;
}

/** A string argument as a trace or the dry run shows it: in double quotes, escaped bytes as \\xNN; NULL for none. */
export function quoted(s: string | null | undefined): string {
  return s === null || s === undefined ? 'NULL' : JSON.stringify(printable(s));
}
