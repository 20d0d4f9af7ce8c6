'use strict';
// Merging (last wins) and classification of an option list (libmount optlist.c).
const test = require('./ava');
const { parseOptions, formatOptions } = require('../../dist/options/parse');
const { mergeOptions, resolveOptions, userOption, hasUserOption, withoutOptions } = require('../../dist/options/resolve');
const { MS, MOUNT_ATTR } = require('../../dist/sys/constants');
const { RequestError } = require('../../dist/sys/error');

const merged = (s) => formatOptions(mergeOptions(parseOptions(s)));
const R = (s) => resolveOptions(parseOptions(s));

// ---- merging ---------------------------------------------------------------

test('a duplicate keeps only its last instance, at the last position', (t) => {
  t.is(merged('nosuid,ro,nosuid'), 'ro,nosuid');
});

test('a flag and its inverse: the last one wins', (t) => {
  t.is(merged('ro,nodev,rw'), 'nodev,rw');
  t.is(merged('rw,ro'), 'ro');
  t.is(merged('exec,noexec'), 'noexec');
  t.is(merged('noexec,exec'), 'exec');
  t.is(merged('nosuid,suid,nosuid'), 'nosuid');
  t.is(merged('sync,async'), 'async');
  t.is(merged('lazytime,nolazytime'), 'nolazytime');
  t.is(merged('mand,nomand,mand'), 'mand');
  t.is(merged('symfollow,nosymfollow'), 'nosymfollow');
  t.is(merged('noauto,auto'), 'auto');
  t.is(merged('user,nouser'), 'nouser');
  t.is(merged('users,nousers'), 'nousers');
});

test('the atime family: the choosing options are one choice (last wins), the undoing ones kept apart', (t) => {
  t.is(merged('noatime,relatime'), 'relatime');
  t.is(merged('relatime,strictatime,nodev'), 'strictatime,nodev');
  t.is(merged('strictatime,atime'), 'strictatime,atime');
  t.is(merged('noatime,nostrictatime'), 'noatime,nostrictatime');
  t.is(merged('noatime,nodiratime'), 'noatime,nodiratime', 'nodiratime is a separate flag');
});

test('atime, norelatime, nostrictatime undo only their own counterpart (util-linux 2.42.2, checked)', (t) => {
  const choice = (s) => R(s).attrSet & MOUNT_ATTR._ATIME;
  t.is(choice('noatime,nostrictatime'), MOUNT_ATTR.NOATIME, 'mounted noatime');
  t.is(choice('noatime,norelatime'), MOUNT_ATTR.NOATIME);
  t.is(choice('strictatime,norelatime'), MOUNT_ATTR.STRICTATIME);
  t.is(choice('noatime,atime'), MOUNT_ATTR.RELATIME, 'back to the default');
  t.is(choice('strictatime,nostrictatime'), MOUNT_ATTR.RELATIME);
  t.is(R('noatime,atime').msFlags & MS.NOATIME, 0);
  t.is(R('noatime,nostrictatime').msFlags & MS.NOATIME, MS.NOATIME);
});

test('filesystem (data) options are all kept, duplicates included, in order', (t) => {
  t.is(merged('size=2m,mode=711,exec,size=3m'), 'size=2m,mode=711,exec,size=3m');
  t.is(merged('errors=remount-ro,errors=panic'), 'errors=remount-ro,errors=panic');
});

test('fstab options then -o options (prepend mode): the command line wins', (t) => {
  const fstab = parseOptions('noexec,nosuid,size=2m');
  const cmd = parseOptions('exec,size=3m');
  t.is(formatOptions(mergeOptions([...fstab, ...cmd])), 'nosuid,size=2m,exec,size=3m');
});

test('userspace options with values are all kept, as libmount keeps them (utab shows each)', (t) => {
  t.is(merged('x-a=1,x-b,x-a=2'), 'x-a=1,x-b,x-a=2');
  t.is(merged('uhelper=x,offset=1,uhelper=y,offset=2'), 'uhelper=x,offset=1,uhelper=y,offset=2');
  t.is(merged('user=a,user=b,nofail,nofail'), 'user=a,user=b,nofail', 'flag-like ones keep the last; user=NAME all');
});

