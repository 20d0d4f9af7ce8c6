'use strict';
// Paths are bytes: strings that round-trip to exactly the bytes they came from (sys/bytes.ts).
const test = require('./ava');
const { decodeBytes, encodeBytes, osPath, cString, printable, hasEscapedBytes } = require('../../dist/sys/bytes');

test('valid UTF-8 decodes as UTF-8 and encodes back unchanged', (t) => {
  for (const s of ['', '/mnt/a b', '/mnt/café', '/mnt/😀', '/mnt/\uFFFD']) {
    const b = Buffer.from(s, 'utf8');
    t.is(decodeBytes(b), s);
    t.deepEqual(encodeBytes(s), b);
    t.false(hasEscapedBytes(s));
    t.is(osPath(s), s, 'plain text stays a string');
  }
});

test('bytes that are not UTF-8 round-trip exactly, and differ from U+FFFD', (t) => {
  const cases = [
    [0x2f, 0x62, 0x61, 0x64, 0xff],
    [0x63, 0x61, 0x66, 0xe9], // Latin-1 é
    [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0x80], [0x80, 0x41, 0xfe, 0xc3, 0xa9],
  ];
  for (const bytes of cases) {
    const b = Buffer.from(bytes);
    const s = decodeBytes(b);
    t.true(hasEscapedBytes(s));
    t.deepEqual(encodeBytes(s), b);
    t.deepEqual(osPath(s), b);
    t.deepEqual(cString(s), Buffer.concat([b, Buffer.of(0)]), 'C strings end in NUL');
    t.not(s, b.toString('utf8'));
  }
  t.is(decodeBytes(Buffer.from([0x61, 0xc3, 0xa9, 0xff])), 'a\u00e9\udcff', 'valid parts stay text');
  t.is(printable(decodeBytes(Buffer.from([0x2f, 0x78, 0xff]))), '/x\\xff');
});

test('decodeBytes of a slice', (t) => {
  t.is(decodeBytes(Buffer.from('xx/a\xffyy', 'latin1'), 2, 5), '/a\udcff');
});

test('a real surrogate pair is a character, not escaped bytes', (t) => {
  // U+1F600 and U+1F4C1: the second halves are U+DE00 and U+DCC1, the latter inside U+DC80–U+DCFF.
  for (const s of ['/\ud83d\ude00', '/mnt/\ud83d\udcc1']) {
    t.deepEqual(encodeBytes(s), Buffer.from(s, 'utf8'));
    t.false(hasEscapedBytes(s), s);
    t.is(osPath(s), s);
    t.is(printable(s), s);
  }
});
