'use strict';
// The settings a merged option list asks for (options/settings.ts), read through the option table.
const test = require('./ava');
const { parseOptions } = require('../../dist/options/parse');
const { resolveOptions } = require('../../dist/options/resolve');
const { readSettings, readSetting } = require('../../dist/options/settings');
const { BadOptionValue } = require('../../dist/options/setting-specs');

// Injected name lookups: no /etc/passwd is read.
const ids = {
  userId: (n) => ({ root: 0, alice: 1000 })[n] ?? (/^[0-9]+$/.test(n) ? Number(n) : undefined),
  groupId: (n) => ({ root: 0, users: 100 })[n] ?? (/^[0-9]+$/.test(n) ? Number(n) : undefined),
};
const S = (s) => readSettings(resolveOptions(parseOptions(s)).userspace, ids);

test('no userspace options, no settings', (t) => {
  t.deepEqual(S('ro,size=1m,noexec,x-foo=1,comment=hi,defaults'), {});
});

test('X-mount.mkdir: default mode 0755, an octal mode, the X- spelling over the x- one', (t) => {
  t.deepEqual(S('X-mount.mkdir').mkdir, { mode: 0o755 });
  t.deepEqual(S('X-mount.mkdir=').mkdir, { mode: 0o755 });
  t.deepEqual(S('x-mount.mkdir=0700').mkdir, { mode: 0o700 });
  t.deepEqual(S('x-mount.mkdir=0700,X-mount.mkdir=0711').mkdir, { mode: 0o711 });
  t.deepEqual(S('X-mount.mkdir=0711,X-mount.mkdir=0700').mkdir, { mode: 0o711 }, 'the first one counts');
  t.throws(() => S('X-mount.mkdir=abc'), { instanceOf: BadOptionValue });
  t.throws(() => S('X-mount.mkdir=99999'), { instanceOf: BadOptionValue });
});

test('X-mount.owner/group/mode: names through the injected lookups; an unknown name is "Invalid argument"', (t) => {
  t.deepEqual(S('X-mount.owner=alice,X-mount.group=users,X-mount.mode=1777'), { ownerUid: 1000, ownerGid: 100, rootMode: 0o1777 });
  t.is(S('X-mount.owner=42').ownerUid, 42);
  const e = t.throws(() => S('X-mount.owner=nosuchuser'), { instanceOf: BadOptionValue });
  t.is(e.errnoText, 'Invalid argument');
  t.is(t.throws(() => S('X-mount.group=nosuchgroup'), { instanceOf: BadOptionValue }).errnoText, 'Invalid argument');
  t.is(t.throws(() => S('X-mount.mode=8'), { instanceOf: BadOptionValue }).errnoText, undefined);
});

test('X-mount.nocanonicalize: both paths, or the one named', (t) => {
  t.deepEqual(S('X-mount.nocanonicalize').noCanonicalize, { source: true, target: true });
  t.deepEqual(S('X-mount.nocanonicalize=source').noCanonicalize, { source: true, target: false });
  t.deepEqual(S('X-mount.nocanonicalize=target').noCanonicalize, { source: false, target: true });
});

test('X-mount.idmap: a map or a path; a malformed map is refused', (t) => {
  t.is(S('X-mount.idmap=u:0:1000:1 g:0:100:1').idmap, 'u:0:1000:1 g:0:100:1');
  t.is(S('X-mount.idmap=/proc/1/ns/user').idmap, '/proc/1/ns/user');
  t.throws(() => S('X-mount.idmap=nonsense'), { instanceOf: BadOptionValue });
  t.throws(() => S('X-mount.idmap='), { instanceOf: BadOptionValue });
});

test('loop, offset, sizelimit, noloop, nofail, helper, subdir, auto-fstypes', (t) => {
  t.deepEqual(S('loop'), { loop: { device: undefined } });
  t.deepEqual(S('loop=/dev/loop3,offset=1M,sizelimit=0x100'), { loop: { device: '/dev/loop3' }, offset: '1M', sizelimit: '0x100' });
  t.deepEqual(S('X-mount.noloop,nofail,helper=fuse,X-mount.subdir=a/b'), { noLoop: true, nofail: true, helper: 'fuse', subdir: 'a/b' });
  t.is(S('X-mount.auto-fstypes="noext2,ext3"').autoFstypes, 'noext2,ext3', 'quotes removed');
  t.is(S('X-mount.auto-fstypes=').autoFstypes, undefined, 'an empty list allows every type');
});

test('options this build refuses: encryption=, verity.*', (t) => {
  t.throws(() => S('encryption=aes'), { instanceOf: BadOptionValue });
  t.throws(() => S('verity.roothash=ab'), { instanceOf: BadOptionValue });
});

test('readSetting reads one setting and ignores bad values of the others', (t) => {
  const items = parseOptions('X-mount.owner=nosuchuser,helper=fuse,loop=/dev/loop1');
  t.is(readSetting(items, 'helper', ids), 'fuse');
  t.deepEqual(readSetting(items, 'loop', ids), { device: '/dev/loop1' });
  t.is(readSetting(items, 'nofail', ids), undefined);
  t.throws(() => readSetting(items, 'ownerUid', ids), { instanceOf: BadOptionValue });
});
