'use strict';
// Loop devices (issue 3): automatic loop device for a regular file (autoclear, listing shows the
// backing file, tsumount by backing file frees it), -o loop with -t, loop=/dev/loopN, offset= and
// sizelimit= with K/M suffixes, reuse of a device attached to the same file and offset, partial
// overlaps refused, the device detached again when the mount fails, read-only mounts set
// LO_FLAGS_READ_ONLY, tsumount -d. Expected values are util-linux 2.42.2's (conformance scenarios
// loop-*, umount-backing-file, umount-d). Both executors. Every case runs in a private mount
// namespace (test/helpers/ns.js); loop devices of the scratch dir are detached at the end and
// every test checks that none is left attached.
const test = require('ava');
const { suite, stepOf, errLines, mountAt, checkValues, DMESG } = require('./devices-helpers');

const loopOf = (r, file) => r.checks[`loop of ${file}`];

suite(test, [
  {
    name: 'auto',
    script: `mk_ext2 img; mkdir m m2
tm $D/img $D/m
st_loop_of $D/img
tm
tm $D/img $D/m2
st_same_fs $D/m $D/m2
st_loop_of $D/img
snap
tu $D/img
snap
st_loop_of $D/img
tu $D/img
st_loop_of $D/img`,
    tests: [
      {
        title: 'a regular file without -t gets an autoclear loop device',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), [`$ mount $D/img $D/m`, 'rc 0']);
          t.deepEqual(r.snaps[0], [
            '$D/m / rw,relatime private ext2 /dev/loopN rw',
            '$D/m2 / rw,relatime private ext2 /dev/loopN rw',
          ]);
          t.is(checkValues(r, 'loop of $D/img')[0], 'ro=0 autoclear=1 offset=0 sizelimit=0');
        },
      },
      {
        title: 'the listing shows the backing file of an autoclear loop device',
        check: (t, r) => {
          t.is(r.steps[1].rc, 0);
          t.deepEqual(r.steps[1].out.filter((l) => l.includes('$D/')), ['$D/img on $D/m type ext2 (rw,relatime)']);
        },
      },
      {
        title: 'the same image mounted twice reuses the loop device (same superblock)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[2]), [`$ mount $D/img $D/m2`, 'rc 0']);
          t.is(r.checks['same-fs $D/m $D/m2'], 'yes');
          t.is(checkValues(r, 'loop of $D/img')[1], 'ro=0 autoclear=1 offset=0 sizelimit=0', 'still one device');
        },
      },
      {
        title: 'tsumount BACKING-FILE unmounts; the device goes away with the last mount',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[3]), ['$ umount $D/img', 'rc 0']);
          t.is(r.snaps[1].length, 1, 'one of the two mounts is left');
          t.is(checkValues(r, 'loop of $D/img')[2], 'ro=0 autoclear=1 offset=0 sizelimit=0', 'still used by the other mount');
          t.deepEqual(stepOf(r.steps[4]), ['$ umount $D/img', 'rc 0']);
          t.is(checkValues(r, 'loop of $D/img')[3], 'none');
          t.deepEqual(r.mountinfo, []);
          t.deepEqual(r.loops, []);
        },
      },
    ],
  },
  {
    name: 'umount-backing-file',
    title: 'tsumount BACKING-FILE of a loop mount made by the system mount (conformance umount-backing-file)',
    script: 'mk_ext2 img; mkdir m; smount $D/img $D/m; tu $D/img',
    check: (t, r) => t.deepEqual(r.transcript, ['$ umount $D/img', 'rc 0', '== final state']),
  },
  {
    name: 'o-loop-t',
    script: `mk_ext2 img; mkdir m
tm -t ext2 -o loop $D/img $D/m
st_utab_of $D/m
tm`,
    tests: [
      {
        title: '-t ext2 -o loop (conformance loop-o-loop-t)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount -t ext2 -o loop $D/img $D/m', 'rc 0']);
          t.deepEqual(r.mountinfo, ['$D/m / rw,relatime private ext2 /dev/loopN rw']);
          t.deepEqual(r.loops, ['/dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0']);
        },
      },
      {
        // hook_loopdev.c: "autoclear flag accepted by the kernel, don't store the loop= option to utab"
        failing: false,
        title: '-o loop: "loop" is not kept in utab for an autoclear device (listing without it)',
        check: (t, r) => {
          t.is(r.checks['utab $D/m'], 'none');
          t.deepEqual(r.steps[1].out.filter((l) => l.includes('$D/')), ['$D/img on $D/m type ext2 (rw,relatime)']);
        },
      },
    ],
  },
  {
    name: 'explicit-dev',
    // free_loop names a free device, which another test may take before tsmount does: such a
    // lost race (the device is then bound to another file) is retried with the next free one
    script: `mk_ext2 img; mkdir m
for i in 1 2 3 4 5; do
  L=$(free_loop)
  tm -o loop=$L $D/img $D/m && break
  b=$(cat /sys/block/\${L#/dev/}/loop/backing_file 2>/dev/null)
  [ -n "$b" ] && [ "$b" != "$D/img" ] || break
  tsm_check "lost race $i" "$L was taken by $b"
done
st_cmd "backing file of the requested device" slosetup -n -O BACK-FILE $L
st_test "mounted from the requested device" grep -q " - ext2 $L " /proc/self/mountinfo
st_utab_of $D/m
tm
tu $D/m
st_loop_of $D/img`,
    tests: [
      {
        title: '-o loop=/dev/loopN (a free device) uses that device, autoclear',
        check: (t, r) => {
          const races = Object.keys(r.checks).filter((k) => k.startsWith('lost race')).length;
          if (races) t.log(`${races} free device(s) taken by other tests first`);
          const mounts = r.steps.filter((s) => s.argv[0] === '-o');
          t.deepEqual(stepOf(mounts[mounts.length - 1]), ['$ mount -o loop=/dev/loopN $D/img $D/m', 'rc 0']);
          t.is(mounts.length, races + 1);
          t.is(r.checks['backing file of the requested device'], '$D/img');
          t.is(r.checks['mounted from the requested device'], 'yes');
          t.deepEqual(stepOf(r.steps[r.steps.length - 1]), ['$ umount $D/m', 'rc 0']);
          t.is(r.checks['loop of $D/img'], 'none', 'autoclear: gone with the mount');
        },
      },
      {
        // hook_loopdev.c: "autoclear flag accepted by the kernel, don't store the loop= option to utab"
        failing: false,
        title: '-o loop=/dev/loopN: loop= is not kept in utab for an autoclear device (listing without it)',
        check: (t, r) => {
          t.is(r.checks['utab $D/m'], 'none');
          t.deepEqual(r.steps[r.steps.length - 2].out.filter((l) => l.includes('$D/')), ['$D/img on $D/m type ext2 (rw,relatime)']);
        },
      },
    ],
  },
  {
    name: 'offset',
    script: `mk_ext2_at img 1048576 -L TSDOFF; mkdir m1 m2 m3 m4
tm -o offset=1M,sizelimit=4M $D/img $D/m1
st_loop_of $D/img
tm -t ext2 -o loop,offset=1024K,sizelimit=4096K $D/img $D/m2
st_same_fs $D/m1 $D/m2
tm -o offset=2M $D/img $D/m3
tm -o offset=1048576 $D/img $D/m4`,
    tests: [
      {
        title: 'offset=1M,sizelimit=4M: the loop device starts 1 MiB into the image',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount -o offset=1M,sizelimit=4M $D/img $D/m1', 'rc 0']);
          t.is(loopOf(r, '$D/img'), 'ro=0 autoclear=1 offset=1048576 sizelimit=4194304');
          t.like(mountAt(r, '$D/m1'), { fstype: 'ext2', source: '/dev/loopN' });
        },
      },
      {
        title: 'offset=1024K,sizelimit=4096K is the same range: the device is reused',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[1]), ['$ mount -t ext2 -o loop,offset=1024K,sizelimit=4096K $D/img $D/m2', 'rc 0']);
          t.is(r.checks['same-fs $D/m1 $D/m2'], 'yes');
          t.deepEqual(r.loops, ['/dev/loopN back=$D/img offset=1048576 sizelimit=4194304 autoclear=1 ro=0']);
        },
      },
      {
        title: 'a partially overlapping range is refused: overlapping loop device exists (rc 32)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[2]), [
            '$ mount -o offset=2M $D/img $D/m3', 'rc 32', '2> mount: $D/m3: overlapping loop device exists for $D/img.',
          ]);
          // same offset, other sizelimit: not the same device either
          t.deepEqual(stepOf(r.steps[3]), [
            '$ mount -o offset=1048576 $D/img $D/m4', 'rc 32', '2> mount: $D/m4: overlapping loop device exists for $D/img.',
          ]);
          t.deepEqual(r.mountinfo.map((l) => l.split(' ')[0]), ['$D/m1', '$D/m2']);
          t.is(r.loops.length, 1);
        },
      },
    ],
  },
  {
    name: 'overlap',
    title: 'offset=1048576 then offset=2097152 (conformance loop-overlap)',
    script: `mk_ext2_at img 1048576; mkdir m1 m2
tm -o offset=1048576 $D/img $D/m1
tm -o offset=2097152 $D/img $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o offset=1048576 $D/img $D/m1',
      'rc 0',
      '$ mount -o offset=2097152 $D/img $D/m2',
      'rc 32',
      '2> mount: $D/m2: overlapping loop device exists for $D/img.',
      '== final state',
      '= mi $D/m1 / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=1048576 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'already-mounted',
    title: 'the same image on the same mount point again: "is already mounted" (rc 1)',
    script: 'mk_ext2 img; mkdir m; tm $D/img $D/m; tm $D/img $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/img $D/m',
      'rc 0',
      '$ mount $D/img $D/m',
      'rc 1',
      '2> mount: $D/m: $D/img is already mounted.',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'fail-detach',
    script: `mkdir m src; echo x >src/f; mk_squashfs sq.img src
tm -t ext2 $D/sq.img $D/m
st_loop_of $D/sq.img`,
    tests: [
      {
        title: 'a failed mount (-t ext2 on a squashfs image) detaches its loop device again',
        check: (t, r) => {
          t.is(r.steps[0].rc, 32);
          const err = errLines(r.steps[0]);
          t.is(err.length, 2);
          t.regex(err[0], /^mount: \$D\/m: wrong fs type, bad option, bad superblock on \S+, missing codepage or helper program, or other error\.$/);
          t.is(err[1], DMESG);
          t.is(loopOf(r, '$D/sq.img'), 'none');
          t.deepEqual(r.mountinfo, []);
          t.deepEqual(r.loops, []);
        },
      },
      {
        // util-linux names the loop device it set up (the context's source is /dev/loopN by then)
        failing: false,
        title: 'failed loop mount: the message names the loop device, as util-linux does',
        check: (t, r) => t.deepEqual(stepOf(r.steps[0]), [
          '$ mount -t ext2 $D/sq.img $D/m',
          'rc 32',
          '2> mount: $D/m: wrong fs type, bad option, bad superblock on /dev/loopN, missing codepage or helper program, or other error.',
          `2> ${DMESG}`,
        ]),
      },
    ],
  },
  {
    name: 'read-only',
    title: '-o ro / -r: the loop device is set up read-only (LO_FLAGS_READ_ONLY, sysfs ro=1)',
    script: `mk_ext2 img; mk_ext2 img2; mkdir m1 m2
tm -o ro $D/img $D/m1
st_loop_of $D/img
tm -r $D/img2 $D/m2
st_loop_of $D/img2
st_write $D/m1/x`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), ['$ mount -o ro $D/img $D/m1', 'rc 0']);
      t.deepEqual(stepOf(r.steps[1]), ['$ mount -r $D/img2 $D/m2', 'rc 0']);
      t.is(loopOf(r, '$D/img'), 'ro=1 autoclear=1 offset=0 sizelimit=0');
      t.is(loopOf(r, '$D/img2'), 'ro=1 autoclear=1 offset=0 sizelimit=0');
      t.is(r.checks['write $D/m1/x'], 'Read-only file system');
      t.deepEqual(r.mountinfo, [
        '$D/m1 / ro,relatime private ext2 /dev/loopN ro',
        '$D/m2 / ro,relatime private ext2 /dev/loopN ro',
      ]);
    },
  },
  {
    name: 'ro-reuse',
    // hook_loopdev.c: an existing read-only device for the same file and offset gives -EROFS
    // before any syscall; mnt_context_mount() then retries read-only (the "write-protected
    // source" fallback) and the read-only device is reused.
    failing: false,
    title: 'a read-write mount of an image attached read-only falls back to read-only and reuses the device',
    script: `mk_ext2 img; mkdir m1 m2
tm -o ro $D/img $D/m1
tm $D/img $D/m2
st_same_fs $D/m1 $D/m2`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[1]), [
        '$ mount $D/img $D/m2', 'rc 0', '2> mount: $D/m2: WARNING: source write-protected, mounted read-only.',
      ]);
      t.is(r.checks['same-fs $D/m1 $D/m2'], 'yes');
      t.like(mountAt(r, '$D/m2'), { fstype: 'ext2', sopts: 'ro' });
      t.deepEqual(r.loops, ['/dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=1']);
    },
  },
  {
    name: 'umount-d',
    title: 'tsumount -d detaches a non-autoclear loop device (conformance umount-d)',
    script: `mk_ext2 img; mkdir m; L=$(loop_attach $D/img); smount $L $D/m
st_loops
tu -d $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
      '$ umount -d $D/m',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'umount-keeps',
    title: 'tsmount /dev/loopN (non-autoclear) lists the device; tsumount without -d leaves it attached',
    script: `mk_ext2 img; mkdir m; L=$(loop_attach $D/img)
tm $L $D/m
tm
tu $D/m
st_loop_of $D/img
slosetup -d $L
st_loop_of $D/img`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), ['$ mount /dev/loopN $D/m', 'rc 0']);
      t.deepEqual(r.steps[1].out.filter((l) => l.includes('$D/')), ['/dev/loopN on $D/m type ext2 (rw,relatime)']);
      t.deepEqual(stepOf(r.steps[2]), ['$ umount $D/m', 'rc 0']);
      t.deepEqual(r.transcript.filter((l) => l.startsWith('= loop of')), [
        '= loop of $D/img: ro=0 autoclear=0 offset=0 sizelimit=0',
        '= loop of $D/img: none',
      ]);
    },
  },
], { executors: ['fd', 'mount2'] });
