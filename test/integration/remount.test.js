'use strict';
// Remount: options rebuilt from the mount table or fstab (-T too), ro/rw, remount,bind,ro, by
// source, --options-source mtab, not mounted. Both executors.
const test = require('ava');
const { batch, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'ro-keeps-data',
    title: 'remount,ro keeps data options (size, mode) and nosuid',
    script: `mkdir m; smount -t tmpfs -o size=2m,mode=0750,nosuid mc-r $D/m
tm -o remount,ro $D/m
st_write $D/m/file`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,ro $D/m',
      'rc 0',
      '= write $D/m/file: Read-only file system',
      '== final state',
      '= mi $D/m / ro,nosuid,relatime private tmpfs mc-r ro,size=2048k,mode=750',
    ]),
  },
  {
    name: 'rw',
    title: 'remount,rw of a read-only tmpfs',
    script: `mkdir m; smount -t tmpfs -o ro,size=1m mc-r $D/m
tm -o remount,rw $D/m
st_write $D/m/file`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,rw $D/m',
      'rc 0',
      '= write $D/m/file: ok',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-r rw,size=1024k',
    ]),
  },
  {
    name: 'keeps-flags',
    title: 'remount,nosuid adds to the flags the mount has (noexec stays)',
    script: `mkdir m; smount -t tmpfs -o noexec,nodev,size=1m mc-k $D/m
tm -o remount,nosuid $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,nosuid $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,nosuid,nodev,noexec,relatime private tmpfs mc-k rw,size=1024k',
    ]),
  },
  {
    name: 'clear-flag',
    title: 'remount,exec clears noexec, other flags and data stay',
    script: `mkdir m; smount -t tmpfs -o noexec,nosuid,size=1m,mode=0711 mc-k $D/m
tm -o remount,exec $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,exec $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,nosuid,relatime private tmpfs mc-k rw,size=1024k,mode=711',
    ]),
  },
  {
    name: 'data-change',
    title: 'remount,size= changes a data option, mode stays',
    script: `mkdir m; smount -t tmpfs -o size=1m,mode=0700 mc-d $D/m
tm -o remount,size=3m $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,size=3m $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-d rw,size=3072k,mode=700',
    ]),
  },
  {
    name: 'twice',
    title: 'remount ro then rw: files written before are still there',
    script: `mkdir m; smount -t tmpfs -o size=1m mc-t $D/m; echo keep > m/f
tm -o remount,ro $D/m
snap
tm -o remount,rw $D/m
st_file $D/m/f
st_write $D/m/g`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,ro $D/m',
      'rc 0',
      '== state',
      '= mi $D/m / ro,relatime private tmpfs mc-t ro,size=1024k',
      '$ mount -o remount,rw $D/m',
      'rc 0',
      '= file $D/m/f: keep',
      '= write $D/m/g: ok',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-t rw,size=1024k',
    ]),
  },
  {
    name: 'by-source',
    title: 'remount by source name (looked up in the mount table)',
    script: `mkdir m; smount -t tmpfs -o size=1m mc-rsrc $D/m
tm -o remount,ro mc-rsrc`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,ro mc-rsrc',
      'rc 0',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-rsrc ro,size=1024k',
    ]),
  },
  {
    name: 'verbose',
    title: 'remount -v: "SRC mounted on TGT." with the source from the mount table',
    script: `mkdir m; smount -t tmpfs -o size=1m mc-rv $D/m
tm -v -o remount,ro $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v -o remount,ro $D/m',
      'rc 0',
      '1> mount: mc-rv mounted on $D/m.',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-rv ro,size=1024k',
    ]),
  },
  {
    name: 'fstab-only-o',
    title: 'remount with only -o remount and a target listed in fstab: fstab options apply',
    script: `mkdir m
mk_fstab <<EOT
mc-f  $D/m  tmpfs  noexec,size=2m  0 0
EOT
smount -t tmpfs -o size=1m mc-f $D/m
tm -o remount $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,noexec,relatime private tmpfs mc-f rw,size=2048k',
    ]),
  },
  {
    name: 'fstab-T',
    title: 'remount by an entry of a -T fstab file, with -o on top',
    script: `mkdir m
cat > alt.fstab <<EOT
mc-ft  $D/m  tmpfs  nosuid,size=2m  0 0
EOT
smount -t tmpfs -o size=1m mc-ft $D/m
tm -T $D/alt.fstab -o remount,ro $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/alt.fstab -o remount,ro $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / ro,nosuid,relatime private tmpfs mc-ft ro,size=2048k',
    ]),
  },
  {
    name: 'options-source-mtab',
    title: 'remount: --options-source mtab uses the mounted options, the default reads fstab first',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-os1  $D/m1  tmpfs  noexec,size=2m  0 0
mc-os2  $D/m2  tmpfs  noexec,size=2m  0 0
EOT
smount -t tmpfs -o size=1m,nodev mc-os1 $D/m1
smount -t tmpfs -o size=1m,nodev mc-os2 $D/m2
tm --options-source mtab -o remount,ro $D/m1
tm -o remount,ro $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --options-source mtab -o remount,ro $D/m1',
      'rc 0',
      '$ mount -o remount,ro $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / ro,nodev,relatime private tmpfs mc-os1 ro,size=1024k',
      '= mi $D/m2 / ro,noexec,relatime private tmpfs mc-os2 ro,size=2048k',
    ]),
  },
  {
    name: 'bind-ro',
    title: 'remount,bind,ro changes only the bind mount, not the source filesystem',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src; smount --bind $D/src $D/b
tm -o remount,bind,ro $D/b
st_write $D/b/x
st_write $D/src/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,bind,ro $D/b',
      'rc 0',
      '= write $D/b/x: Read-only file system',
      '= write $D/src/x: ok',
      '== final state',
      '= mi $D/b / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'bind-flags',
    title: 'remount,bind,nosuid,noexec on a bind mount; the source keeps its flags',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src; smount --bind $D/src $D/b
tm -o remount,bind,nosuid,noexec $D/b`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,bind,nosuid,noexec $D/b',
      'rc 0',
      '== final state',
      '= mi $D/b / rw,nosuid,noexec,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'not-mounted',
    title: 'remount of a directory that is not a mount point',
    script: 'mkdir d; tm -o remount,ro $D/d',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o remount,ro $D/d',
      'rc 32',
      '2> mount: $D/d: mount point not mounted or bad option.',
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
]);