test('empty input', (t) => {
  t.deepEqual(mergeOptions([]), []);
  const r = R('');
  t.is(r.msFlags, 0);
  t.is(r.attrSet, 0);
  t.is(r.attrClr, 0);
  t.false(r.readOnly);
  t.is(r.rdonlyGiven, undefined);
  t.false(r.atimeGiven);
  t.deepEqual(r.data, []);
  t.deepEqual(r.sbFlags, []);
  t.deepEqual(r.propagation, []);
  t.false(r.bind || r.rbind || r.move || r.remount);
});

// ---- ro / rw ---------------------------------------------------------------

test('ro: read-only on both layers', (t) => {
  const r = R('ro');
  t.true(r.readOnly);
  t.is(r.rdonlyGiven, 'ro');
  t.is(r.roScope, 'both');
  t.is(r.msFlags, MS.RDONLY);
  t.is(r.attrSet, MOUNT_ATTR.RDONLY);
  t.is(r.attrClr, 0);
});

test('rw: clears RDONLY', (t) => {
  const r = R('rw');
  t.false(r.readOnly);
  t.is(r.rdonlyGiven, 'rw');
  t.is(r.msFlags, 0);
  t.is(r.attrSet, 0);
  t.is(r.attrClr, MOUNT_ATTR.RDONLY);
});

