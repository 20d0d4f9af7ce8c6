'use strict';
// Property tests for /proc/self/mountinfo parsing (src/tables/mountinfo.ts): lines written the
// way the kernel writes them (show_mountinfo(): \ooo-mangled space, tab, newline and backslash)
// parse back to the same fields; arbitrary text never throws with skipBad, and throws nothing
// but MountinfoParseError without it.
const test = require('ava');
const assert = require('assert/strict');
const { fc, check, text, over, textWithout } = require('./helpers');
const { parseMountinfo, mountinfoNewestFirst, MountinfoParseError, MountTable, mergedOptions } = require('../../dist/tables/mountinfo');
const { mangle } = require('../../dist/tables/escape');

/** Path-like text with every character the kernel mangles, and any code point; no NUL (a C string ends there). */
const fieldText = fc.oneof(
  over(['/', 'a', ' ', '\t', '\n', '\\', '\\040', '-', ' - ', '#', 'é', '\r', ':'], { maxLength: 12 }),
  textWithout(['\0'], { maxLength: 16 }),
);
/** Options the kernel shows: no blanks (it mangles them too, see show_mnt_opts()/seq_show_option()). */
const optsText = fc.oneof(over(['rw', 'ro', ',', 'relatime', 'size=1k', 'a\\b', ' ', '\t'], { maxLength: 6 }), fieldText);
/** Optional fields: shared:N, master:N, propagate_from:N, unbindable (never "-", never empty). */
const optional = fc.array(fc.oneof(
  fc.nat(1000).map((n) => `shared:${n}`), fc.nat(1000).map((n) => `master:${n}`),
  fc.nat(1000).map((n) => `propagate_from:${n}`), fc.constant('unbindable'),
), { maxLength: 4 });

const entry = fc.record({
  id: fc.nat(2 ** 31 - 1),
  parent: fc.nat(2 ** 31 - 1),
  devno: fc.tuple(fc.nat(4095), fc.nat(2 ** 20 - 1)).map(([a, b]) => `${a}:${b}`),
  root: fieldText,
  target: fieldText,
  vfsOptions: optsText,
  optional,
  fstype: fieldText.filter((s) => s !== ''),
  source: fieldText,
  fsOptions: optsText,
}).map((e) => ({ ...e })); // plain objects (fast-check records have no prototype)

/** One mountinfo line as fs/proc_namespace.c show_mountinfo() prints it. */
function formatLine(e) {
  return [e.id, e.parent, e.devno, mangle(e.root), mangle(e.target), mangle(e.vfsOptions), ...e.optional, '-',
    mangle(e.fstype), mangle(e.source), mangle(e.fsOptions)].join(' ');
}

test('kernel-formatted lines parse back to the same fields', (t) => {
  check(t, fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
    const textIn = entries.map((e) => `${formatLine(e)}\n`).join('');
    assert.deepEqual(parseMountinfo(textIn), entries, JSON.stringify(textIn));
    assert.deepEqual(parseMountinfo(textIn, true), entries);
  }));
});

test('the table built from them finds each mount by target and id', (t) => {
  check(t, fc.property(fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 6 }), (entries) => {
    const table = new MountTable(parseMountinfo(entries.map((e) => `${formatLine(e)}\n`).join('')));
    for (const e of entries) {
      assert.deepEqual(table.byId(e.id), e);
      assert.ok(table.allAt(e.target).includes(table.byId(e.id)));
      assert.ok(table.topAt(e.target) !== undefined);
      assert.ok(table.withSource(e.source).length >= 1);
      const m = mergedOptions(e);
      assert.ok(m === 'rw' || m === 'ro' || m.startsWith('rw,') || m.startsWith('ro,'));
    }
  }));
});

const anyText = fc.oneof(
  text({ maxLength: 160 }),
  fc.array(fc.oneof(entry.map(formatLine), text({ maxLength: 60 }),
    // a real line with one field dropped, doubled or garbled
    fc.tuple(entry.map(formatLine), fc.nat(12), fc.constantFrom('', 'x', ' ', '-', ' - ', '0x1', '1e3', ':')).map(([l, i, x]) => {
      const f = l.split(' ');
      f.splice(i % (f.length + 1), x === '' ? 1 : 0, ...(x === '' ? [] : [x]));
      return f.join(' ');
    })), { maxLength: 5 }).map((ls) => ls.join('\n')),
);

test('arbitrary text with skipBad: never throws, every entry well-formed', (t) => {
  check(t, fc.property(anyText, (s) => {
    const list = parseMountinfo(s, true);
    for (const e of list) {
      assert.ok(Number.isInteger(e.id) && Number.isInteger(e.parent));
      assert.ok(e.devno.includes(':'));
      for (const k of ['root', 'target', 'vfsOptions', 'fstype', 'source', 'fsOptions']) assert.equal(typeof e[k], 'string');
      assert.ok(Array.isArray(e.optional));
    }
    assert.ok(list.length <= s.split('\n').length);
  }));
});

test('read newest first, any text gives the entries skipBad gives, backward', (t) => {
  check(t, fc.property(anyText, fc.boolean(), (s, nl) => {
    const textIn = nl ? `${s}\n` : s;
    assert.deepEqual([...mountinfoNewestFirst(textIn)], parseMountinfo(textIn, true).reverse());
  }));
});

test('arbitrary text without skipBad: nothing but MountinfoParseError, with the line number', (t) => {
  check(t, fc.property(anyText, (s) => {
    try {
      parseMountinfo(s);
    } catch (e) {
      assert.ok(e instanceof MountinfoParseError, `threw ${e && e.stack}`);
      assert.ok(Number.isInteger(e.line) && e.line >= 1 && e.line <= s.split('\n').length, `line ${e.line}`);
      assert.equal(e.message, `mountinfo: parse error at line ${e.line}`);
      // the same text with skipBad drops exactly the bad lines
      assert.ok(parseMountinfo(s, true).length < s.split('\n').filter((l) => l !== '').length);
    }
  }));
});
