'use strict';
// ext2 images (mkfs.ext2 -q -F -b 1024, 4 MiB): automatic loop devices (autoclear, reused,
// read-only), an explicit device attached with losetup (detached by the script), data that
// survives an umount, remount of a block filesystem, umount -v. Both executors.
const test = require('ava');
const { batch, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'auto',
    title: 'an image file without -t: automatic autoclear loop device, gone after umount',
    script: `mk_ext2 img -L MCAUTO; mkdir m
tm -v $D/img $D/m
st_loops
echo data > m/f
tu $D/m
st_loops
st_ls $D/m
tm $D/img $D/m
st_file $D/m/f`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v $D/img $D/m',
      'rc 0',
      '1> mount: /dev/loopN mounted on $D/m.',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
      '$ umount $D/m',
      'rc 0',
      '= ls $D/m: ',
      '$ mount $D/img $D/m',
      'rc 0',
      '= file $D/m/f: data',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'o-loop-t',
    title: '-t ext2 -o loop',
    script: 'mk_ext2 img; mkdir m; tm -t ext2 -o loop $D/img $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t ext2 -o loop $D/img $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'relative',
    title: 'relative image and mount point paths',
    script: 'mk_ext2 img; mkdir m; tm img m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount img m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'ro',
    title: '-o ro: a read-only loop device and a read-only mount',
    script: `mk_ext2 img; mkdir m
tm -o ro $D/img $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o ro $D/img $D/m',
      'rc 0',
      '= write $D/m/x: Read-only file system',
      '== final state',
      '= mi $D/m / ro,relatime private ext2 /dev/loopN ro',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=1',
    ]),
  },
  {
    name: 'reuse',
    title: 'the same image mounted twice reuses the loop device (same superblock)',
    script: `mk_ext2 img; mkdir m1 m2
tm $D/img $D/m1
tm $D/img $D/m2
st_same_fs $D/m1 $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/img $D/m1',
      'rc 0',
      '$ mount $D/img $D/m2',
      'rc 0',
      '= same-fs $D/m1 $D/m2: yes',
      '== final state',
      '= mi $D/m1 / rw,relatime private ext2 /dev/loopN rw',
      '= mi $D/m2 / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'already-mounted',
    title: 'the same image on the same mount point again: "is already mounted", exit 1',
    script: 'mk_ext2 img; mkdir m; smount $D/img $D/m; tm $D/img $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/img $D/m',
      'rc 1',
      '2> mount: $D/m: $D/img is already mounted.',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'explicit-dev',
    title: 'a loop device attached with losetup: type detected, the device stays attached after umount',
    script: `mk_ext2 img -L MCEXPL; mkdir m
L=$(loop_attach $D/img)
tm -v $L $D/m
echo keep > m/f
tu $D/m
st_loops
slosetup -d $L
st_loops`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v /dev/loopN $D/m',
      'rc 0',
      '1> mount: /dev/loopN mounted on $D/m.',
      '$ umount $D/m',
      'rc 0',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
      '== final state',
    ]),
  },
  {
    name: 'explicit-dev-t',
    title: 'a loop device attached with losetup, with -t ext2 and -o ro; umount -d detaches it',
    script: `mk_ext2 img; mkdir m
L=$(loop_attach $D/img)
tm -t ext2 -o ro $L $D/m
snap
tu -d $D/m
st_loops`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t ext2 -o ro /dev/loopN $D/m',
      'rc 0',
      '== state',
      '= mi $D/m / ro,relatime private ext2 /dev/loopN ro',
      '$ umount -d $D/m',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'wrong-type',
    title: 'an ext2 image mounted with the wrong -t: the loop device is detached again',
    script: 'mk_ext2 img; mkdir m; tm -t ext4 -o loop,nosuchopt $D/img $D/m; st_loops',
    check: (t, r) => {
      t.is(r.steps[0].rc, 32);
      t.deepEqual(r.mountinfo, []);
      t.deepEqual(r.loops, []);
      t.deepEqual(r.snaps, [[]]);
    },
  },
  {
    name: 'remount',
    title: 'remount,ro and back to rw of an ext2 mount',
    script: `mk_ext2 img; mkdir m
tm $D/img $D/m
tm -o remount,ro,noexec $D/m
st_write $D/m/x
snap
tm -o remount,rw $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/img $D/m',
      'rc 0',
      '$ mount -o remount,ro,noexec $D/m',
      'rc 0',
      '= write $D/m/x: Read-only file system',
      '== state',
      '= mi $D/m / ro,noexec,relatime private ext2 /dev/loopN ro',
      '$ mount -o remount,rw $D/m',
      'rc 0',
      '= write $D/m/x: ok',
      '== final state',
      '= mi $D/m / rw,noexec,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'umount-verbose',
    title: 'umount -v of a loop mount: by absolute path (fast path: no source) and by relative path (source shown)',
    script: `mk_ext2 img; mkdir m1 m2
tm $D/img $D/m1
tm $D/img $D/m2
tu -v $D/m1
tu -v m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/img $D/m1',
      'rc 0',
      '$ mount $D/img $D/m2',
      'rc 0',
      '$ umount -v $D/m1',
      'rc 0',
      '2> umount: $D/m1 unmounted',
      '$ umount -v m2',
      'rc 0',
      '2> umount: $D/m2 (/dev/loopN) unmounted',
      '== final state',
    ]),
  },
  {
    name: 'umount-backing-file',
    title: 'umount by the backing file of an image mounted by tsmount',
    script: 'mk_ext2 img; mkdir m; tm $D/img $D/m; tu $D/img',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/img $D/m',
      'rc 0',
      '$ umount $D/img',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'exclusive',
    title: '--exclusive refuses to reuse a mounted superblock (kernel warning on stdout)',
    executors: ['fd'],
    script: 'mk_ext2 img; mkdir m1 m2; smount $D/img $D/m1; tm --exclusive $D/img $D/m2',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --exclusive $D/img $D/m2',
      'rc 32',
      '1> mount warning:',
      '1>       * ext2: reusing existing filesystem not allowed',
      '2> mount: $D/m2: /dev/loopN already mounted on $D/m1.',
      `2> ${DMESG}`,
      '== final state',
      '= mi $D/m1 / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'exclusive-mount2',
    title: 'mount(2) cannot refuse superblock reuse: --exclusive fails, nothing new mounted, no loop device left',
    executors: ['mount2'],
    script: 'mk_ext2 img; mkdir m1 m2; smount $D/img $D/m1; tm --exclusive $D/img $D/m2',
    check: (t, r) => {
      t.not(r.steps[0].rc, 0);
      t.true(r.steps[0].err.length > 0 && r.steps[0].err[0].startsWith('tsmount: $D/m2: '), r.steps[0].stderr);
      t.deepEqual(r.mountinfo, ['$D/m1 / rw,relatime private ext2 /dev/loopN rw']);
      t.deepEqual(r.loops, ['/dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0']);
    },
  },
]);
