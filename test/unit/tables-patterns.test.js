'use strict';
// -t type patterns (util-linux lib/match.c) and -O option patterns (libmount mnt_match_options()).
const test = require('./ava');
const { matchFsType, isTypePattern, matchOptions } = require('../../dist/tables/patterns');

// ---- -t --------------------------------------------------------------------

test('a type list matches any of its items', (t) => {
  t.true(matchFsType('xfs', 'ext4,xfs,btrfs'));
  t.true(matchFsType('ext4', 'ext4'));
  t.false(matchFsType('vfat', 'ext4,xfs,btrfs'));
});

test('items are compared whole, not as prefixes', (t) => {
  t.false(matchFsType('ext4', 'ext'));
  t.false(matchFsType('ext', 'ext4'));
  t.false(matchFsType('nfs4', 'nfs'));
  t.true(matchFsType('fuse.sshfs', 'fuse.sshfs'));
  t.false(matchFsType('fuse.sshfs', 'fuse'));
});

test('a leading "no" negates the whole list', (t) => {
  t.false(matchFsType('tmpfs', 'notmpfs,ext4'));
  t.false(matchFsType('ext4', 'notmpfs,ext4'), '"nofoo,bar" means "nofoo,nobar"');
  t.true(matchFsType('xfs', 'notmpfs,ext4'));
  t.true(matchFsType('proc', 'nosysfs'));
  t.false(matchFsType('sysfs', 'nosysfs'));
});

test('"noX" items exclude inside a positive list', (t) => {
  t.false(matchFsType('vfat', 'ext4,xfs,novfat'));
  t.false(matchFsType('btrfs', 'ext4,xfs,novfat'), 'not listed positively');
  t.true(matchFsType('xfs', 'ext4,xfs,novfat'));
});

test('with a leading "no", a later "noX" item still excludes X', (t) => {
  t.false(matchFsType('vfat', 'noext4,novfat'));
  t.true(matchFsType('xfs', 'noext4,novfat'));
});

test('type comparison is case-insensitive; the leading "no" is not', (t) => {
  t.true(matchFsType('EXT4', 'ext4'));
  t.true(matchFsType('ext4', 'xfs,EXT4'));
  t.false(matchFsType('Tmpfs', 'notmpfs'));
  t.false(matchFsType('tmpfs', 'NOtmpfs'), '"NO" is not a negation: the pattern is the type "NOtmpfs"');
  t.true(matchFsType('notmpfs', 'NOtmpfs'));
});

test('umount -a default filter', (t) => {
  const p = 'noproc,nodevfs,nodevpts,nosysfs,norpc_pipefs,nonfsd,noselinuxfs';
  for (const x of ['proc', 'devfs', 'devpts', 'sysfs', 'rpc_pipefs', 'nfsd', 'selinuxfs']) t.false(matchFsType(x, p), x);
  for (const x of ['tmpfs', 'ext4', 'overlay', 'cgroup2']) t.true(matchFsType(x, p), x);
});

test('-t: an absent pattern matches everything', (t) => {
  t.true(matchFsType('anything', undefined));
});

test('isTypePattern: lists and no-prefixed values', (t) => {
  t.true(isTypePattern('ext4,xfs'));
  t.true(isTypePattern('nosuchfs'));
  t.true(isTypePattern('notmpfs'));
  t.false(isTypePattern('ext4'));
  t.false(isTypePattern('fuse.sshfs'));
  t.false(isTypePattern('auto'));
});

// ---- -O --------------------------------------------------------------------

const OPTS = 'rw,noauto,_netdev,x-systemd.automount,uid=1000,mode=0700';

test('a plain item must be present', (t) => {
  t.true(matchOptions(OPTS, '_netdev'));
  t.true(matchOptions(OPTS, 'rw,_netdev,uid'));
  t.false(matchOptions(OPTS, 'sync'));
  t.false(matchOptions(OPTS, '_netdev,sync'), 'every item must hold');
  t.true(matchOptions(OPTS, 'nofail'), '-O nofail asks for the absence of "fail", not the presence of "nofail"');
  t.false(matchOptions(OPTS, '+nofail'));
  t.true(matchOptions('defaults,nofail', '+nofail'));
});

test('"noX" means X must be absent', (t) => {
  t.true(matchOptions(OPTS, 'nonofail'));
  t.true(matchOptions(OPTS, 'nosync,_netdev'));
  t.false(matchOptions(OPTS, 'no_netdev'));
  t.false(matchOptions(OPTS, 'rw,nouid'));
});

test('"noX" does not look for the literal "noX": "noauto" in -O means "auto" is absent', (t) => {
  t.true(matchOptions(OPTS, 'noauto'), 'the options hold "noauto" but not "auto"');
  t.true(matchOptions('defaults,auto', 'auto'));
  t.false(matchOptions('defaults,auto', 'noauto'));
});

test('"+noX" requires the literal option "noX"', (t) => {
  t.true(matchOptions(OPTS, '+noauto'));
  t.false(matchOptions('defaults,auto', '+noauto'));
  t.true(matchOptions('no', '+no'));
});

test('"X=val" compares the value; "X" alone or "X=" ignores it', (t) => {
  t.true(matchOptions(OPTS, 'uid=1000'));
  t.false(matchOptions(OPTS, 'uid=0'));
  t.true(matchOptions(OPTS, 'uid'));
  t.true(matchOptions(OPTS, 'uid='));
  t.false(matchOptions(OPTS, 'gid=1000'));
  t.false(matchOptions(OPTS, 'nouid=1000'), 'uid is 1000, so "not uid=1000" fails');
  t.true(matchOptions(OPTS, 'nouid=0'));
});

test('the first occurrence of an option decides its value', (t) => {
  t.true(matchOptions('size=1m,size=2m', 'size=1m'));
  t.false(matchOptions('size=1m,size=2m', 'size=2m'));
});

test('quoted values compare as written', (t) => {
  t.true(matchOptions('context="a,b",ro', 'ro'));
  t.true(matchOptions('context="a,b",ro', 'context="a,b"'));
});

test('edge cases from libmount: empty patterns and empty option strings', (t) => {
  t.true(matchOptions('bar,zzz', ''), 'an empty pattern matches');
  t.true(matchOptions('bar,zzz', '+'), 'an empty item matches');
  t.true(matchOptions('', ''));
  t.false(matchOptions('', 'foo'));
  t.true(matchOptions('', 'nofoo'));
  t.false(matchOptions('', 'no,foo'), 'a lone "no" is an error');
  t.false(matchOptions('bar', 'no'));
  t.false(matchOptions('xxx,yyy,zzz', 'nozzz'));
  t.true(matchOptions('xxx,yyy,zzz', 'xxx,noeee'));
  t.true(matchOptions('nofoo,bar', 'nofoo'), '"nofoo" asks for the absence of "foo"');
  t.true(matchOptions('nofoo,bar', '+nofoo'));
  t.false(matchOptions('bar,zzz', '+nofoo'));
});

test('-O: an absent pattern matches everything', (t) => {
  t.true(matchOptions('ro', undefined));
  t.true(matchOptions('', undefined));
});
