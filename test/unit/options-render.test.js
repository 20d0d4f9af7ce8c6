'use strict';
// Option strings for /sbin/mount.TYPE helpers and for utab (optlist.c FLTR_HELPERS / FLTR_MTAB).
const test = require('./ava');
const { parseOptions } = require('../../dist/options/parse');
const { resolveOptions } = require('../../dist/options/resolve');
const { helperOptionString, utabOptionString } = require('../../dist/options/render');

const helper = (s) => {
  const r = resolveOptions(parseOptions(s));
  return helperOptionString(r.items, r.readOnly);
};
const utab = (s) => utabOptionString(resolveOptions(parseOptions(s)).items);

test('helper options always start with rw or ro', (t) => {
  t.is(helper(''), 'rw');
  t.is(helper('ro'), 'ro');
  t.is(helper('nosuid,ro'), 'ro,nosuid', 'ro moves to the front');
  t.is(helper('ro,nodev,rw'), 'rw,nodev', 'the last of ro/rw decides');
  t.is(helper('ro=vfs'), 'ro');
  t.is(helper('ro=fs'), 'ro');
});

test('helper options drop every MNT_NOHLPS option', (t) => {
  const s = helper('defaults,noauto,auto,comment=c,x-a=1,X-mount.mkdir,loop=/dev/loop3,offset=1,sizelimit=2,'
    + 'encryption=aes,verity.roothash=ab,shared,rprivate,slave,unbindable,move');
  t.is(s, 'rw');
});

test('helper options keep user/users, _netdev, nofail, uhelper=, helper=, VFS flags and fs options', (t) => {
  t.is(helper('user=alice,_netdev,nofail,uhelper=udisks,helper=foo,nosuid,noatime,sync,vers=4.2,addr="1,2"'),
    'rw,user=alice,_netdev,nofail,uhelper=udisks,helper=foo,nosuid,noatime,sync,vers=4.2,addr="1,2"');
  // As util-linux 2.42 passes them (checked against its mount): users → noexec,nosuid,nodev after it;
  // owner and group → nosuid,nodev in their place; the last of each flag wins.
  t.is(helper('users,owner,group'), 'rw,users,noexec,nosuid,nodev');
  t.is(helper('owner,suid'), 'rw,nodev,suid');
  t.is(helper('users,owner,group,exec'), 'rw,users,nosuid,nodev,exec');
});

test('helper options keep bind, rbind and remount (not MNT_NOHLPS)', (t) => {
  t.is(helper('bind'), 'rw,bind');
  t.is(helper('rbind,ro'), 'ro,rbind');
  t.is(helper('remount,ro,vers=3'), 'ro,remount,vers=3');
});

test('helper options are built from the merged list', (t) => {
  t.is(helper('noexec,exec,size=1,size=2'), 'rw,exec,size=1,size=2');
});

test('utab keeps userspace options without MNT_NOMTAB: x-*, _netdev, user, helper, uhelper (loop only without a loop device of ours)', (t) => {
  t.is(utab('x-foo=bar'), 'x-foo=bar');
  // As util-linux 2.42.2 writes them (checked): the first user=NAME is hidden, a later one kept.
  t.is(utab('_netdev,user=bob,loop=/dev/loop1,uhelper=udisks2,helper=xyz,x-gvfs-show'),
    '_netdev,uhelper=udisks2,helper=xyz,x-gvfs-show');
  t.is(utab('user=a,user=b,x-a'), 'user=b,x-a');
  t.is(utab('user,x-a'), 'user,x-a');
  t.is(utab('user,exec,user=x'), 'user,user=x', 'hidden only when a user=NAME is the first user');
  t.is(utab('nouser,user=x,user'), 'user');
  t.is(utab('user=x,user=y,user'), 'user=y,user');
  t.is(utabOptionString(parseOptions('loop,x-a'), false), 'loop,x-a', 'no loop device set up (tmpfs, --fake): loop is kept');
});

test('utab drops kernel options and NOMTAB userspace options', (t) => {
  t.is(utab('ro,nosuid,size=1m,remount,bind,shared,noatime'), '');
  t.is(utab('defaults,noauto,auto,nouser,users,owner,group,comment=x,X-mount.mkdir,offset=1,sizelimit=2,nofail,'
    + 'verity.hashdevice=/dev/x'), '');
  t.is(utab('ro,x-a,size=1,_netdev,nofail'), 'x-a,_netdev');
});
