'use strict';
// Property tests for /run/mount/utab lines (src/tables/utab.ts): formatUtabEntry → parseUtab
// round trip, and arbitrary text never throws. libmount's reader (tab_parse.c
// mnt_parse_utab_line()) splits on ' ' only and strips nothing but one '\r' before the newline
// and leading blanks; values are \ooo-unmangled.
const test = require('ava');
const assert = require('assert/strict');
const { fc, check, text, over, textWithout } = require('./helpers');
const { parseUtab, formatUtabEntry } = require('../../dist/tables/utab');

const value = fc.oneof(
  over(['/', 'a', ' ', '\t', '\n', '\\', '=', ',', '#', 'x-a=1', 'é'], { maxLength: 10 }),
  textWithout(['\0'], { maxLength: 14 }),
);
/** The value written last on the line (formatUtabEntry order, util-linux master's: ID UNIQID SRC TARGET ROOT BINDSRC ATTRS OPTS). */
const lastValue = (e) => (e.options ? e.options : e.attrs ? e.attrs : e.bindSource ?? e.root ?? e.target ?? e.source);

const entry = fc.record({
  id: fc.nat(2 ** 31 - 1),
  source: value,
  target: value,
  root: value,
  bindSource: value,
  options: value.filter((v) => v !== ''),
  attrs: value.filter((v) => v !== ''),
}, { requiredKeys: ['id'] }).map((e) => ({ ...e }));

/** Unicode white space that String.prototype.trim() removes but libmount keeps (not \r: libmount strips one too). */
const TRIMMED = /[\v\f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]$/;

test('formatUtabEntry then parseUtab gives the entry back', (t) => {
  // Not generated: a last value ending in '\r' (libmount strips it with the line end too: the
  // format cannot carry it) or in Unicode white space (tsmount's known bug, failing test below).
  const ok = (e) => { const v = lastValue(e); return v === undefined || (!v.endsWith('\r') && !TRIMMED.test(v)); };
  check(t, fc.property(fc.array(entry.filter(ok), { maxLength: 5 }), (entries) => {
    const textIn = entries.map((e) => `${formatUtabEntry(e)}\n`).join('');
    assert.deepEqual(parseUtab(textIn), entries, JSON.stringify(textIn));
  }));
});

test('arbitrary text: parseUtab never throws', (t) => {
  check(t, fc.property(fc.oneof(text({ maxLength: 160 }),
    fc.array(fc.oneof(entry.map(formatUtabEntry), text({ maxLength: 40 }), over(['ID=', 'SRC=', 'TARGET=', 'OPTS=', ' ', 'x', '1', '\\040', '#'], { maxLength: 8 })),
      { maxLength: 5 }).map((l) => l.join('\n'))), (s) => {
    for (const e of parseUtab(s)) {
      assert.ok(e.target !== undefined || e.id !== undefined);
      for (const k of ['source', 'target', 'root', 'bindSource', 'options', 'attrs']) assert.ok(e[k] === undefined || typeof e[k] === 'string');
    }
  }));
});

test('a value ending in Unicode white space survives the round trip', (t) => {
  // libmount keeps "x-a=1\u00a0" (it strips only one '\r' and leading blanks); parseUtab() trims
  // the whole line with String.prototype.trim(), which also eats \v, \f, U+00A0, U+2028 …
  const e = { id: 7, target: '/mnt/x', options: 'x-a=1\u00a0' };
  t.deepEqual(parseUtab(`${formatUtabEntry(e)}\n`), [e]);
  const v = { id: 8, target: '/mnt/y\v' };
  t.deepEqual(parseUtab(`${formatUtabEntry(v)}\n`), [v]);
});
