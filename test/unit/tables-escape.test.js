'use strict';
// \ooo mangling as in util-linux lib/mangle.c (fstab, mountinfo, utab).
const test = require('./ava');
const { mangle, unmangle } = require('../../dist/tables/escape');

test('unmangle decodes the four usual escapes', (t) => {
  t.is(unmangle('/mnt/a\\040b'), '/mnt/a b');
  t.is(unmangle('tab\\011x'), 'tab\tx');
  t.is(unmangle('nl\\012x'), 'nl\nx');
  t.is(unmangle('back\\134slash'), 'back\\slash');
});

test('unmangle decodes any three-digit octal escape, several per string, at both ends', (t) => {
  t.is(unmangle('\\043hash'), '#hash');
  t.is(unmangle('a\\054b\\054c'), 'a,b,c');
  t.is(unmangle('\\040lead and trail\\040'), ' lead and trail ');
  t.is(unmangle('\\101\\102\\103'), 'ABC');
});

test('unmangle leaves incomplete or non-octal escapes alone', (t) => {
  t.is(unmangle('a\\04'), 'a\\04');
  t.is(unmangle('a\\089'), 'a\\089');
  t.is(unmangle('a\\x20'), 'a\\x20');
  t.is(unmangle('trailing\\'), 'trailing\\');
  t.is(unmangle('\\\\040'), '\\ ', 'the first backslash is literal, the second starts an escape');
});

test('unmangle returns strings without backslashes unchanged', (t) => {
  const s = '/plain/path';
  t.is(unmangle(s), s);
  t.is(unmangle(''), '');
});

test('a decoded NUL ends the string, as in C', (t) => {
  t.is(unmangle('\\000'), '');
  t.is(unmangle('/dev/x\\000junk'), '/dev/x');
});

test('unmangle produces UTF-8 from escaped bytes', (t) => {
  // "é" is C3 A9 in UTF-8
  t.is(unmangle('caf\\303\\251'), 'café');
  t.is(unmangle('café\\040x'), 'café x', 'non-ASCII text around an escape survives');
});

test('mangle escapes space, tab, newline and backslash only', (t) => {
  t.is(mangle('a b\tc\nd\\e'), 'a\\040b\\011c\\012d\\134e');
  t.is(mangle('#,=:é'), '#,=:é');
  t.is(mangle(''), '');
});

test('mangle escapes extra characters on request', (t) => {
  t.is(mangle('#x #', '#'), '\\043x\\040\\043');
});

test('mangle and unmangle round-trip', (t) => {
  for (const s of ['plain', 'with space', ' lead', 'trail ', 'tab\there', 'new\nline', 'back\\slash', '\\040 literal',
    'mixed \t\n\\ all', 'unicode ü ✓']) {
    t.is(unmangle(mangle(s)), s, JSON.stringify(s));
    t.is(unmangle(mangle(s, '#')), s);
  }
});
