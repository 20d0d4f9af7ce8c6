'use strict';
// -o parsing as the kernel sees it: last wins, repeated -o, -r/-w order, defaults, userspace
// options stripped, quoted values, bad format. Both executors.
const test = require('ava');
const { batch, noLoopLeak } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'last-wins-ro-rw',
    title: '-o ro,rw and -o rw,ro: the last one wins',
    script: `mkdir m1 m2
tm -t tmpfs -o ro,rw mc-1 $D/m1
tm -t tmpfs -o rw,ro mc-2 $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro,rw mc-1 $D/m1',
      'rc 0',
      '$ mount -t tmpfs -o rw,ro mc-2 $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-1 rw',
      '= mi $D/m2 / ro,relatime private tmpfs mc-2 ro',
    ]),
  },
  {
    name: 'last-wins-flags',
    title: 'a flag and its inverse cancel: the last one wins (exec/noexec, suid/nosuid, dev/nodev)',
    script: `mkdir m1 m2
tm -t tmpfs -o noexec,exec,nosuid,suid,nodev,dev mc-1 $D/m1
tm -t tmpfs -o exec,noexec,suid,nosuid,dev,nodev mc-2 $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o noexec,exec,nosuid,suid,nodev,dev mc-1 $D/m1',
      'rc 0',
      '$ mount -t tmpfs -o exec,noexec,suid,nosuid,dev,nodev mc-2 $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-1 rw',
      '= mi $D/m2 / rw,nosuid,nodev,noexec,relatime private tmpfs mc-2 rw',
    ]),
  },
  {
    name: 'last-wins-data',
    title: 'a data option given twice: the last value wins',
    script: 'mkdir m; tm -t tmpfs -o size=1m,mode=0700,size=3m,mode=0755 mc-d $D/m; st_stat $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=1m,mode=0700,size=3m,mode=0755 mc-d $D/m',
      'rc 0',
      '= stat $D/m: 0:0 755 directory',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-d rw,size=3072k,mode=755',
    ]),
  },
  {
    name: 'repeated-o',
    title: 'several -o options are concatenated',
    script: 'mkdir m; tm -t tmpfs -o ro -o noexec -o size=1m mc-r $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro -o noexec -o size=1m mc-r $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / ro,noexec,relatime private tmpfs mc-r ro,size=1024k',
    ]),
  },
  {
    name: 'repeated-o-last-wins',
    title: 'repeated -o: a later -o overrides an earlier one',
    script: 'mkdir m; tm -t tmpfs -o ro,noexec -o rw,exec mc-r $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro,noexec -o rw,exec mc-r $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-r rw',
    ]),
  },
  {
    name: 'r-w-order',
    title: '-r / -w and -o: order on the command line decides',
    script: `mkdir m1 m2 m3 m4
tm -r -t tmpfs -o rw mc-1 $D/m1
tm -o rw -t tmpfs -r mc-2 $D/m2
tm -w -t tmpfs -o ro mc-3 $D/m3
tm -o ro -t tmpfs -w mc-4 $D/m4`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -r -t tmpfs -o rw mc-1 $D/m1',
      'rc 0',
      '$ mount -o rw -t tmpfs -r mc-2 $D/m2',
      'rc 0',
      '$ mount -w -t tmpfs -o ro mc-3 $D/m3',
      'rc 0',
      '$ mount -o ro -t tmpfs -w mc-4 $D/m4',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-1 rw',
      '= mi $D/m2 / ro,relatime private tmpfs mc-2 ro',
      '= mi $D/m3 / ro,relatime private tmpfs mc-3 ro',
      '= mi $D/m4 / rw,relatime private tmpfs mc-4 rw',
    ]),
  },
  {
    name: 'long-read-only',
    title: '--read-only / --ro and --rw / --read-write',
    script: `mkdir m1 m2
tm --read-only -t tmpfs mc-1 $D/m1
tm --ro -o ro --rw -t tmpfs mc-2 $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --read-only -t tmpfs mc-1 $D/m1',
      'rc 0',
      '$ mount --ro -o ro --rw -t tmpfs mc-2 $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / ro,relatime private tmpfs mc-1 ro',
      '= mi $D/m2 / rw,relatime private tmpfs mc-2 rw',
    ]),
  },
  {
    name: 'defaults',
    title: 'defaults is a placeholder and does not reset earlier options',
    script: `mkdir m1 m2
tm -t tmpfs -o defaults,noexec mc-d1 $D/m1
tm -t tmpfs -o noexec,nosuid,defaults mc-d2 $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o defaults,noexec mc-d1 $D/m1',
      'rc 0',
      '$ mount -t tmpfs -o noexec,nosuid,defaults mc-d2 $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,noexec,relatime private tmpfs mc-d1 rw',
      '= mi $D/m2 / rw,nosuid,noexec,relatime private tmpfs mc-d2 rw',
    ]),
  },
  {
    name: 'userspace-stripped',
    title: 'userspace options never reach the kernel',
    script: 'mkdir m; tm -t tmpfs -o noauto,_netdev,nofail,comment=foo,x-mc.a=1,X-mc.b=2,size=1m mc-u $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o noauto,_netdev,nofail,comment=foo,x-mc.a=1,X-mc.b=2,size=1m mc-u $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-u rw,size=1024k',
    ]),
  },
  {
    name: 'userspace-auto-user',
    title: 'auto, noauto, defaults, comment= are not kernel options',
    script: 'mkdir m; tm -t tmpfs -o auto,noauto,defaults,comment=x mc-u $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o auto,noauto,defaults,comment=x mc-u $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-u rw',
    ]),
  },
  {
    name: 'quoted-value',
    title: 'a double-quoted option value',
    script: `mkdir m; tm -t tmpfs -o 'size=1m,mode="0750"' mc-q $D/m; st_stat $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=1m,mode="0750" mc-q $D/m',
      'rc 0',
      '= stat $D/m: 0:0 750 directory',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-q rw,size=1024k,mode=750',
    ]),
  },
  {
    name: 'unsupported-format',
    title: 'an option item that starts with = is rejected before any syscall (exit 1, the whole -o string quoted)',
    script: `mkdir m
tm -t tmpfs -o =foo mc-x $D/m
tm -t tmpfs -o =foo,size=1m mc-x $D/m
tm -t tmpfs -o size=1m,=bar mc-x $D/m`,
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ mount -t tmpfs -o =foo mc-x $D/m',
        'rc 1',
        '2> mount: unsupported option format: =foo',
        '$ mount -t tmpfs -o =foo,size=1m mc-x $D/m',
        'rc 1',
        '2> mount: unsupported option format: =foo,size=1m',
        '$ mount -t tmpfs -o size=1m,=bar mc-x $D/m',
        'rc 1',
        '2> mount: unsupported option format: size=1m,=bar',
        '== final state',
      ]);
      t.deepEqual(r.steps[0].err, ['tsmount: unsupported option format: =foo']);
    },
  },
  {
    name: 'empty-items',
    title: 'empty items in an option list are ignored',
    script: 'mkdir m; tm -t tmpfs -o ,noexec,,size=1m, mc-e $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ,noexec,,size=1m, mc-e $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,noexec,relatime private tmpfs mc-e rw,size=1024k',
    ]),
  },
]);
