// The classic listing (`mount`, `mount -t TYPES`) made from mountinfo's bytes, without strings.
//
// A listing of 50,000 mounts spent ~2 µs per line in JavaScript when each line became strings
// (decoded, sliced into fields, unescaped, joined, encoded again) and ~40 ms more in the garbage
// collector. Most lines need none of that: their fields are copied as they are, "rw"/"ro" merged
// at the front of the options. Those lines are made here byte by byte into one output buffer;
// every other line (an escaped byte anywhere, a loop device's source, an autofs mount, options
// that are not the kernel's plain "rw,…"/"ro,…", a mount utab may give options, -l) is made by
// lib/list.ts's Listing from its text, so that there is one definition of what a line shows.
// Paths stay the bytes they are: nothing is decoded on the fast path.
import { Listing, listedLine } from './list';
import { UtabEntry } from '../tables/utab';
import { decodeBytes, encodeBytes } from '../sys/bytes';

const SPACE = 32;
const NEWLINE = 10;
const BACKSLASH = 92;
const COMMA = 44;
const DASH = 45;
const QUESTION = 63;
const ON = Buffer.from(' on ');
const TYPE = Buffer.from(' type ');
const OPEN = Buffer.from(' (');
const AUTOFS = Buffer.from('autofs');
const DEV_LOOP = Buffer.from('/dev/loop');

/** Output bytes handed to the sink at a time (a line longer than this gets a buffer of its own size). */
const OUT_CHUNK = 64 * 1024;

/**
 * Lines of mountinfo (whole lines, as bytes) → the listing's lines (bytes), handed to `sink` in
 * chunks; the bytes handed over are valid until the sink returns.
 */
export class ByteListing {
  private readonly lines: Listing;
  private readonly typed: boolean;
  private readonly anyLabels: boolean;
  /** -t decisions by type name: a table has a handful of types, so each is matched once. */
  private readonly skipType = new Map<string, boolean>();
  private out = Buffer.allocUnsafe(OUT_CHUNK);
  private o = 0;

  constructor(utab: UtabEntry[], types: string | undefined, labels: ((source: string) => string | undefined) | undefined,
    private readonly sink: (bytes: Buffer) => void) {
    this.lines = new Listing(utab, types, labels);
    this.typed = types !== undefined;
    this.anyLabels = labels !== undefined;
  }

  /** Mountinfo text whole (a small table, read at once). */
  addText(text: string): void {
    this.add(encodeBytes(text.endsWith('\n') || text === '' ? text : `${text}\n`));
  }

  /** Whole lines of mountinfo (a last line may lack its newline). */
  add(b: Buffer): void {
    const n = b.length;
    let i = 0;
    while (i < n) {
      const start = i;
      // One pass over the line: its end, its first six spaces, whether it holds an escape.
      let s1 = -1, s4 = -1, s5 = -1, s6 = -1;
      let spaces = 0;
      let escaped = false;
      let end = i;
      for (; end < n; end++) {
        const c = b[end];
        if (c === NEWLINE) break;
        if (c === SPACE) {
          spaces++;
          if (spaces === 1) s1 = end;
          else if (spaces === 4) s4 = end;
          else if (spaces === 5) s5 = end;
          else if (spaces === 6) s6 = end;
        } else if (c === BACKSLASH) {
          escaped = true;
        }
      }
      i = end + 1;
      if (escaped || this.anyLabels || s5 < 0) {
        this.slow(b, start, end);
        continue;
      }
      // The separator " - " (no optional field is "-"), then fstype, source and fs options. Searched
      // from the fifth space as the text path searches: a line without mount options has it there.
      let sep = -1;
      for (let k = s5; k + 2 < end; k++) {
        if (b[k] === SPACE && b[k + 1] === DASH && b[k + 2] === SPACE) {
          sep = k;
          break;
        }
      }
      if (sep < 0) continue; // not a mountinfo line: left out, as the text path leaves it
      const f1 = sep + 3;
      const f2 = b.indexOf(SPACE, f1);
      if (f2 < 0 || f2 >= end) continue;
      let f3 = b.indexOf(SPACE, f2 + 1);
      if (f3 >= end) f3 = -1;
      if (f3 < 0 || equals(b, f1, f2, AUTOFS) || startsWith(b, f2 + 1, f3, DEV_LOOP)) {
        this.slow(b, start, end);
        continue;
      }
      if (this.typed && this.skips(b, f1, f2)) continue;
      const vfsEnd = s6 < 0 || s6 > sep ? sep : s6;
      const id = idOf(b, start, s1);
      if (id < 0 || !plainRwRo(b, s5 + 1, vfsEnd) || !plainRwRo(b, f3 + 1, end) || this.lines.mayHaveUserOptions(id)) {
        this.slow(b, start, end);
        continue;
      }
      // source " on " target " type " fstype " (" rw|ro vfs[2:] fs[2:] ")\n"
      this.room(end - start + 16);
      const out = this.out;
      let o = copyShown(b, f2 + 1, f3, out, this.o);
      o = copy(ON, 0, ON.length, out, o);
      o = copyShown(b, s4 + 1, s5, out, o);
      o = copy(TYPE, 0, TYPE.length, out, o);
      o = copy(b, f1, f2, out, o);
      o = copy(OPEN, 0, OPEN.length, out, o);
      out[o++] = 114; // 'r'
      out[o++] = b[s5 + 2] === 111 || b[f3 + 2] === 111 ? 111 : 119; // 'o' if either is read-only, else 'w'
      o = copy(b, s5 + 3, vfsEnd, out, o);
      o = copy(b, f3 + 3, end, out, o);
      out[o++] = 41; // ')'
      out[o++] = NEWLINE;
      this.o = o;
    }
  }

