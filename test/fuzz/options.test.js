'use strict';
// Property tests for the comma-separated option list (src/options/parse.ts): format → parse
// round trip, nothing but RequestError ever thrown, and agreement with util-linux's own splitter
// (lib/strutils.c ul_optstr_next(), ported in oracles.js).
const test = require('ava');
const assert = require('assert/strict');
const { fc, check, text, over, textWithout } = require('./helpers');
const { ulOptstrSplit } = require('./oracles');
const { parseOptions, formatOptions, optionValue, splitOptionString } = require('../../dist/options/parse');
const { resolveOptions } = require('../../dist/options/resolve');
const { RequestError } = require('../../dist/sys/error');

/** An option name: anything but ',', '"', '=' and '\' (which would start an escape), never empty. */
const name = fc.oneof(
  over(['a', 'b', 'x', '-', '.', '_', '9', 'é', ' ', '\t', '😀'], { minLength: 1, maxLength: 8 }),
  textWithout([',', '"', '=', '\\'], { maxLength: 10 }).filter((s) => s.length > 0),
);

/** The value the filesystem should receive: anything, but not ending in '\' (it would escape the next separator). */
const value = fc.oneof(
  over(['a', ',', '"', '\\', '=', ' ', 'é', '1'], { maxLength: 10 }),
  text({ maxLength: 12 }),
).filter((v) => !v.endsWith('\\'));

/** Write a value as an option string carries it: ',' and '"' escaped, optionally in quotes. */
const encode = (v, quoted) => {
  const e = v.replace(/[,"]/g, (c) => `\\${c}`);
  return quoted ? `"${e}"` : e;
};

const item = fc.oneof(
  name.map((n) => ({ item: { name: n }, value: undefined })),
  fc.tuple(name, value, fc.boolean()).map(([n, v, q]) => ({ item: { name: n, raw: encode(v, q) }, value: v })),
  // commas left bare inside quotes (no backslashes: a '\' before a quoted ',' would still escape it)
  fc.tuple(name, value.filter((v) => !v.includes('\\'))).map(([n, v]) => ({
    item: { name: n, raw: `"${v.replace(/"/g, '\\"')}"` }, value: v,
  })),
);

test('format then parse gives the same items and values back', (t) => {
  check(t, fc.property(fc.array(item, { maxLength: 8 }), (list) => {
    const items = list.map((x) => x.item);
    const s = formatOptions(items);
    const parsed = parseOptions(s);
    assert.deepEqual(parsed, items.map((it) => (it.raw === undefined ? { name: it.name } : it)), `string ${JSON.stringify(s)}`);
    assert.deepEqual(parsed.map(optionValue), list.map((x) => x.value));
  }));
});

test('empty items and extra commas are skipped', (t) => {
  check(t, fc.property(fc.array(item, { maxLength: 6 }), fc.array(fc.nat(3), { minLength: 7, maxLength: 7 }), (list, gaps) => {
    const items = list.map((x) => x.item);
    const s = items.map((it, i) => ','.repeat(gaps[i % gaps.length]) + (it.raw === undefined ? it.name : `${it.name}=${it.raw}`))
      .join(',') + ','.repeat(gaps[6]);
    assert.deepEqual(parseOptions(s), items.map((it) => (it.raw === undefined ? { name: it.name } : it)));
  }));
});

const anyOptionString = fc.oneof(text({ maxLength: 40 }), over(['a', '=', ',', '"', '\\', ' ', 'b'], { maxLength: 16 }));

test('arbitrary strings: parseOptions and resolveOptions throw nothing but RequestError', (t) => {
  check(t, fc.property(anyOptionString, (s) => {
    let items;
    try {
      items = parseOptions(s);
    } catch (e) {
      assert.ok(e instanceof RequestError, `parseOptions(${JSON.stringify(s)}) threw ${e && e.stack}`);
      assert.deepEqual(e.problem, { code: 'unsupported-option-format', options: s });
      return;
    }
    for (const it of items) {
      assert.ok(it.name.length > 0 && !it.name.startsWith('='), JSON.stringify(it));
      assert.equal(typeof optionValue(it), it.raw === undefined ? 'undefined' : 'string');
    }
    try {
      resolveOptions(items);
    } catch (e) {
      assert.ok(e instanceof RequestError, `resolveOptions(${JSON.stringify(items)}) threw ${e && e.stack}`);
    }
  }));
});

/**
 * The two ways tsmount's splitter is known to differ from ul_optstr_next() (each has a failing
 * test below); the differential property checks that no third way exists.
 */
function knownDifference(s, ours, theirs) {
  // (1) an item starting with '=' that holds an unterminated quote: util-linux rejects the
  //     string ("unsupported option format"), tsmount drops the item silently.
  if (theirs.error && !ours.error) return 'eq-item-with-open-quote';
  // (2) an escaped quote (\") before the first '=' of an item: util-linux does not count it as
  //     a quote, tsmount does, so the name/value split differs.
  if (!theirs.error && !ours.error && s.includes('\\"')
    && JSON.stringify(theirs.map((i) => (i.raw === undefined ? i.name : `${i.name}=${i.raw}`)))
      === JSON.stringify(ours.map((i) => (i.raw === undefined ? i.name : `${i.name}=${i.raw}`)))) return 'escaped-quote-in-name';
  return undefined;
}

test('the split agrees with util-linux ul_optstr_next() (apart from the known differences)', (t) => {
  check(t, fc.property(anyOptionString, (s) => {
    const theirs = ulOptstrSplit(s);
    let ours;
    try {
      ours = parseOptions(s).map((i) => (i.raw === undefined ? { name: i.name } : i));
    } catch (e) {
      ours = { error: 'EINVAL' };
    }
    if (JSON.stringify(ours) === JSON.stringify(theirs)) return;
    assert.ok(knownDifference(s, ours, theirs), `${JSON.stringify(s)}: util-linux ${JSON.stringify(theirs)}, tsmount ${JSON.stringify(ours)}`);
  }));
});

// Known differences, as examples (util-linux's behaviour expected; they fail until fixed).
test('an item starting with "=" is rejected even when it holds an unterminated quote', (t) => {
  // util-linux: mount -o '=x"' → "mount: unsupported option format: =x"" (ul_optstr_next sees the
  // '=' before it looks at quotes). tsmount drops the unterminated item first and accepts the string.
  t.deepEqual(t.throws(() => parseOptions('=x"'), { instanceOf: RequestError }).problem, { code: 'unsupported-option-format', options: '=x"' });
  t.throws(() => parseOptions('size=1m,="'), { instanceOf: RequestError });
});

test.failing('known bug: an escaped quote in a name does not hide the name/value separator', (t) => {
  // ul_optstr_next(): '"' preceded by '\' does not toggle quoting, so `a\"b=1` is name `a\"b`, value `1`.
  t.deepEqual(parseOptions('a\\"b=1'), [{ name: 'a\\"b', raw: '1' }]);
});

test('splitOptionString keeps every byte of the items it returns', (t) => {
  check(t, fc.property(anyOptionString, (s) => {
    for (const it of splitOptionString(s)) assert.ok(s.includes(it), JSON.stringify(it));
  }));
});
