'use strict';
// Sizes as util-linux's ul_parse_size() reads them (each case checked against util-linux 2.42.2's
// mount -o offset=…: accepted values mount at that offset, refused ones fail to parse).
const test = require('./ava');
const { parseSize } = require('../../dist/options/size');

test('plain numbers: decimal, 0x hex, 0 octal (strtoumax base 0), leading blanks and +', (t) => {
  t.is(parseSize('1048576'), 1048576);
  t.is(parseSize('0x100000'), 1048576);
  t.is(parseSize('0X10'), 16);
  t.is(parseSize('01000'), 512);
  t.is(parseSize('0'), 0);
  t.is(parseSize(' 12'), 12);
  t.is(parseSize('+12'), 12);
});

test('suffixes: K M G … either case, iB = 1024, B = 1000', (t) => {
  t.is(parseSize('1M'), 1048576);
  t.is(parseSize('1m'), 1048576);
  t.is(parseSize('1MiB'), 1048576);
  t.is(parseSize('1KB'), 1000);
  t.is(parseSize('2kb'), 2000);
  t.is(parseSize('1G'), 1024 ** 3);
  t.is(parseSize('0x10K'), 16 * 1024);
});

test('fractions before a suffix, rounded digit by digit as util-linux does (its LOOP_CONFIGURE offsets)', (t) => {
  t.is(parseSize('1.5M'), 1572864);
  t.is(parseSize('0.25K'), 255, 'util-linux 2.42.2: lo_offset=0xff');
  t.is(parseSize('1.05K'), 1075, 'util-linux 2.42.2: lo_offset=0x433');
});

test('refused: blanks inside, negative, unknown or trailing suffix, bare fraction, empty, overflow', (t) => {
  for (const s of ['1 M', '-1', ' -1', '1x', '1MB2', '1.5', '', 'M', '0x', '08', '1KiBB', '99999999999999999999']) {
    t.is(parseSize(s), undefined, s);
  }
  t.is(parseSize('16E'), undefined, 'beyond 2^53 is refused rather than rounded');
});
