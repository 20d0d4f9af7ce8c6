'use strict';
// Reference models ported line by line from util-linux v2.42.2, used as oracles by the
// property tests: lib/strutils.c ul_optstr_next() (comma lists), lib/mangle.c mangle() and
// unmangle(), libmount/src/tab_parse.c mnt_parse_table_line() / mnt_table_parse_next() (fstab,
// on bytes, as C sees them).

/** ul_optstr_next() over a whole string: [{name, raw}] or {error: 'EINVAL'}. */
function ulOptstrSplit(str) {
  const out = [];
  let pos = 0;
  const n = str.length;
  for (;;) {
    let optstr0 = pos;
    while (optstr0 < n && str[optstr0] === ',') optstr0++;
    let openQuote = false;
    let start = -1;
    let stop = -1;
    let sep = -1;
    let found = false;
    for (let p = optstr0; p < n; p++) {
      if (start < 0 && str[p] === '=') return { error: 'EINVAL' };
      if (start < 0) start = p;
      if (str[p] === '"' && (p === optstr0 || str[p - 1] !== '\\')) openQuote = !openQuote;
      if (openQuote) continue;
      if (sep < 0 && p > start && str[p] === '=') sep = p;
      if (str[p] === ',' && (p === optstr0 || str[p - 1] !== '\\')) stop = p;
      else if (p + 1 === n) stop = p + 1;
      if (start < 0 || stop < 0) continue;
      if (stop <= start) return { error: 'EINVAL' };
      out.push(sep >= 0 ? { name: str.slice(start, sep), raw: str.slice(sep + 1, stop) } : { name: str.slice(start, stop) });
      pos = stop < n ? stop + 1 : stop;
      found = true;
      break;
    }
    if (!found) return out;
  }
}

const isOctByte = (b) => b !== undefined && (b & ~7) === 0x30;

/** lib/mangle.c unmangle_to_buffer() on the bytes of one field (a C string: stops at NUL). */
function cUnmangle(bytes) {
  const out = [];
  const len = bytes.length + 1;
  let sz = 0;
  let i = 0;
  while (i < bytes.length && bytes[i] !== 0 && sz < len - 1) {
    if (bytes[i] === 0x5c && sz + 3 < len - 1 && isOctByte(bytes[i + 1]) && isOctByte(bytes[i + 2]) && isOctByte(bytes[i + 3])) {
      out.push((64 * (bytes[i + 1] & 7) + 8 * (bytes[i + 2] & 7) + (bytes[i + 3] & 7)) & 0xff);
      i += 4;
      sz += 4;
    } else {
      out.push(bytes[i++]);
      sz++;
    }
  }
  const nul = out.indexOf(0);
  return Buffer.from(nul >= 0 ? out.slice(0, nul) : out);
}

/** lib/mangle.c mangle(): space, tab, newline and backslash as \ooo. */
function cMangle(bytes) {
  const out = [];
  for (const b of bytes) {
    if (b === 0) break;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x5c) out.push(0x5c, 0x30 + ((b & 0o300) >> 6), 0x30 + ((b & 0o70) >> 3), 0x30 + (b & 7));
    else out.push(b);
  }
  return Buffer.from(out);
}

const isBlank = (b) => b === 0x20 || b === 0x09;

/** strtol(s, &end, 10) as next_s32() uses it: {end, ok} (ok: digits consumed, end at blank or NUL, no overflow). */
function nextS32(buf, i) {
  let p = i;
  while (p < buf.length && (buf[p] === 0x20 || (buf[p] >= 0x09 && buf[p] <= 0x0d))) p++; // strtol skips isspace
  if (p < buf.length && (buf[p] === 0x2b || buf[p] === 0x2d)) p++;
  const d0 = p;
  while (p < buf.length && buf[p] >= 0x30 && buf[p] <= 0x39) p++;
  if (p === d0) return { end: i, ok: false };
  const digits = buf.subarray(d0, p).toString('latin1').replace(/^0+/, '');
  const overflow = digits.length > 19 || (digits.length === 19 && digits > '9223372036854775807');
  const endOk = p >= buf.length || buf[p] === 0x20 || buf[p] === 0x09 || buf[p] === 0;
  const raw = Number(buf.subarray(i, p).toString('latin1').trim());
  return { end: p, ok: !overflow && endOk, value: raw };
}

/** One field: unmangle(s, &s): the bytes up to the next blank; null when empty. */
function field(buf, i) {
  let e = i;
  while (e < buf.length && buf[e] !== 0 && !isBlank(buf[e])) e++;
  if (e === i) return { value: null, end: e };
  return { value: cUnmangle(buf.subarray(i, e)), end: e };
}

function skipSep(buf, i) {
  while (i < buf.length && isBlank(buf[i])) i++;
  return i;
}

/** mnt_parse_table_line() on one line (bytes, no newline): entry or null. Fields are Buffers. */
function cParseFstabLine(buf) {
  let s = 0;
  const src = field(buf, s);
  if (!src.value) return null;
  s = skipSep(buf, src.end);
  const tgt = field(buf, s);
  if (!tgt.value) return null;
  s = skipSep(buf, tgt.end);
  const type = field(buf, s);
  if (!type.value) return null;
  s = skipSep(buf, type.end);
  const opts = field(buf, s);
  const e = { source: src.value, target: tgt.value, fstype: type.value, options: opts.value, freq: 0, passno: 0 };
  if (!opts.value) return e;
  s = skipSep(buf, opts.end);
  if (s >= buf.length || buf[s] === 0) return e;
  let r = nextS32(buf, s);
  if (!r.ok && r.end < buf.length && buf[r.end] !== 0) return null;
  if (r.ok) e.freq = r.value;
  s = skipSep(buf, r.end);
  if (s >= buf.length || buf[s] === 0) return e;
  r = nextS32(buf, s);
  if (!r.ok && r.end < buf.length && buf[r.end] !== 0) return null;
  if (r.ok) e.passno = r.value;
  return e;
}

/**
 * mnt_table_parse_stream() for an fstab file (bytes): {entries, errors (line numbers)}.
 * A line holding a NUL byte has no newline as strchr() sees it: a parse error, unless it is the
 * last line of the file (then it ends at the NUL).
 */
function cParseFstab(bytes) {
  const entries = [];
  const errors = [];
  let pos = 0;
  let line = 0;
  while (pos < bytes.length) {
    let nl = bytes.indexOf(0x0a, pos);
    const eof = nl < 0;
    if (eof) nl = bytes.length;
    line++;
    let l = bytes.subarray(pos, nl);
    pos = nl + 1;
    const nul = l.indexOf(0);
    if (nul >= 0) {
      if (!eof) {
        errors.push(line);
        continue;
      }
      l = l.subarray(0, nul);
    }
    if (l.length && l[l.length - 1] === 0x0d) l = l.subarray(0, l.length - 1);
    let s = 0;
    while (s < l.length && isBlank(l[s])) s++;
    if (s >= l.length || l[s] === 0x23) continue;
    const e = cParseFstabLine(l.subarray(s));
    if (e) entries.push({ ...e, line });
    else errors.push(line);
  }
  return { entries, errors };
}

module.exports = { ulOptstrSplit, cUnmangle, cMangle, cParseFstab, cParseFstabLine };