test('ro then rw: rw wins (and the reverse)', (t) => {
  const a = R('ro,rw');
  t.false(a.readOnly);
  t.is(a.attrSet & MOUNT_ATTR.RDONLY, 0);
  t.is(a.attrClr & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
  t.is(a.msFlags & MS.RDONLY, 0);
  const b = R('rw,ro');
  t.true(b.readOnly);
  t.is(b.attrSet & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
  t.is(b.attrClr & MOUNT_ATTR.RDONLY, 0);
});

test('ro=vfs: only the mount is read-only', (t) => {
  const r = R('ro=vfs');
  t.true(r.readOnly);
  t.is(r.roScope, 'vfs');
  t.is(r.attrSet & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
});

test('ro=fs: only the superblock is read-only (no MOUNT_ATTR_RDONLY)', (t) => {
  const r = R('ro=fs');
  t.true(r.readOnly);
  t.is(r.roScope, 'fs');
  t.is(r.attrSet & MOUNT_ATTR.RDONLY, 0);
  t.is(r.msFlags & MS.RDONLY, MS.RDONLY);
});

test('one flag with different values stays in each form; an inverse or an equal one still replaces it', (t) => {
  // libmount's merge removes only an equal option or the flag's inverse.
  t.is(merged('ro,ro=fs'), 'ro,ro=fs');
  t.is(merged('ro=vfs,ro=fs,ro=vfs'), 'ro=fs,ro=vfs');
  t.is(merged('ro,ro=fs,rw'), 'rw');
  t.is(merged('rw,ro=fs'), 'ro=fs');
  t.is(merged('nosuid,nosuid=recursive'), 'nosuid,nosuid=recursive');
  t.is(merged('nosuid=recursive,suid'), 'suid');
});

test('ro with ro=fs or ro=vfs beside it: read-only where any of them applies (util-linux 2.42)', (t) => {
  /** @type {[string, string | undefined][]} */
  const cases = [['ro,ro=fs', 'both'], ['ro=fs,ro', 'both'], ['ro=vfs,ro=fs', 'both'], ['ro=vfs,ro', 'both'],
    ['ro=fs,ro=fs', 'fs'], ['rw,ro=fs', 'fs'], ['ro=fs,rw', undefined]];
  for (const [opts, scope] of cases) {
    const r = R(opts);
    t.is(/** @type {string | undefined} */ (r.readOnly ? r.roScope : undefined), scope, opts);
    t.is((r.attrSet & MOUNT_ATTR.RDONLY) !== 0, scope === 'both' || scope === 'vfs', opts);
  }
});

test('ro=recursive: RDONLY set recursively', (t) => {
  const r = R('ro=recursive');
  t.true(r.readOnly);
  t.is(r.recursiveSet & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
  t.is(r.recursiveClr, 0);
  t.is(r.msFlags & MS.RDONLY, MS.RDONLY);
});

test('rw=recursive: RDONLY cleared recursively', (t) => {
  const r = R('rw=recursive');
  t.false(r.readOnly);
  t.is(r.recursiveClr & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
});

test('a bad ro value is a parse error', (t) => {
  const e = t.throws(() => R('ro=banana'), { instanceOf: RequestError });
  t.deepEqual(e.problem, { code: 'bad-options', options: 'ro=banana' });
});

// ---- per-mount (VFS) flags ------------------------------------------------

test('VFS flags set and clear MOUNT_ATTR bits and MS flags', (t) => {
  const r = R('nosuid,nodev,noexec,nosymfollow,nodiratime');
  const all = MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC | MOUNT_ATTR.NOSYMFOLLOW | MOUNT_ATTR.NODIRATIME;
  t.is(r.attrSet, all);
  t.is(r.attrClr, 0);
  t.is(r.msFlags, MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOSYMFOLLOW | MS.NODIRATIME);
  const c = R('suid,dev,exec,symfollow,diratime');
  t.is(c.attrSet, 0);
  t.is(c.attrClr, all);
  t.is(c.msFlags, 0);
});

test('a flag and its inverse leave only the last effect in set/clr', (t) => {
  const a = R('noexec,exec');
  t.is(a.attrSet & MOUNT_ATTR.NOEXEC, 0);
  t.is(a.attrClr & MOUNT_ATTR.NOEXEC, MOUNT_ATTR.NOEXEC);
  t.is(a.msFlags & MS.NOEXEC, 0);
  const b = R('exec,noexec');
  t.is(b.attrSet & MOUNT_ATTR.NOEXEC, MOUNT_ATTR.NOEXEC);
  t.is(b.attrClr & MOUNT_ATTR.NOEXEC, 0);
  t.is(b.msFlags & MS.NOEXEC, MS.NOEXEC);
});

test('noexec=recursive: only in the recursive set', (t) => {
  const r = R('noexec=recursive,nosuid');
  t.is(r.recursiveSet, MOUNT_ATTR.NOEXEC);
  t.is(r.attrSet, MOUNT_ATTR.NOSUID);
  t.is(r.msFlags & MS.NOEXEC, MS.NOEXEC);
  const c = R('exec=recursive');
  t.is(c.recursiveClr, MOUNT_ATTR.NOEXEC);
  t.is(c.attrClr, 0);
});

test('a VFS flag with a value other than "recursive" is a parse error', (t) => {
  t.deepEqual(t.throws(() => R('nosuid=1'), { instanceOf: RequestError }).problem, { code: 'bad-options', options: 'nosuid=1' });
  t.throws(() => R('noatime=yes'), { instanceOf: RequestError });
});

// ---- atime -----------------------------------------------------------------

test('noatime: set NOATIME, clear the whole _ATIME field', (t) => {
  const r = R('noatime');
  t.true(r.atimeGiven);
  t.is(r.attrSet, MOUNT_ATTR.NOATIME);
  t.is(r.attrClr, MOUNT_ATTR._ATIME);
  t.is(r.msFlags, MS.NOATIME);
});

test('strictatime / relatime / atime / norelatime choose one atime mode', (t) => {
  const s = R('strictatime');
  t.is(s.attrSet, MOUNT_ATTR.STRICTATIME);
  t.is(s.attrClr, MOUNT_ATTR._ATIME);
  t.is(s.msFlags, MS.STRICTATIME);
  const rel = R('relatime');
  t.is(rel.attrSet, 0, 'RELATIME is 0');
  t.is(rel.attrClr, MOUNT_ATTR._ATIME);
  t.is(rel.msFlags, MS.RELATIME);
  for (const [o, on] of [['atime', 'noatime'], ['norelatime', 'relatime'], ['nostrictatime', 'strictatime']]) {
    t.is(R(o).attrSet & MOUNT_ATTR._ATIME, MOUNT_ATTR.RELATIME, `${o} alone: the default, set explicitly (as util-linux)`);
    t.is(R(o).attrClr & MOUNT_ATTR._ATIME, MOUNT_ATTR._ATIME, o);
    const r = R(`${on},${o}`);
    t.true(r.atimeGiven, o);
    t.is(r.attrSet, 0, o);
    t.is(r.attrClr, MOUNT_ATTR._ATIME, o);
    t.is(r.msFlags, 0, o);
  }
});

test('atime family: the last one wins', (t) => {
  const a = R('noatime,strictatime');
  t.is(a.attrSet & MOUNT_ATTR._ATIME, MOUNT_ATTR.STRICTATIME);
  t.is(a.msFlags & (MS.NOATIME | MS.STRICTATIME | MS.RELATIME), MS.STRICTATIME);
  const b = R('strictatime,noatime');
  t.is(b.attrSet & MOUNT_ATTR._ATIME, MOUNT_ATTR.NOATIME);
  t.is(b.msFlags & (MS.NOATIME | MS.STRICTATIME | MS.RELATIME), MS.NOATIME);
  const c = R('noatime,relatime');
  t.is(c.attrSet & MOUNT_ATTR._ATIME, 0);
  t.is(c.msFlags & (MS.NOATIME | MS.STRICTATIME | MS.RELATIME), MS.RELATIME);
  t.deepEqual(c.items.map((i) => i.name), ['relatime']);
});

test('no atime option: the atime field is left alone', (t) => {
  const r = R('nosuid');
  t.false(r.atimeGiven);
  t.is(r.attrClr & MOUNT_ATTR._ATIME, 0);
});

test('noatime=recursive goes to the recursive set', (t) => {
  const r = R('noatime=recursive');
  t.is(r.recursiveSet, MOUNT_ATTR.NOATIME);
  t.is(r.recursiveClr, MOUNT_ATTR._ATIME);
  t.is(r.attrSet & MOUNT_ATTR._ATIME, 0);
});

// ---- superblock, ignored ---------------------------------------------------

test('superblock flags go to sbFlags in order and to msFlags', (t) => {
  const r = R('sync,dirsync,lazytime,mand');
  t.deepEqual(r.sbFlags, ['sync', 'dirsync', 'lazytime', 'mand']);
  t.is(r.msFlags, MS.SYNCHRONOUS | MS.DIRSYNC | MS.LAZYTIME | MS.MANDLOCK);
  t.is(r.attrSet, 0, 'no MOUNT_ATTR for superblock flags');
  const a = R('sync,async');
  t.deepEqual(a.sbFlags, ['async']);
  t.is(a.msFlags & MS.SYNCHRONOUS, 0);
});

test('a superblock flag with a value is a parse error', (t) => {
  t.deepEqual(t.throws(() => R('sync=1'), { instanceOf: RequestError }).problem, { code: 'bad-options', options: 'sync=1' });
});

test('silent and iversion only reach mount(2) flags, never the new API', (t) => {
  const r = R('silent,iversion');
  t.is(r.msFlags, MS.SILENT | MS.I_VERSION);
  t.is(r.attrSet, 0);
  t.deepEqual(r.sbFlags, []);
  t.deepEqual(r.data, []);
  t.is(R('silent,loud').msFlags, 0);
});

// ---- data and userspace ----------------------------------------------------

test('unknown options are filesystem data, all kept in order', (t) => {
  const r = R('size=2m,ro,mode=0700,size=3m,errors=continue,discard');
  t.deepEqual(r.data, [
    { name: 'size', raw: '2m' }, { name: 'mode', raw: '0700' }, { name: 'size', raw: '3m' },
    { name: 'errors', raw: 'continue' }, { name: 'discard' },
  ]);
  t.is(r.msFlags, MS.RDONLY);
});

test('userspace options are collected, never flags', (t) => {
  const r = R('defaults,noauto,user,_netdev,x-foo=1,X-mount.mkdir=0700,nofail,comment=hi,loop,offset=512');
  t.deepEqual(r.userspace.map((i) => i.name), ['defaults', 'noauto', 'user', '_netdev', 'x-foo', 'X-mount.mkdir', 'nofail', 'comment', 'loop', 'offset']);
  // ... but user implies noexec,nosuid,nodev (libmount's MS_SECURE for a superuser's mount)
  t.is(r.msFlags, MS.NOEXEC | MS.NOSUID | MS.NODEV);
  t.is(r.attrSet, MOUNT_ATTR.NOEXEC | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV);
  t.is(R('user=alice').msFlags, 0, 'user=NAME implies nothing');
  t.is(R('users,exec,dev').msFlags, MS.NOSUID, 'a later exec/dev wins');
  t.deepEqual(r.data, []);
});

test('the first user of the list decides: a user=NAME first means no user implies anything (util-linux 2.42.2, checked)', (t) => {
  const SECURE = MS.NOEXEC | MS.NOSUID | MS.NODEV;
  t.is(R('user=someone,comment=c,user').msFlags, 0);
  t.is(R('user=x,nouser,user').msFlags, 0);
  t.is(R('nouser,user=x,user').msFlags, 0, 'nouser merged away by the later user');
  t.is(R('user=x,user=y,user').msFlags, 0);
  t.is(R('user,exec,user=x').msFlags, MS.NOSUID | MS.NODEV, 'a plain user first implies, a later exec wins');
  t.is(R('user,exec,user').msFlags, SECURE, 'one plain user, at its last place');
  t.is(R('nouser,user').msFlags, SECURE);
});

test('userOption / hasUserOption / withoutOptions', (t) => {
  const r = R('offset=1k,loop,x-a="q,r",offset=2k');
  t.is(userOption(r, 'offset'), '1k', 'the first one counts (mnt_optlist_get_named)');
  t.is(userOption(r, 'loop'), '', 'a bare option has an empty value');
  t.is(userOption(r, 'x-a'), 'q,r', 'quotes removed');
  t.is(userOption(r, 'sizelimit'), undefined);
  t.true(hasUserOption(r, 'loop'));
  t.false(hasUserOption(r, 'nofail'));
  const items = parseOptions('ro,loop,offset=1,size=1m');
  t.is(formatOptions(withoutOptions(items, (n) => n === 'loop' || n === 'offset')), 'ro,size=1m');
});

// ---- operations and propagation -------------------------------------------

test('bind / rbind / move / remount', (t) => {
  const b = R('bind');
  t.true(b.bind);
  t.false(b.rbind);
  const rb = R('rbind');
  t.true(rb.bind);
  t.true(rb.rbind);
  t.true(R('move').move);
  const rm = R('remount,ro');
  t.true(rm.remount);
  t.false(rm.bind);
  const rmb = R('remount,bind,nosuid');
  t.true(rmb.remount && rmb.bind);
  for (const r of [b, rb, R('move'), rm]) {
    t.is(r.msFlags & (MS.BIND | MS.REMOUNT | MS.MOVE | MS.REC), 0, 'operations are not in msFlags');
  }
});

test('an operation with a value is a parse error', (t) => {
  t.throws(() => R('bind=yes'), { instanceOf: RequestError });
  t.throws(() => R('remount=1'), { instanceOf: RequestError });
});

test('propagation flags are steps in order, with MS_REC for the r-forms', (t) => {
  const r = R('rshared,slave,unbindable,rprivate');
  t.deepEqual(r.propagation, [MS.SHARED | MS.REC, MS.SLAVE, MS.UNBINDABLE, MS.PRIVATE | MS.REC]);
  t.is(r.msFlags, 0, 'propagation is not in msFlags');
  t.is(r.attrSet, 0);
});

test('a repeated propagation flag counts once, at its last position (util-linux dedup)', (t) => {
  t.deepEqual(R('shared,private,shared').propagation, [MS.PRIVATE, MS.SHARED]);
});

test('a propagation flag with a value is a parse error', (t) => {
  t.throws(() => R('shared=1'), { instanceOf: RequestError });
});

test('items hold the merged list in order', (t) => {
  const r = R('ro,size=1m,rw,nosuid,x-a,noatime,relatime');
  t.is(formatOptions(r.items), 'size=1m,rw,nosuid,x-a,relatime');
});

test('equal option lists share one frozen answer; the library\'s parseOptions gives the caller its own items', (t) => {
  const mine = [{ name: 'nodev' }, { name: 'size', raw: '2k' }];
  resolveOptions(mine);
  t.false(Object.isFrozen(mine[0]) || Object.isFrozen(mine), 'the caller\'s items stay the caller\'s');
  const a = resolveOptions(parseOptions('nosuid,size=1m,x-a=1'));
  const b = resolveOptions(parseOptions('nosuid,size=1m,x-a=1'));
  t.is(a, b);
  t.true(Object.isFrozen(a) && Object.isFrozen(a.data) && Object.isFrozen(a.items[0]));
  t.throws(() => { /** @type {unknown[]} */ (/** @type {unknown} */ (a.data)).push({ name: 'x' }); }, { instanceOf: TypeError });
  t.not(resolveOptions(parseOptions('nosuid,size=2m,x-a=1')), a, 'another list, another answer');
  // Lists that would print alike but differ (a value holding a comma) are told apart.
  t.not(resolveOptions([{ name: 'a', raw: 'b,c' }]), resolveOptions([{ name: 'a', raw: 'b' }, { name: 'c' }]));
  const lib = require('../../dist/index');
  const items = lib.parseOptions('nosuid,size=1m');
  items.push({ name: 'mine' });
  items[0].name = 'changed';
  t.deepEqual(lib.parseOptions('nosuid,size=1m'), [{ name: 'nosuid' }, { name: 'size', raw: '1m' }]);
});
