'use strict';
// mount -a: noauto / swap / already mounted, -t lists and no-patterns, -O, nofail, exit codes
// 64 and 32, -v lines with util-linux's "%-25s: " padding, -o for every entry. Both executors.
const test = require('ava');
const { batch, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'basic',
    title: 'auto entries mounted, noauto and swap skipped; a second -a changes nothing',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-a1      $D/m1   tmpfs  size=1m,mode=0700   0 0
mc-a2      $D/m2   tmpfs  noauto,size=2m      0 0
$D/swapf   none    swap   sw                  0 0
mc-a3      $D/m3   tmpfs  nosuid,x-mc.t=1     0 0
EOT
tm -a
snap
tm -a`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a',
      'rc 0',
      '== state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-a1 rw,size=1024k,mode=700',
      '= mi $D/m3 / rw,nosuid,relatime private tmpfs mc-a3 rw',
      '$ mount -a',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-a1 rw,size=1024k,mode=700',
      '= mi $D/m3 / rw,nosuid,relatime private tmpfs mc-a3 rw',
    ]),
  },
  {
    name: 'v', // a short name: the real paths are shorter than 25 characters, so they get padded
    title: '-a -v reports each entry ("%-25s: " padding)',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-v1  $D/m1  tmpfs  size=1m         0 0
mc-v2  $D/m2  tmpfs  noauto          0 0
mc-v3  $D/m3  tmpfs  size=1m         0 0
EOT
smount -t tmpfs -o size=1m mc-v3 $D/m3
tm -a -v`,
    check: (t, r) => {
      t.regex(r.steps[0].out[0] ?? '', /^\$D\/m1 {3}: successfully mounted$/);
      t.deepEqual(r.transcript, [
        '$ mount -a -v',
        'rc 0',
        `1> ${r.pad('$D/m1')}: successfully mounted`, // "$D/m1   : ..." (the real path padded to 25)
        `1> ${r.pad('$D/m2')}: ignored`,
        `1> ${r.pad('$D/m3')}: already mounted`,
        '== final state',
        '= mi $D/m1 / rw,relatime private tmpfs mc-v1 rw,size=1024k',
        '= mi $D/m3 / rw,relatime private tmpfs mc-v3 rw,size=1024k',
      ]);
    },
  },
  {
    name: 'verbose-long',
    title: '-a -v: a target longer than 25 characters is not padded; swap entries are ignored',
    script: `mkdir a-mount-point-with-a-long-name
mk_fstab <<EOT
mc-l   $D/a-mount-point-with-a-long-name  tmpfs  size=1m  0 0
$D/sw  none                                swap   sw       0 0
EOT
tm -a -v`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -v',
      'rc 0',
      '1> $D/a-mount-point-with-a-long-name: successfully mounted',
      `1> ${r.pad('none')}: ignored`,
      '== final state',
      '= mi $D/a-mount-point-with-a-long-name / rw,relatime private tmpfs mc-l rw,size=1024k',
    ]),
  },
  {
    name: 'O-filter',
    title: '-a -O OPT selects entries by option',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-o1  $D/m1  tmpfs  size=1m,_netdev  0 0
mc-o2  $D/m2  tmpfs  size=1m          0 0
mc-o3  $D/m3  tmpfs  _netdev,noexec   0 0
EOT
tm -a -O _netdev`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -O _netdev',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-o1 rw,size=1024k',
      '= mi $D/m3 / rw,noexec,relatime private tmpfs mc-o3 rw',
    ]),
  },
  {
    name: 'O-no',
    title: '-a -O no_netdev selects the entries without _netdev',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-o1  $D/m1  tmpfs  size=1m,_netdev  0 0
mc-o2  $D/m2  tmpfs  size=1m          0 0
mc-o3  $D/m3  tmpfs  _netdev,noexec   0 0
EOT
tm -a -O no_netdev`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -O no_netdev',
      'rc 0',
      '== final state',
      '= mi $D/m2 / rw,relatime private tmpfs mc-o2 rw,size=1024k',
    ]),
  },
  {
    name: 't-list',
    title: '-a -t TYPE,TYPE filters the entries',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-t1  $D/m1  tmpfs  size=1m  0 0
mc-t2  $D/m2  ramfs  defaults 0 0
mc-t3  $D/m3  tmpfs  size=1m  0 0
EOT
tm -a -t ramfs,ext2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -t ramfs,ext2',
      'rc 0',
      '== final state',
      '= mi $D/m2 / rw,relatime private ramfs mc-t2 rw',
    ]),
  },
  {
    name: 't-no',
    title: '-a -t noTYPE excludes a type',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-t1  $D/m1  tmpfs  size=1m  0 0
mc-t2  $D/m2  ramfs  defaults 0 0
mc-t3  $D/m3  tmpfs  size=1m  0 0
EOT
tm -a -t notmpfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -t notmpfs',
      'rc 0',
      '== final state',
      '= mi $D/m2 / rw,relatime private ramfs mc-t2 rw',
    ]),
  },
  {
    name: 't-no-list',
    title: '-a -t noramfs,ext2: the leading "no" negates the whole list',
    script: `mkdir m1 m2 m3
mk_fstab <<EOT
mc-t1  $D/m1  tmpfs  size=1m  0 0
mc-t2  $D/m2  ramfs  defaults 0 0
mc-t3  $D/m3  tmpfs  size=1m  0 0
EOT
tm -a -t noramfs,ext2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -t noramfs,ext2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-t1 rw,size=1024k',
      '= mi $D/m3 / rw,relatime private tmpfs mc-t3 rw,size=1024k',
    ]),
  },
  {
    name: 'o-every-entry',
    title: '-a -o OPTS applies the options to every entry',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-e1  $D/m1  tmpfs  size=1m  0 0
mc-e2  $D/m2  ramfs  nodev    0 0
EOT
tm -a -o noexec`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -o noexec',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,noexec,relatime private tmpfs mc-e1 rw,size=1024k',
      '= mi $D/m2 / rw,nodev,noexec,relatime private ramfs mc-e2 rw',
    ]),
  },
  {
    name: 'T-file',
    title: '-a -T FILE mounts the entries of that file only',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-etc  $D/m1  tmpfs  size=1m  0 0
EOT
echo "mc-alt $D/m2 tmpfs size=2m 0 0" > alt.fstab
tm -a -T $D/alt.fstab`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -T $D/alt.fstab',
      'rc 0',
      '== final state',
      '= mi $D/m2 / rw,relatime private tmpfs mc-alt rw,size=2048k',
    ]),
  },
  {
    name: 'nofail',
    title: '-a with a nofail entry whose source is missing',
    script: `mkdir m1 m2
mk_fstab <<EOT
$D/missing.img  $D/m1  ext2   nofail    0 0
mc-n2           $D/m2  tmpfs  size=1m   0 0
EOT
tm -a`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a',
      'rc 0',
      '== final state',
      '= mi $D/m2 / rw,relatime private tmpfs mc-n2 rw,size=1024k',
    ]),
  },
  {
    name: 'nofail-dir',
    title: '-a with a nofail entry the kernel explains (a directory as ext2 source): a failure with the fd API, excused with mount(2) (ENOTBLK)',
    script: `mkdir m1 m2 d
mk_fstab <<EOT
$D/d   $D/m1  ext2   nofail    0 0
mc-n2  $D/m2  tmpfs  size=1m   0 0
EOT
tm -a`,
    check: (t, r, mode) => t.deepEqual(r.transcript, [
      '$ mount -a',
      ...(mode === 'fd'
        ? ['rc 64', "2> mount: $D/m1: fsconfig() failed: $D/d: Can't lookup blockdev.", `2> ${DMESG}`]
        : ['rc 0']),
      '== final state',
      '= mi $D/m2 / rw,relatime private tmpfs mc-n2 rw,size=1024k',
    ]),
  },
  {
    name: 'mixed',
    title: '-a where one entry fails: exit 64',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-x1  $D/m1  tmpfs     size=1m  0 0
mc-x2  $D/m2  mcfoofs  defaults 0 0
EOT
tm -a`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a',
      'rc 64',
      "2> mount: $D/m2: unknown filesystem type 'mcfoofs'.",
      `2> ${DMESG}`,
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-x1 rw,size=1024k',
    ]),
  },
  {
    name: 'fail',
    title: '-a where every entry fails: exit 32 (kernel message with the fd API, generic text with mount(2))',
    script: `mkdir m1
mk_fstab <<EOT
mc-f1  $D/nonexistent  tmpfs     size=1m  0 0
mc-f2  $D/m1           tmpfs     size=foo 0 0
EOT
tm -a`,
    check: (t, r, mode) => t.deepEqual(r.transcript, [
      '$ mount -a',
      'rc 32',
      '2> mount: $D/nonexistent: mount point does not exist.',
      `2> ${DMESG}`,
      mode === 'fd'
        ? "2> mount: $D/m1: fsconfig() failed: tmpfs: Bad value for 'size'."
        : '2> mount: $D/m1: wrong fs type, bad option, bad superblock on mc-f2, missing codepage or helper program, or other error.',
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'nothing',
    title: '-a with an empty fstab: nothing to do, exit 0',
    script: 'tm -a; tm -a -v',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a',
      'rc 0',
      '$ mount -a -v',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'r', // short name: padded paths
    title: '-a -v: entries for / and root, and entries -t filters out, are "ignored"',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-root  /      tmpfs  defaults  0 0
mc-rt    root   tmpfs  defaults  0 0
mc-t1    $D/m1  tmpfs  size=1m   0 0
mc-r2    $D/m2  ramfs  defaults  0 0
EOT
tm -a -v -t ramfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -v -t ramfs',
      'rc 0',
      `1> ${'/'.padEnd(25)}: ignored`,
      `1> ${'root'.padEnd(25)}: ignored`,
      `1> ${r.pad('$D/m1')}: ignored`,
      `1> ${r.pad('$D/m2')}: successfully mounted`,
      '== final state',
      '= mi $D/m2 / rw,relatime private ramfs mc-r2 rw',
    ]),
  },
  {
    name: 'n', // short name: padded paths
    title: '-a -v: a nofail entry that fails prints nothing and counts as success',
    script: `mkdir m1 m2
mk_fstab <<EOT
$D/missing.img  $D/m1  ext2   nofail    0 0
mc-n2           $D/m2  tmpfs  size=1m   0 0
EOT
tm -a -v`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -a -v',
      'rc 0',
      `1> ${r.pad('$D/m2')}: successfully mounted`,
      '== final state',
      '= mi $D/m2 / rw,relatime private tmpfs mc-n2 rw,size=1024k',
    ]),
  },
]);
