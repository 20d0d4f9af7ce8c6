'use strict';
// Filesystem type detection (issue 3): images made at test time with mkfs.ext2/ext3/ext4,
// mkfs.vfat, mksquashfs, mkfs.btrfs (114 MiB sparse) and mkfs.xfs (300 MiB sparse), mounted
// without -t (auto loop device, probed type in mountinfo); -t lists tried in order; -t auto;
// -t noX patterns; swap areas and LUKS headers refused; two signatures → "more filesystems
// detected"; an image of zeros; no libblkid (TSMOUNT_LIBBLKID=/nonexistent/…). Expected values are util-linux 2.42.2's (libmount
// context.c / context_mount.c / hook_loopdev.c), except where a test says it asserts tsmount's
// own wording. Both executors; private mount namespaces (test/helpers/ns.js).
const test = require('ava');
const { suite, stepOf, errLines, mountAt, checkValues, kernelHas, have, DMESG } = require('./devices-helpers');

// type → how to make a 'TYPE.img' in $D (sparse files: btrfs needs >= 110 MiB, xfs >= 300 MiB)
const IMAGES = {
  ext2: { tool: 'mkfs.ext2', mk: 'mk_extfs ext2 8M ext2.img' },
  ext3: { tool: 'mkfs.ext3', mk: 'mk_extfs ext3 8M ext3.img' },
  ext4: { tool: 'mkfs.ext4', mk: 'mk_extfs ext4 8M ext4.img' },
  vfat: { tool: 'mkfs.vfat', mk: 'truncate -s 8M vfat.img && mkfs.vfat vfat.img >/dev/null' },
  squashfs: { tool: 'mksquashfs', mk: 'mkdir -p sqsrc && echo hello >sqsrc/f && mk_squashfs squashfs.img sqsrc' },
  btrfs: { tool: 'mkfs.btrfs', mk: 'truncate -s 114M btrfs.img && mkfs.btrfs -q btrfs.img >/dev/null' },
  xfs: { tool: 'mkfs.xfs', mk: 'truncate -s 300M xfs.img && mkfs.xfs -q xfs.img >/dev/null' },
};
const TYPES = Object.keys(IMAGES);

const typesScript = TYPES.map((ty) => `if command -v ${IMAGES[ty].tool} >/dev/null; then
  mkdir m-${ty}; ${IMAGES[ty].mk}
  tm $D/${ty}.img $D/m-${ty}
  st_loop_of $D/${ty}.img
  st_test "mount point ${ty}" mountpoint -q $D/m-${ty}
fi`).join('\n');