  /** Hand over what is left. */
  finish(): void {
    if (this.o > 0) this.sink(this.out.subarray(0, this.o));
    this.o = 0;
  }

  /** A line the fast path does not make: Listing makes it from its text. */
  private slow(b: Buffer, start: number, end: number): void {
    const line = listedLine(decodeBytes(b, start, end), this.lines);
    if (line === undefined) return;
    const bytes = encodeBytes(line);
    this.room(bytes.length + 1);
    this.o += bytes.copy(this.out, this.o);
    this.out[this.o++] = NEWLINE;
  }

  private skips(b: Buffer, from: number, to: number): boolean {
    const type = b.toString('latin1', from, to);
    let skip = this.skipType.get(type);
    if (skip === undefined) {
      // A type with bytes beyond ASCII is matched as the text path decodes it.
      skip = this.lines.skips(decodeBytes(b, from, to));
      this.skipType.set(type, skip);
    }
    return skip;
  }

  /** Room for `bytes` more: the chunk so far is handed over first when it would not fit. */
  private room(bytes: number): void {
    if (this.o + bytes <= this.out.length) return;
    this.finish();
    if (bytes > this.out.length) this.out = Buffer.allocUnsafe(Math.max(bytes, OUT_CHUNK));
  }
}

/** Are bytes [from, to) those of `word`? */
function equals(b: Buffer, from: number, to: number, word: Buffer): boolean {
  return to - from === word.length && startsWith(b, from, to, word);
}

/** Do bytes [from, to) start with those of `word`? */
function startsWith(b: Buffer, from: number, to: number, word: Buffer): boolean {
  if (to - from < word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[from + k] !== word[k]) return false;
  return true;
}

/**
 * Options as the kernel writes them: "rw" or "ro" first (alone or before a comma) and no other
 * item "rw" or "ro" after it; lib/tables/mountinfo.ts mergedOptions then merges by slices.
 */
function plainRwRo(b: Buffer, from: number, to: number): boolean {
  if (to - from < 2 || b[from] !== 114 || (b[from + 1] !== 119 && b[from + 1] !== 111)) return false;
  if (to - from > 2 && b[from + 2] !== COMMA) return false;
  for (let k = from + 2; k < to; k++) {
    // an item that is exactly "rw" or "ro"
    if (b[k] === COMMA && k + 2 < to && b[k + 1] === 114 && (b[k + 2] === 119 || b[k + 2] === 111) && (k + 3 === to || b[k + 3] === COMMA)) return false;
  }
  return true;
}

/** The mount ID at the start of a line; -1 when it is not plain decimal digits (the text path reads it then). */
function idOf(b: Buffer, from: number, to: number): number {
  // More than 15 digits could round otherwise than Number() does: the text path reads those.
  if (to <= from || to - from > 15) return -1;
  let id = 0;
  for (let k = from; k < to; k++) {
    const d = b[k] - 48;
    if (d < 0 || d > 9) return -1;
    id = id * 10 + d;
  }
  return id;
}

/**
 * Copy bytes [from, to) to `out` at `o`; the new end. A loop: Buffer#copy costs more than these
 * few bytes (it makes a view of the source each time in Node 20).
 */
function copy(b: Uint8Array, from: number, to: number, out: Uint8Array, o: number): number {
  for (let k = from; k < to; k++) out[o++] = b[k];
  return o;
}

/** Copy a path, a control character shown as '?' (as mount(8) shows it); the new end. */
function copyShown(b: Buffer, from: number, to: number, out: Buffer, o: number): number {
  for (let k = from; k < to; k++) {
    const c = b[k];
    out[o++] = c < 32 || c === 127 ? QUESTION : c;
  }
  return o;
}
