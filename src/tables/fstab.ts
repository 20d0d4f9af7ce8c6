// fstab(5): six blank-separated fields, \ooo escapes, '#' comments, freq and pass optional.
// A line that cannot be parsed is reported and skipped, as libmount does.
import fs = require('fs');
import path = require('path');
import { unmangle, mangle } from './escape';
import { decodeBytes, osPath } from '../sys/bytes';
import { RequestError } from '../sys/error';

export interface FstabEntry {
  source: string;
  target: string;
  fstype: string;
  options: string;
  freq: number;
  passno: number;
  /** File and 1-based line the entry came from. */
  file: string;
  line: number;
}

export interface FstabParseError {
  file: string;
  line: number;
}

export interface Fstab {
  entries: FstabEntry[];
  errors: FstabParseError[];
}

const BLANK = /[ \t]+/;

/** Parse fstab text. Never throws: broken lines land in `errors`. */
export function parseFstab(text: string, file = '/etc/fstab'): Fstab {
  const entries: FstabEntry[] = [];
  const errors: FstabParseError[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    if (l.endsWith('\r')) l = l.slice(0, -1);
    l = l.replace(/^[ \t]+/, '');
    if (l === '' || l[0] === '#') continue;
    const e = parseLine(l, file, i + 1);
    if (e) entries.push(e);
    else errors.push({ file, line: i + 1 });
  }
  return { entries, errors };
}

function parseLine(l: string, file: string, line: number): FstabEntry | undefined {
  if (l.includes('\0')) return undefined;
  // As tab_parse.c: three fields required, freq and passno optional (strtol numbers), anything
  // after the sixth field ignored ("... 0 2 # note" is fine), '#' special only at line start.
  const fields = l.split(BLANK).filter((f) => f !== '');
  if (fields.length < 3) return undefined;
  const num = (s: string | undefined): number | undefined => {
    if (s === undefined) return 0;
    return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined;
  };
  const freq = num(fields[4]);
  const passno = num(fields[5]);
  if (freq === undefined || passno === undefined) return undefined;
  return {
    source: unmangle(fields[0]),
    target: unmangle(fields[1]),
    fstype: unmangle(fields[2]),
    options: fields[3] !== undefined ? unmangle(fields[3]) : '',
    freq,
    passno,
    file,
    line,
  };
}

/** Format an entry as an fstab line (escaping blanks and backslashes): parseFstab(formatFstabEntry(e)) gives e back. */
export function formatFstabEntry(e: Pick<FstabEntry, 'source' | 'target' | 'fstype' | 'options' | 'freq' | 'passno'>): string {
  const f = (s: string): string => (s === '' ? '\\000' : mangle(s, '#'));
  return [f(e.source), f(e.target), f(e.fstype), f(e.options || 'defaults'), String(e.freq), String(e.passno)].join(' ');
}

// glibc's strverscmp() state machine (libmount sorts a -T directory with versionsort()).
// Classes: 0 other, 1 digit 1-9, 2 '0'. States: S_N 0, S_I 3, S_F 6, S_Z 9.
const VS_NEXT = [0, 3, 9, 0, 3, 3, 0, 6, 6, 0, 6, 9];
const VS_CMP = 2;
const VS_LEN = 3;
const VS_RESULT = [
  VS_CMP, VS_CMP, VS_CMP, VS_CMP, VS_LEN, VS_CMP, VS_CMP, VS_CMP, VS_CMP,
  VS_CMP, -1, -1, 1, VS_LEN, VS_LEN, 1, VS_LEN, VS_LEN,
  VS_CMP, VS_CMP, VS_CMP, VS_CMP, VS_CMP, VS_CMP, VS_CMP, VS_CMP, VS_CMP,
  VS_CMP, 1, 1, -1, VS_CMP, VS_CMP, -1, VS_CMP, VS_CMP,
];

/** strverscmp(3) order: digit runs compare by value, leading zeros as fractional parts. */
export function versionCompare(a: string, b: string): number {
  const p1 = Buffer.from(a, 'utf8');
  const p2 = Buffer.from(b, 'utf8');
  const at = (p: Buffer, i: number): number => (i < p.length ? p[i] : 0);
  const isDigit = (c: number): boolean => c >= 48 && c <= 57;
  const cls = (c: number): number => (c === 48 ? 2 : isDigit(c) ? 1 : 0);
  let i = 0;
  let c1 = at(p1, 0);
  let c2 = at(p2, 0);
  let state = cls(c1);
  let diff: number;
  while ((diff = c1 - c2) === 0) {
    if (c1 === 0) return 0;
    state = VS_NEXT[state];
    i++;
    c1 = at(p1, i);
    c2 = at(p2, i);
    state += cls(c1);
  }
  const r = VS_RESULT[state * 3 + cls(c2)];
  if (r === VS_CMP) return diff;
  if (r !== VS_LEN) return r;
  let j = i + 1;
  for (;;) {
    const d1 = isDigit(at(p1, j));
    const d2 = isDigit(at(p2, j));
    if (!d1) return d2 ? -1 : diff;
    if (!d2) return 1;
    j++;
  }
}

/** An fstab path that must exist (-T FILE) and cannot be read as a table. */
function unreadable(file: string): RequestError {
  return new RequestError({ code: 'fstab-unreadable', file }, file);
}

/**
 * Read one fstab path: a file, or a directory whose `*.fstab` files (no dot-files) are read in
 * strverscmp order. A missing default /etc/fstab is an empty table; an unreadable -T path throws.
 */
export function readFstab(p: string, mustExist: boolean): Fstab {
  let st: fs.Stats;
  try {
    st = fs.statSync(osPath(p));
  } catch {
    if (mustExist) throw unreadable(p);
    return { entries: [], errors: [] };
  }
  if (st.isDirectory()) {
    let all: string[];
    try {
      all = fs.readdirSync(osPath(p), { encoding: 'buffer' }).map((b) => decodeBytes(b));
    } catch {
      throw unreadable(p);
    }
    const names = all.filter((n) => n.endsWith('.fstab') && !n.startsWith('.')).sort(versionCompare);
    const out: Fstab = { entries: [], errors: [] };
    for (const n of names) {
      const f = path.join(p, n);
      let text: string;
      try {
        if (!fs.statSync(osPath(f)).isFile()) continue; // as tab_parse.c: only regular files (symlinks followed)
        text = decodeBytes(fs.readFileSync(osPath(f)));
      } catch {
        continue; // an unreadable file in the directory is skipped, as libmount does
      }
      // libmount names a directory's files by their own name in parse errors ("10-a.fstab: parse error …").
      const t = parseFstab(text, n);
      out.entries.push(...t.entries);
      out.errors.push(...t.errors);
    }
    return out;
  }
  // Only a regular file is a table: /dev/null or a FIFO (which would block the read) are refused.
  if (!st.isFile()) {
    if (mustExist) throw unreadable(p);
    return { entries: [], errors: [] };
  }
  let text: string;
  try {
    text = decodeBytes(fs.readFileSync(osPath(p)));
  } catch {
    throw unreadable(p);
  }
  return parseFstab(text, p);
}
