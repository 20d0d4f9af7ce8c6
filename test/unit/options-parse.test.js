'use strict';
// The comma-list parser (util-linux lib/strutils.c ul_optstr_next()).
const test = require('./ava');
const { parseOptions, splitOptionString, optionValue, formatItem, formatOptions } = require('../../dist/options/parse');
const { RequestError } = require('../../dist/sys/error');

test('plain names and name=value items', (t) => {
  t.deepEqual(parseOptions('ro,nosuid,size=10m'), [
    { name: 'ro' }, { name: 'nosuid' }, { name: 'size', raw: '10m' },
  ]);
});

test('an empty value is kept as an empty string, distinct from no value', (t) => {
  const [a, b] = parseOptions('foo=,bar');
  t.deepEqual(a, { name: 'foo', raw: '' });
  t.is(optionValue(a), '');
  t.deepEqual(b, { name: 'bar' });
  t.is(optionValue(b), undefined);
});

test('only the first "=" separates name and value', (t) => {
  t.deepEqual(parseOptions('a=b=c'), [{ name: 'a', raw: 'b=c' }]);
});

test('empty items, leading and trailing commas are skipped', (t) => {
  t.deepEqual(splitOptionString(',,ro,,,nodev,'), ['ro', 'nodev']);
  t.deepEqual(splitOptionString(''), []);
  t.deepEqual(splitOptionString(',,,'), []);
  t.deepEqual(parseOptions(',a,,b,'), [{ name: 'a' }, { name: 'b' }]);
});

test('case is kept', (t) => {
  t.deepEqual(parseOptions('RO,Size=1M'), [{ name: 'RO' }, { name: 'Size', raw: '1M' }]);
});

test('commas inside double quotes belong to the value; quotes kept in raw, dropped by optionValue', (t) => {
  const items = parseOptions('context="system_u:object_r:tmp_t:s0:c127,c456",noexec');
  t.is(items.length, 2);
  t.deepEqual(items[0], { name: 'context', raw: '"system_u:object_r:tmp_t:s0:c127,c456"' });
  t.is(optionValue(items[0]), 'system_u:object_r:tmp_t:s0:c127,c456');
  t.deepEqual(items[1], { name: 'noexec' });
});

test('a quoted "=" does not split name from value', (t) => {
  const [it] = parseOptions('"a=b"');
  t.is(it.name, '"a=b"');
  t.is(it.raw, undefined);
  const [v] = parseOptions('x="k=v"');
  t.is(v.name, 'x');
  t.is(optionValue(v), 'k=v');
});

test('backslash-comma does not end an item and is unescaped in the value', (t) => {
  t.deepEqual(splitOptionString('lowerdir=/a\\,b,ro'), ['lowerdir=/a\\,b', 'ro']);
  const [it] = parseOptions('lowerdir=/a\\,b');
  t.is(it.raw, '/a\\,b');
  t.is(optionValue(it), '/a,b');
});

test('backslash-quote does not toggle quoting and is unescaped in the value', (t) => {
  // Without the escape the quote would open a quoted block and swallow ",b".
  t.deepEqual(splitOptionString('a=x\\"y,b'), ['a=x\\"y', 'b']);
  t.is(optionValue(parseOptions('a=x\\"y')[0]), 'x"y');
});

test('a backslash before other characters is kept literally', (t) => {
  const [it] = parseOptions('path=/a\\b');
  t.is(optionValue(it), '/a\\b');
});

test('an unterminated quote makes the rest of the string disappear', (t) => {
  t.deepEqual(splitOptionString('ro,a="b,c'), ['ro']);
  t.deepEqual(splitOptionString('a="b,c'), []);
  t.deepEqual(parseOptions('nodev,x="unterminated,ro,size=1m'), [{ name: 'nodev' }]);
});

test('quotes in the middle of an item are fine when closed', (t) => {
  t.deepEqual(splitOptionString('a="1,2",b="3",c'), ['a="1,2"', 'b="3"', 'c']);
});

test('an item starting with "=" is a usage error quoting the whole -o string (mount.c)', (t) => {
  const e = t.throws(() => parseOptions('=foo'), { instanceOf: RequestError });
  t.deepEqual(e.problem, { code: 'unsupported-option-format', options: '=foo' });
  const e2 = t.throws(() => parseOptions('ro,=foo'), { instanceOf: RequestError });
  t.deepEqual(e2.problem, { code: 'unsupported-option-format', options: 'ro,=foo' });
  t.deepEqual(t.throws(() => parseOptions(',,=x'), { instanceOf: RequestError }).problem, { code: 'unsupported-option-format', options: ',,=x' });
});

test('"=" later in an item is fine', (t) => {
  t.notThrows(() => parseOptions('a=,b=='));
  t.deepEqual(parseOptions('b=='), [{ name: 'b', raw: '=' }]);
});

test('formatItem / formatOptions write items back as they were written', (t) => {
  const src = 'ro,context="a,b",foo=,lowerdir=/x\\,y,bar';
  const items = parseOptions(src);
  t.is(formatOptions(items), src);
  t.is(formatItem({ name: 'a' }), 'a');
  t.is(formatItem({ name: 'a', raw: '' }), 'a=');
  t.is(formatItem({ name: 'a', raw: '"q"' }), 'a="q"');
});

test('optionValue removes every unescaped quote', (t) => {
  t.is(optionValue({ name: 'x', raw: '"a"b"c"' }), 'abc');
  t.is(optionValue({ name: 'x', raw: '""' }), '');
});
