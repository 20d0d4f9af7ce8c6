'use strict';
// Property tests for the \ooo escapes (src/tables/escape.ts) against util-linux lib/mangle.c
// (ported in oracles.js): mangle/unmangle round trip and byte-for-byte agreement.
const test = require('ava');
const { encodeBytes } = require('../../dist/sys/bytes');
const assert = require('assert/strict');
const { fc, check, text, over, textWithout } = require('./helpers');
const { cMangle, cUnmangle } = require('./oracles');
const { mangle, unmangle } = require('../../dist/tables/escape');

const noNul = fc.oneof(textWithout(['\0'], { maxLength: 40 }),
  over([' ', '\t', '\n', '\\', '#', '0', '7', '\\040', '\\\\', 'é', 'a'], { maxLength: 16 }));

test('unmangle(mangle(s)) === s (no NUL: a C string ends there)', (t) => {
  check(t, fc.property(noNul, (s) => {
    assert.equal(unmangle(mangle(s)), s);
    assert.equal(unmangle(mangle(s, '#')), s);
  }));
});

test('mangle leaves no blank, newline or lone backslash behind', (t) => {
  check(t, fc.property(text({ maxLength: 40 }), (s) => {
    const m = mangle(s, '#');
    assert.ok(!/[ \t\n#]/.test(m), JSON.stringify(m));
    assert.ok(!/\\(?![0-7]{3})/.test(m), JSON.stringify(m));
  }));
});

test('mangle agrees byte for byte with lib/mangle.c mangle()', (t) => {
  check(t, fc.property(noNul, (s) => {
    assert.deepEqual(Buffer.from(mangle(s), 'utf8'), cMangle(Buffer.from(s, 'utf8')));
  }));
});

const escaped = fc.oneof(textWithout(['\0'], { maxLength: 40 }), // a C string has no NUL inside
  fc.array(fc.oneof(over(['a', 'é', ' ', '\\'], { minLength: 1, maxLength: 3 }),
    fc.tuple(fc.constantFrom('\\'), over(['0', '1', '3', '4', '7', '8'], { minLength: 1, maxLength: 4 })).map(([b, d]) => b + d)),
  { maxLength: 8 }).map((p) => p.join('')));

test('unmangle agrees with lib/mangle.c unmangle() when the result is UTF-8 text', (t) => {
  check(t, fc.property(escaped, (s) => {
    const theirs = cUnmangle(Buffer.from(s, 'utf8'));
    const ours = unmangle(s);
    assert.equal(typeof ours, 'string');
    // bytes >= 0x80 decoded from escapes may not be UTF-8: they are kept (as U+DC80+byte, sys/bytes.ts)
    assert.deepEqual(encodeBytes(ours), theirs, JSON.stringify(s));
  }));
});

test('unmangle never throws, whatever the string (lone surrogates included)', (t) => {
  check(t, fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: fc.constantFrom('\\', '0', '7', '\ud800', '\udc00', 'a'), maxLength: 20 })),
    (s) => { assert.equal(typeof unmangle(s), 'string'); }));
});

test('\\377 unmangles to the byte 0xff, not to U+FFFD', (t) => {
  // lib/mangle.c gives the single byte 0xff (a valid path byte on Linux): the string keeps it
  // (sys/bytes.ts), so the path still names the same file.
  t.not(unmangle('/mnt/\\377'), '/mnt/\ufffd');
  t.deepEqual(encodeBytes(unmangle('/mnt/\\377')), Buffer.from([0x2f, 0x6d, 0x6e, 0x74, 0x2f, 0xff]));
});
