// The \ooo escapes fstab, mountinfo and utab use for blanks and backslashes.
import { decodeBytes, encodeBytes } from '../sys/bytes';

const OCT = /\\([0-7]{3})/;

/** Decode every \ooo escape (three octal digits) into the byte it names. */
export function unmangle(s: string): string {
  if (s.indexOf('\\') < 0 || !OCT.test(s)) return s;
  const src = encodeBytes(s);
  const out = Buffer.allocUnsafe(src.length);
  let j = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === 0x5c && i + 3 < src.length + 0 && isOct(src[i + 1]) && isOct(src[i + 2]) && isOct(src[i + 3])) {
      out[j++] = ((src[i + 1] - 48) << 6) | ((src[i + 2] - 48) << 3) | (src[i + 3] - 48);
      i += 3;
    } else {
      out[j++] = c;
    }
  }
  // A decoded NUL ends the string, as in libmount's C unmangle ("\000" is an empty field).
  const nul = out.subarray(0, j).indexOf(0);
  return decodeBytes(out, 0, nul >= 0 ? nul : j);
}

function isOct(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 55;
}

/** Encode space, tab, newline and backslash (and '#' when asked) as \ooo, as the kernel and libmount do. */
export function mangle(s: string, extra = ''): string {
  let out = '';
  for (const ch of s) {
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\\' || (extra && extra.includes(ch))) {
      out += '\\' + ch.charCodeAt(0).toString(8).padStart(3, '0');
    } else {
      out += ch;
    }
  }
  return out;
}