suite(test, [
  {
    name: 'types',
    script: typesScript,
    tests: TYPES.map((ty) => ({
      title: `${ty} image without -t: type probed, mounted through an autoclear loop device`,
      skip: have(IMAGES[ty].tool) ? undefined : `${IMAGES[ty].tool} not installed`,
      check: (t, r) => {
        const step = r.steps.find((s) => s.cmd === `mount $D/${ty}.img $D/m-${ty}`);
        t.truthy(step, 'mount step ran');
        if (kernelHas(ty)) {
          t.deepEqual(stepOf(step), [`$ mount $D/${ty}.img $D/m-${ty}`, 'rc 0']);
          t.like(mountAt(r, `$D/m-${ty}`), { root: '/', fstype: ty, source: '/dev/loopN' });
          t.is(r.checks[`mount point ${ty}`], 'yes');
          t.regex(r.checks[`loop of $D/${ty}.img`], /^ro=0 autoclear=1 offset=0 sizelimit=0$/);
        } else {
          // the type was probed, the kernel has no driver: util-linux says the same (fsopen ENODEV)
          t.deepEqual(stepOf(step), [`$ mount $D/${ty}.img $D/m-${ty}`, 'rc 32',
            `2> mount: $D/m-${ty}: unknown filesystem type '${ty}'.`, `2> ${DMESG}`]);
          t.is(r.checks[`loop of $D/${ty}.img`], 'none', 'the loop device is detached again');
        }
      },
    })),
  },
  {
    name: 'list',
    script: `mk_ext2 img; mk_extfs ext3 8M e3.img; mkdir m m2
L=$(loop_attach $D/img)
L3=$(loop_attach $D/e3.img)
tm -t squashfs,ext3,ext2 $L $D/m
st_backing_of $D/m
tm -t ext4,ext3 $L3 $D/m2
st_backing_of $D/m2`,
    tests: [
      {
        title: '-t squashfs,ext3,ext2: types tried in order (conformance detect-t-list)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount -t squashfs,ext3,ext2 /dev/loopN $D/m', 'rc 0']);
          t.is(r.checks['backing of $D/m'], '$D/img');
          t.is(mountAt(r, '$D/m').fstype, 'ext2');
        },
      },
      {
        // mount.c: a list is a type pattern; context.c mnt_context_guess_fstype() does not probe
        // when there is a pattern, do_mount_by_types() tries ext4 first and it mounts the ext3 fs
        failing: false,
        title: '-t ext4,ext3 on an ext3 device: the first type that works wins (ext4), nothing probed',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[1]), ['$ mount -t ext4,ext3 /dev/loopN $D/m2', 'rc 0']);
          t.is(r.checks['backing of $D/m2'], '$D/e3.img');
          t.is(mountAt(r, '$D/m2').fstype, 'ext4');
        },
      },
    ],
  },
  {
    name: 'no-t-device',
    title: 'no -t: the type of an attached loop device is detected (conformance detect-no-t)',
    script: 'mk_ext2 img; mkdir m; L=$(loop_attach $D/img); tm $L $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount /dev/loopN $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
    ]),
  },
  {
    name: 'auto',
    title: '-t auto on an ext4 image: probed, loop device set up',
    script: 'mk_extfs ext4 8M img; mkdir m; tm -t auto $D/img $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t auto $D/img $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ext4 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'auto-fstypes',
    // util-linux 2.39's X-mount.auto-fstypes, checked against util-linux 2.42.2 in a namespace: only a
    // probed type is checked (a -t TYPE is not); a type the list refuses is "no valid filesystem
    // type specified." (rc 1, about the target as given); an empty list allows every type.
    script: `mk_ext2 img; mk_ext2 file.img; mkdir m1 m2 m3 m4 m5
L=$(loop_attach $D/img)
cd $D
tm -o 'X-mount.auto-fstypes="noext2,ext3"' $L m1
tm -t auto -o X-mount.auto-fstypes=xfs $L m2
tm -t ext2 -o X-mount.auto-fstypes=xfs $L m3
tm -o 'X-mount.auto-fstypes="xfs,ext2"' $L m4
tm -o X-mount.auto-fstypes=xfs $D/file.img m5
st_loop_of $D/file.img
tm -o X-mount.auto-fstypes= -t auto $D/file.img m5`,
    tests: [
      {
        title: 'X-mount.auto-fstypes: a probed type outside the list is refused, -t TYPE is not checked',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount -o X-mount.auto-fstypes="noext2,ext3" /dev/loopN m1', 'rc 1',
            '2> mount: m1: no valid filesystem type specified.']);
          t.deepEqual(stepOf(r.steps[1]), ['$ mount -t auto -o X-mount.auto-fstypes=xfs /dev/loopN m2', 'rc 1',
            '2> mount: m2: no valid filesystem type specified.']);
          t.deepEqual(stepOf(r.steps[2]), ['$ mount -t ext2 -o X-mount.auto-fstypes=xfs /dev/loopN m3', 'rc 0']);
          t.deepEqual(stepOf(r.steps[3]), ['$ mount -o X-mount.auto-fstypes="xfs,ext2" /dev/loopN m4', 'rc 0']);
          t.is(mountAt(r, '$D/m3').fstype, 'ext2');
          t.is(mountAt(r, '$D/m4').fstype, 'ext2');
          t.is(mountAt(r, '$D/m1'), undefined);
          t.is(mountAt(r, '$D/m2'), undefined);
        },
      },
      {
        title: 'X-mount.auto-fstypes on an image file: refused before a loop device is set up; an empty list allows all',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[4]), ['$ mount -o X-mount.auto-fstypes=xfs $D/file.img m5', 'rc 1',
            '2> mount: m5: no valid filesystem type specified.']);
          t.is(r.checks['loop of $D/file.img'], 'none');
          t.deepEqual(stepOf(r.steps[5]), ['$ mount -o X-mount.auto-fstypes= -t auto $D/file.img m5', 'rc 0']);
          t.like(mountAt(r, '$D/m5'), { fstype: 'ext2', source: '/dev/loopN' });
        },
      },
    ],
  },
  {
    name: 'pattern',
    script: `mk_extfs ext3 8M e3file.img; mk_ext2 e2.img; mk_extfs ext3 8M e3dev.img; mkdir m1 m2 m3
tm -t noext3 $D/e3file.img $D/m1
L2=$(loop_attach $D/e2.img)
tm -t noext3 $L2 $D/m2
L3=$(loop_attach $D/e3dev.img)
tm -t noext3 $L3 $D/m3`,
    tests: [
      {
        // hook_loopdev.c is_loopdev_required() probes a regular file and sets the type before the
        // pattern is looked at, so util-linux mounts it with the probed type
        title: '-t noext3 on an ext3 image file: the probed type is used (util-linux quirk)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount -t noext3 $D/e3file.img $D/m1', 'rc 0']);
          t.is(mountAt(r, '$D/m1').fstype, 'ext3');
        },
      },
      {
        title: '-t noext3 on an ext2 device: candidates from /proc/filesystems, ext2 mounts',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[1]), ['$ mount -t noext3 /dev/loopN $D/m2', 'rc 0']);
          t.is(mountAt(r, '$D/m2').fstype, 'ext2');
        },
      },
      {
        // context.c mnt_context_guess_fstype(): with a type pattern nothing is probed;
        // do_mount_by_pattern() tries the /proc/filesystems types that match "noext3"
        // (ext2 refuses the journal, ext4 mounts it): never ext3
        failing: false,
        title: '-t noext3 on an ext3 device: ext3 is not tried (util-linux mounts it with another driver)',
        check: (t, r) => {
          t.is(r.steps[2].rc, 0);
          t.truthy(mountAt(r, '$D/m3'));
          t.not(mountAt(r, '$D/m3').fstype, 'ext3');
        },
      },
    ],
  },
  {
    name: 'zero',
    script: `mkdir m m2; truncate -s 4M zero.img
tm $D/zero.img $D/m
st_loop_of $D/zero.img
tm -t auto $D/zero.img $D/m2
st_loop_of $D/zero.img`,
    tests: [
      {
        // auto loop device (no -t), nothing probed → every non-nodev type of /proc/filesystems is
        // tried (EINVAL each), the last error is reported
        title: 'an image of zeros without -t: every kernel type tried, rc 32, no loop device left',
        check: (t, r) => {
          t.is(r.steps[0].rc, 32);
          const err = errLines(r.steps[0]);
          t.is(err.length, 2);
          t.regex(err[0], /^mount: \$D\/m: wrong fs type, bad option, bad superblock on \S+, missing codepage or helper program, or other error\.$/);
          t.is(err[1], DMESG);
          t.deepEqual(checkValues(r, 'loop of $D/zero.img'), ['none', 'none']);
          t.deepEqual(r.mountinfo, []);
        },
      },
      {
        failing: false,
        title: 'an image of zeros without -t: the message names the loop device, as util-linux does',
        check: (t, r) => t.deepEqual(stepOf(r.steps[0]), [
          '$ mount $D/zero.img $D/m', 'rc 32',
          '2> mount: $D/m: wrong fs type, bad option, bad superblock on /dev/loopN, missing codepage or helper program, or other error.',
          `2> ${DMESG}`,
        ]),
      },
      {
        title: '-t auto on an image of zeros: rc 32, no loop device left',
        check: (t, r) => {
          t.is(r.steps[1].rc, 32);
          t.is(errLines(r.steps[1]).length, 2);
          t.is(checkValues(r, 'loop of $D/zero.img')[1], 'none');
        },
      },
      {
        // hook_loopdev.c is_loopdev_required(): with -t auto and nothing probed the type stays
        // "auto", which blkid does not know → no loop device; the first type tried (fsconfig on
        // the regular file) fails with ENOTBLK, which ends the search
        failing: false,
        title: '-t auto on an image of zeros: no loop device, the kernel refuses the regular file (as util-linux)',
        check: (t, r, ex) => t.deepEqual(stepOf(r.steps[1]), [
          '$ mount -t auto $D/zero.img $D/m2', 'rc 32',
          ex === 'fd'
            ? "2> mount: $D/m2: fsconfig() failed: $D/zero.img: Can't lookup blockdev."
            : '2> mount: $D/m2: $D/zero.img is not a block device; try "-o loop".',
          `2> ${DMESG}`,
        ]),
      },
    ],
  },
  {
    name: 'ambiguous',
    // a swap area with a squashfs superblock over its (unused) first sector: blkid -p says
    // "ambivalent result"
    script: `mkdir m m1 src; echo x >src/f; mk_squashfs sq.img src
truncate -s 4M amb.img; mkswap -q amb.img
dd if=sq.img of=amb.img bs=96 count=1 conv=notrunc status=none
st_cmd "blkid -p" blkid -p $D/amb.img
tm $D/amb.img $D/m
st_loop_of $D/amb.img
L=$(loop_attach $D/amb.img)
tm $L $D/m1`,
    tests: [
      {
        title: 'two signatures in an image file: "more filesystems detected" (rc 1), no loop device',
        check: (t, r) => {
          t.regex(r.checks['blkid -p'], /ambivalent result/);
          t.deepEqual(stepOf(r.steps[0]), ['$ mount $D/amb.img $D/m', 'rc 1',
            '2> mount: $D/m: more filesystems detected on $D/amb.img; use -t <type> or wipefs(8).']);
          t.is(r.checks['loop of $D/amb.img'], 'none');
        },
      },
      {
        title: 'two signatures on a device: "more filesystems detected on /dev/loopN" (rc 1)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[1]), ['$ mount /dev/loopN $D/m1', 'rc 1',
            '2> mount: $D/m1: more filesystems detected on /dev/loopN; use -t <type> or wipefs(8).']);
          t.deepEqual(r.mountinfo, []);
        },
      },
    ],
  },
  {
    name: 'swap-luks',
    script: `mkdir m1 m2
truncate -s 4M sw.img; mkswap -q sw.img
tm $D/sw.img $D/m1
st_loop_of $D/sw.img
printf 'LUKS\\272\\276\\000\\001' >luks.img; truncate -s 4M luks.img
st_cmd "blkid -p" blkid -p -o value -s TYPE $D/luks.img
tm $D/luks.img $D/m2
st_loop_of $D/luks.img`,
    tests: [
      {
        // tsmount's own wording (src/lib/mount.ts detectType); util-linux 2.42.2 sets up the loop
        // device and fails with "unknown filesystem type 'swap'." (rc 32 + dmesg line)
        title: 'a swap area is refused before any loop device is set up (tsmount message, rc 32)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount $D/sw.img $D/m1', 'rc 32',
            '2> mount: $D/m1: $D/sw.img holds a swap area, not a filesystem; use swapon(8).']);
          t.is(r.checks['loop of $D/sw.img'], 'none');
        },
      },
      {
        // util-linux 2.42.2: "unknown filesystem type 'crypto_LUKS'." (rc 32 + dmesg line)
        title: 'a LUKS header is refused before any loop device is set up (tsmount message, rc 32)',
        check: (t, r) => {
          t.is(r.checks['blkid -p'], 'crypto_LUKS');
          t.deepEqual(stepOf(r.steps[1]), ['$ mount $D/luks.img $D/m2', 'rc 32',
            '2> mount: $D/m2: $D/luks.img is a LUKS encrypted volume; open it with cryptsetup(8) and mount the mapped device.']);
          t.is(r.checks['loop of $D/luks.img'], 'none');
          t.deepEqual(r.mountinfo, []);
        },
      },
    ],
  },
  {
    name: 'no-libblkid',
    // TSMOUNT_LIBBLKID names a library that is not there: what tsmount does when dlopen fails
    script: `mk_ext2 img -L TSDNOLIB; mk_ext2 dev.img -L TSDNOLIB2; mkdir m1 m2 m3 m4
NOLIB=/nonexistent/libblkid.so.1
TSMOUNT_LIBBLKID=$NOLIB tm $D/img $D/m1
st_loop_of $D/img
TSMOUNT_LIBBLKID=$NOLIB tm -t ext2 $D/img $D/m2
L=$(loop_attach $D/dev.img)
TSMOUNT_LIBBLKID=$NOLIB tm $L $D/m3
TSMOUNT_LIBBLKID=$NOLIB tm -t ext2 $L $D/m4
TSMOUNT_LIBBLKID=$NOLIB tm_w -l -t ext2
tm_w -l -t ext2`,
    tests: [
      {
        // tsmount's own wording (util-linux always has its libblkid)
        title: 'no libblkid: an image without -t is refused with "cannot probe" (rc 32), no loop device',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[0]), ['$ mount $D/img $D/m1', 'rc 32',
            '2> mount: $D/m1: cannot probe $D/img: /nonexistent/libblkid.so.1 not available; use -t <type>.']);
          t.is(r.checks['loop of $D/img'], 'none');
        },
      },
      {
        title: 'no libblkid: a device without -t is refused the same way (rc 32)',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[2]), ['$ mount /dev/loopN $D/m3', 'rc 32',
            '2> mount: $D/m3: cannot probe /dev/loopN: /nonexistent/libblkid.so.1 not available; use -t <type>.']);
          t.is(mountAt(r, '$D/m3'), undefined);
        },
      },
      {
        title: 'no libblkid: -t TYPE mounts an image (through a loop device) and a device, nothing probed',
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[1]), ['$ mount -t ext2 $D/img $D/m2', 'rc 0']);
          t.deepEqual(stepOf(r.steps[3]), ['$ mount -t ext2 /dev/loopN $D/m4', 'rc 0']);
          t.like(mountAt(r, '$D/m2'), { fstype: 'ext2', source: '/dev/loopN' });
          t.like(mountAt(r, '$D/m4'), { fstype: 'ext2', source: '/dev/loopN' });
        },
      },
      {
        title: 'no libblkid: mount -l lists without labels (with libblkid: [LABEL]; an autoclear device as its file)',
        check: (t, r) => {
          t.deepEqual(r.steps[4].out, [
            '$D/img on $D/m2 type ext2 (rw,relatime)',
            '/dev/loopN on $D/m4 type ext2 (rw,relatime)',
          ]);
          t.deepEqual(r.steps[5].out, [
            '$D/img on $D/m2 type ext2 (rw,relatime) [TSDNOLIB]',
            '/dev/loopN on $D/m4 type ext2 (rw,relatime) [TSDNOLIB2]',
          ]);
        },
      },
    ],
  },
], { executors: ['fd', 'mount2'] });
