'use strict';
// Property tests for fstab parsing (src/tables/fstab.ts): formatFstabEntry → parseFstab round
// trip with every awkward character in the fields, arbitrary text never throws and accounts
// for every line, and agreement with a byte-level port of libmount's parser (oracles.js).
const test = require('ava');
const { decodeBytes, encodeBytes } = require('../../dist/sys/bytes');
const assert = require('assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fc, check, text, over, textWithout } = require('./helpers');
const { cParseFstab } = require('./oracles');
const { parseFstab, formatFstabEntry, readFstab } = require('../../dist/tables/fstab');

/** A field value: blanks, tabs, newlines, backslashes, '#', octal-looking text, any code point; no NUL. */
const fieldText = fc.oneof(
  over([' ', '\t', '\n', '\\', '#', '0', '4', '7', '\\040', '\\134', 'a', '/', 'é', '\r'], { maxLength: 12 }),
  textWithout(['\0'], { maxLength: 16 }),
);
// An empty field is written as \000 (unmangled to ""); options "" are written as "defaults".
const entry = fc.record({
  source: fieldText,
  target: fieldText,
  fstype: fieldText,
  options: fieldText,
  freq: fc.nat(2 ** 31 - 1),
  passno: fc.nat(2 ** 31 - 1),
});
const expected = (e) => ({ ...e, options: e.options === '' ? 'defaults' : e.options });
const row = (e) => ({ source: e.source, target: e.target, fstype: e.fstype, options: e.options, freq: e.freq, passno: e.passno });

test('formatFstabEntry then parseFstab gives the entry back', (t) => {
  check(t, fc.property(entry, (e) => {
    const line = formatFstabEntry(e);
    assert.ok(!line.includes('\n'), 'one line');
    const tab = parseFstab(`${line}\n`, 'f');
    assert.deepEqual(tab.errors, [], JSON.stringify(line));
    assert.equal(tab.entries.length, 1);
    assert.deepEqual(row(tab.entries[0]), expected(e), JSON.stringify(line));
  }));
});

const filler = fc.oneof(
  fc.constant(''),
  over([' ', '\t'], { maxLength: 3 }),
  over([' ', '\t'], { maxLength: 2 }).chain((b) => textWithout(['\n', '\0'], { maxLength: 20 }).map((c) => `${b}#${c}`)),
  fc.constant('\r'),
);

test('a file of formatted entries with comments, blank lines, CRLF and indentation in between', (t) => {
  check(t, fc.property(fc.array(fc.tuple(filler, entry, over([' ', '\t'], { maxLength: 2 }), fc.boolean()), { maxLength: 8 }),
    fc.boolean(), (parts, finalNewline) => {
      const lines = [];
      const want = [];
      for (const [fill, e, indent, crlf] of parts) {
        if (fill !== '' || lines.length % 2) lines.push(fill);
        lines.push(indent + formatFstabEntry(e) + (crlf ? '\r' : ''));
        want.push({ ...expected(e), line: lines.length });
      }
      const textIn = lines.join('\n') + (finalNewline && lines.length ? '\n' : '');
      const tab = parseFstab(textIn, 'f');
      assert.deepEqual(tab.errors, []);
      assert.deepEqual(tab.entries.map((x) => ({ ...row(x), line: x.line })), want);
    }));
});

const anyText = fc.oneof(
  text({ maxLength: 120 }),
  // lines built from fields and blanks, so that numeric fields and escapes get exercised
  fc.array(fc.tuple(over([' ', '\t'], { maxLength: 2 }),
    fc.array(fc.oneof(over(['a', '\\', '0', '4', '7', '#', '+', '-', '9', '\r', 'é'], { minLength: 1, maxLength: 5 }),
      fc.constantFrom('0', '1', '-1', '+2', '007', '99999999999', '\\040', '\\000', '\\377', '#x')), { maxLength: 8 }),
    over([' ', '\t', '  '], { minLength: 1, maxLength: 2 }), fc.constantFrom('\n', '\r\n', '\n\n')),
  { maxLength: 6 }).map((ls) => ls.map(([lead, fields, sep, end]) => lead + fields.join(sep) + end).join('')),
);

test('arbitrary text: parseFstab never throws and accounts for every line', (t) => {
  check(t, fc.property(anyText, (s) => {
    const tab = parseFstab(s, 'f');
    const lines = s.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const content = lines.map((l) => l.replace(/\r$/, '').replace(/^[ \t]+/, '')).filter((l) => l !== '' && l[0] !== '#').length;
    assert.equal(tab.entries.length + tab.errors.length, content);
    for (const e of tab.entries) {
      for (const k of ['source', 'target', 'fstype', 'options']) assert.equal(typeof e[k], 'string');
      assert.ok(Number.isFinite(e.freq) && Number.isFinite(e.passno));
      assert.ok(e.line >= 1 && e.line <= lines.length);
    }
    for (const e of tab.errors) assert.ok(e.line >= 1 && e.line <= lines.length && e.file === 'f');
  }));
});

/**
 * Where tsmount is known to read fstab differently from libmount (each has a failing test below
 * and a bad-input corpus case); the differential property checks that there is no other way.
 */
function knownDifference(s) {
  const lines = s.split('\n');
  const last = s.endsWith('\n') ? -1 : lines.length - 1;
  // NUL in a comment line (libmount: parse error) or in an unterminated last line (libmount: the line ends there)
  if (lines.some((l, i) => l.includes('\0') && (/^[ \t]*#/.test(l) || i === last))) return 'nul';
  // strtol() skips \v \f \r at the start of freq/passno (after the blanks); tsmount's number check does not
  if (lines.some((l) => l.replace(/^[ \t]+/, '').split(/[ \t]+/).slice(4, 6).some((f) => /^[\v\f\r]/.test(f)))) return 'strtol-space';
  return undefined;
}

test('parseFstab agrees with libmount (tab_parse.c on the UTF-8 bytes), apart from the known differences', (t) => {
  check(t, fc.property(anyText, (s) => {
    const theirs = cParseFstab(Buffer.from(s, 'utf8'));
    const ours = parseFstab(s, 'f');
    const a = {
      // Bytes that are not UTF-8 are kept as such on both sides (sys/bytes.ts).
      entries: theirs.entries.map((e) => [decodeBytes(e.source), decodeBytes(e.target), decodeBytes(e.fstype),
        e.options ? decodeBytes(e.options) : '', e.line]),
      errors: theirs.errors,
    };
    const b = { entries: ours.entries.map((e) => [e.source, e.target, e.fstype, e.options, e.line]), errors: ours.errors.map((e) => e.line) };
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    assert.ok(knownDifference(s), `${JSON.stringify(s)}\n libmount ${JSON.stringify(a)}\n tsmount  ${JSON.stringify(b)}`);
  }));
});

// Known differences (util-linux's behaviour expected; failing until fixed).
test.failing('known bug: a comment line holding a NUL byte is a parse error for libmount', (t) => {
  // tab_parse.c: strchr(buf, '\n') stops at the NUL, so the line "has no newline" → parse error.
  const tab = parseFstab('# note\0more\nsrc /mnt tmpfs defaults 0 0\n', 'f');
  t.deepEqual(tab.errors.map((e) => e.line), [1]);
  t.is(tab.entries.length, 1);
});

test('an escape that decodes to a non-UTF-8 byte keeps the byte', (t) => {
  // "\377" is byte 0xff: libmount passes it on as is, and so does tsmount (sys/bytes.ts).
  const tab = parseFstab('src /mnt/a\\377 tmpfs defaults 0 0\n', 'f');
  t.deepEqual(encodeBytes(tab.entries[0].target).subarray(-1), Buffer.from([0xff]));
  t.not(tab.entries[0].target, '/mnt/a\ufffd');
});

test('invalid UTF-8 in an fstab file is kept byte for byte', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsm-fuzz-'));
  try {
    const f = path.join(dir, 'fstab');
    fs.writeFileSync(f, Buffer.concat([Buffer.from('src /mnt/'), Buffer.from([0xc3, 0x28]), Buffer.from(' tmpfs defaults 0 0\n')]));
    const tab = readFstab(f, true);
    t.not(tab.entries[0].target, '/mnt/\ufffd(', 'the invalid sequence was replaced by U+FFFD');
    t.deepEqual(encodeBytes(tab.entries[0].target), Buffer.concat([Buffer.from('/mnt/'), Buffer.from([0xc3, 0x28])]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('known difference, not a bug: \\v before freq is skipped by strtol() only', (t) => {
  // libmount accepts "a b c d \v5" (strtol skips isspace after the blanks); tsmount reports a parse
  // error. Recorded so that a change shows up; no real fstab has a vertical tab there.
  const theirs = cParseFstab(Buffer.from('a b c d \v5\n'));
  const ours = parseFstab('a b c d \v5\n', 'f');
  t.deepEqual([theirs.entries.length, theirs.errors], [1, []]);
  t.deepEqual([ours.entries.length, ours.errors.map((e) => e.line)], [0, [1]]);
});
