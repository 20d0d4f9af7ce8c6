'use strict';
// Listing: `tsmount`, `tsmount -t TYPE` (and no-patterns), `-l` with an ext2 label, userspace
// options from utab, control characters. Only lines about the case's directory are compared.
// The listing does not depend on the executor: run once.
const test = require('ava');
const { batch, noLoopLeak, EXECUTORS } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'all',
    title: 'listing with no arguments',
    script: `mkdir m1 m2
smount -t tmpfs -o size=1m,mode=0700 mc-l1 $D/m1
smount -t tmpfs -o ro,noexec mc-l2 $D/m2
tm_w`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount',
      'rc 0',
      '1> mc-l1 on $D/m1 type tmpfs (rw,relatime,size=1024k,mode=700)',
      '1> mc-l2 on $D/m2 type tmpfs (ro,noexec,relatime)',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-l1 rw,size=1024k,mode=700',
      '= mi $D/m2 / ro,noexec,relatime private tmpfs mc-l2 ro',
    ]),
  },
  {
    name: 'order',
    title: 'mounts are listed in mount order, stacked and bind mounts included',
    script: `mkdir a b c
smount -t tmpfs mc-o1 $D/c
smount -t ramfs mc-o2 $D/a
smount -t tmpfs -o size=1m mc-o3 $D/c
smount --bind $D/a $D/b
tm_w`,
    check: (t, r) => t.deepEqual(r.steps[0].out, [
      'mc-o1 on $D/c type tmpfs (rw,relatime)',
      'mc-o2 on $D/a type ramfs (rw,relatime)',
      'mc-o3 on $D/c type tmpfs (rw,relatime,size=1024k)',
      'mc-o2 on $D/b type ramfs (rw,relatime)',
    ]),
  },
  {
    name: 'types',
    title: '-t TYPE, -t TYPE,TYPE and -t noTYPE filter the listing',
    script: `mkdir t r
smount -t tmpfs -o nosuid mc-lt $D/t
smount -t ramfs mc-lr $D/r
tm_w -t tmpfs
tm_w -t ramfs
tm_w -t notmpfs
tm_w -t ramfs,tmpfs
tm_w -t ext2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs',
      'rc 0',
      '1> mc-lt on $D/t type tmpfs (rw,nosuid,relatime)',
      '$ mount -t ramfs',
      'rc 0',
      '1> mc-lr on $D/r type ramfs (rw,relatime)',
      '$ mount -t notmpfs',
      'rc 0',
      '1> mc-lr on $D/r type ramfs (rw,relatime)',
      '$ mount -t ramfs,tmpfs',
      'rc 0',
      '1> mc-lt on $D/t type tmpfs (rw,nosuid,relatime)',
      '1> mc-lr on $D/r type ramfs (rw,relatime)',
      '$ mount -t ext2',
      'rc 0',
      '== final state',
      '= mi $D/r / rw,relatime private ramfs mc-lr rw',
      '= mi $D/t / rw,nosuid,relatime private tmpfs mc-lt rw',
    ]),
  },
  {
    name: 'label',
    title: '-l -t ext2 shows the backing file of an auto-loop device and the label',
    script: `mk_ext2 img -L MCLIST1; mkdir m
smount $D/img $D/m
tm_w -l -t ext2
tm_w -t ext2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -l -t ext2',
      'rc 0',
      '1> $D/img on $D/m type ext2 (rw,relatime) [MCLIST1]',
      '$ mount -t ext2',
      'rc 0',
      '1> $D/img on $D/m type ext2 (rw,relatime)',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'label-explicit-loop',
    title: '-l: an explicitly attached loop device is listed as the device, with its label',
    script: `mk_ext2 img -L MCLIST2; mkdir m
L=$(loop_attach $D/img)
smount $L $D/m
tm_w -l -t ext2
sumount $D/m
slosetup -d $L`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -l -t ext2',
      'rc 0',
      '1> /dev/loopN on $D/m type ext2 (rw,relatime) [MCLIST2]',
      '== final state',
    ]),
  },
  {
    name: 'x-options',
    title: 'x-* options given at mount time show up in the listing (from utab)',
    script: `mkdir m
tm -t tmpfs -o x-mc.key=val,size=1m mc-x $D/m
tm_w -t tmpfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o x-mc.key=val,size=1m mc-x $D/m',
      'rc 0',
      '$ mount -t tmpfs',
      'rc 0',
      '1> mc-x on $D/m type tmpfs (rw,relatime,size=1024k,x-mc.key=val)',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-x rw,size=1024k',
    ]),
  },
  {
    name: 'x-options-gone',
    title: 'after umount the utab entry is gone: a new mount there lists no x-* option',
    script: `mkdir m
tm -t tmpfs -o x-mc.key=val mc-x $D/m
tu $D/m
smount -t tmpfs mc-y $D/m
tm_w -t tmpfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o x-mc.key=val mc-x $D/m',
      'rc 0',
      '$ umount $D/m',
      'rc 0',
      '$ mount -t tmpfs',
      'rc 0',
      '1> mc-y on $D/m type tmpfs (rw,relatime)',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-y rw',
    ]),
  },
  {
    name: 'control-chars',
    title: 'control characters in a mount point are shown as ?',
    script: `mkdir "$(printf 'tab\\there')"
smount -t ramfs mc-tab "$D/$(printf 'tab\\there')"
tm_w -t ramfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t ramfs',
      'rc 0',
      '1> mc-tab on $D/tab?here type ramfs (rw,relatime)',
      '== final state',
      '= mi $D/tab\\011here / rw,relatime private ramfs mc-tab rw',
    ]),
  },
  {
    name: 'bad-usage',
    title: 'options without source or target (other than -t/-l) are bad usage, not a listing',
    script: 'tm -o ro',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o ro',
      'rc 1',
      '2> mount: bad usage',
      "2> Try 'tsmount --help' for more information.",
      '== final state',
    ]),
  },
], { executors: [EXECUTORS[0]] });
