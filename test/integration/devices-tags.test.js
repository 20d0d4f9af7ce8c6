// Tags (issue 3): LABEL=, UUID=, LABEL="x" (quoted, with a blank), -L, -U, PARTUUID= and
// PARTLABEL= of a GPT partition (sfdisk + losetup -P), tags in fstab (-T FILE), "can't find"
// (rc 1), nofail, no libblkid. There is no udev here (no /dev/disk/by-*): tags resolve by probing
// the block devices /proc/partitions lists through libblkid, so every image is attached with
// losetup first (util-linux's libblkid does the same scan when udev has no link). Labels and UUIDs
// get a per-run suffix (other tests may attach images at the same time). Expected values are
// util-linux 2.42.2's (conformance tag-*, context_mount.c MNT_ERR_NOSOURCE); the system mount
// (2.38) prints "mount: DIR: can't find LABEL=x." the same way. fd executor (tag resolution does
// not depend on it).
const test = require('ava');
const crypto = require('crypto');
const { suite, stepOf, mi, have } = require('./devices-helpers');

const SFX = crypto.randomBytes(2).toString('hex').toUpperCase();
const LBL = (n) => `TSD${SFX}${n}`; // <= 16 characters (ext2)
const UUID = () => crypto.randomUUID();
const U1 = UUID();
const U2 = UUID();
const U3 = UUID();
const PARTUUID = UUID();
const MISSING = `TSD${SFX}NONE`;
// A partition of a loop device needs its /dev node from the kernel's devtmpfs. Some sandboxed VMs stop
// creating nodes for new block devices (a /sys/block entry without its /dev node): the partition
// test cannot run there, and says why instead of failing on the machine.
const fs = require('fs');
const noNode = fs.readdirSync('/sys/block').find((n) => !fs.existsSync(`/dev/${n}`));
const GPT_SKIP = !have('sfdisk') ? 'sfdisk (fdisk package) not installed'
  : noNode ? `this machine does not create /dev nodes for new block devices (/dev/${noNode} is missing)` : undefined;

suite(test, [
  {
    name: 'label',
    title: 'LABEL= resolves to an attached loop device (conformance tag-label)',
    script: `mk_ext2 img -L ${LBL('L1')}; mkdir m; loop_attach $D/img >/dev/null
tm LABEL=${LBL('L1')} $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      `$ mount LABEL=${LBL('L1')} $D/m`,
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
    ]),
  },
  {
    name: 'uuid',
    title: 'UUID= resolves to an attached loop device (conformance tag-uuid)',
    script: `mk_ext2 img -U ${U1}; mkdir m; loop_attach $D/img >/dev/null
tm UUID=${U1} $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      `$ mount UUID=${U1} $D/m`,
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
    ]),
  },
  {
    name: 'L-U',
    title: '-L LABEL and -U UUID (conformance tag-L)',
    script: `mk_ext2 img -L ${LBL('L2')} -U ${U2}; mkdir m1 m2; loop_attach $D/img >/dev/null
tm -L ${LBL('L2')} $D/m1
tm -U ${U2} $D/m2
st_same_fs $D/m1 $D/m2`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), [`$ mount -L ${LBL('L2')} $D/m1`, 'rc 0']);
      t.deepEqual(stepOf(r.steps[1]), [`$ mount -U ${U2} $D/m2`, 'rc 0']);
      t.is(r.checks['same-fs $D/m1 $D/m2'], 'yes');
      t.deepEqual(r.mountinfo, [
        '$D/m1 / rw,relatime private ext2 /dev/loopN rw',
        '$D/m2 / rw,relatime private ext2 /dev/loopN rw',
      ]);
    },
  },
  {
    name: 'quoted',
    title: 'LABEL="with blanks" (quoted) and -L "with blanks"',
    script: `mk_ext2 img -L "TSD ${SFX} Q"; mkdir m1 m2; loop_attach $D/img >/dev/null
tm 'LABEL="TSD ${SFX} Q"' $D/m1
tm -L "TSD ${SFX} Q" $D/m2
tm -l -t ext2`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), [`$ mount 'LABEL="TSD ${SFX} Q"' $D/m1`.replace(/'/g, ''), 'rc 0']);
      t.deepEqual(stepOf(r.steps[1]), [`$ mount -L TSD ${SFX} Q $D/m2`, 'rc 0']);
      t.deepEqual(r.steps[2].out.filter((l) => l.includes('$D/')), [
        `/dev/loopN on $D/m1 type ext2 (rw,relatime) [TSD ${SFX} Q]`,
        `/dev/loopN on $D/m2 type ext2 (rw,relatime) [TSD ${SFX} Q]`,
      ]);
      t.is(r.mountinfo.length, 2);
    },
  },
  {
    name: 'fstab',
    title: 'tags in fstab (-T FILE): LABEL= entry by its target, UUID= entry by its source',
    script: `mk_ext2 img1 -L ${LBL('F1')}; mk_ext2 img2 -U ${U3}; mkdir m1 m2
loop_attach $D/img1 >/dev/null; loop_attach $D/img2 >/dev/null
cat >fstab <<EOT
LABEL=${LBL('F1')}  $D/m1  auto  defaults  0 0
UUID=${U3}  $D/m2  ext2  ro,noexec  0 0
EOT
tm -T $D/fstab $D/m1
tm -T $D/fstab UUID=${U3}`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), ['$ mount -T $D/fstab $D/m1', 'rc 0']);
      t.deepEqual(stepOf(r.steps[1]), [`$ mount -T $D/fstab UUID=${U3}`, 'rc 0']);
      t.deepEqual(r.mountinfo, [
        '$D/m1 / rw,relatime private ext2 /dev/loopN rw',
        '$D/m2 / ro,noexec,relatime private ext2 /dev/loopN ro',
      ]);
    },
  },
  {
    name: 'missing',
    script: `mkdir m1 m2 m3
cat >fstab <<EOT
LABEL=${MISSING}  $D/m3  ext2  defaults  0 0
EOT
tm LABEL=${MISSING} $D/m1
tm -L ${MISSING} $D/m2
tm -T $D/fstab $D/m3`,
    title: "an unknown LABEL: \"mount: TARGET: can't find LABEL=x.\" (rc 1), nothing mounted",
    // mount.c mk_exit_code(): "%s: %s." with the target as spec; -L x is LABEL="x"
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), [`$ mount LABEL=${MISSING} $D/m1`, 'rc 1', `2> mount: $D/m1: can't find LABEL=${MISSING}.`]);
      t.deepEqual(stepOf(r.steps[1]), [`$ mount -L ${MISSING} $D/m2`, 'rc 1', `2> mount: $D/m2: can't find LABEL="${MISSING}".`]);
      t.deepEqual(stepOf(r.steps[2]), ['$ mount -T $D/fstab $D/m3', 'rc 1', `2> mount: $D/m3: can't find LABEL=${MISSING}.`]);
      t.deepEqual(r.mountinfo, []);
    },
  },
  {
    name: 'nofail',
    title: 'nofail: an unknown LABEL is silently skipped (rc 0), on the command line and in fstab',
    script: `mkdir m1 m2
cat >fstab <<EOT
LABEL=${MISSING}  $D/m2  ext2  nofail  0 0
EOT
tm -o nofail LABEL=${MISSING} $D/m1
tm -T $D/fstab $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      `$ mount -o nofail LABEL=${MISSING} $D/m1`,
      'rc 0',
      '$ mount -T $D/fstab $D/m2',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'gpt',
    // partx -a adds the partition when the kernel does not scan partition tables itself
    // (CONFIG_EFI_PARTITION off); the partitions go away with the loop device, which the case
    // detaches itself (and checks) once everything on it is unmounted
    script: `mkdir m1 m2 m3 m4 m5 m6
truncate -s 8M gpt.img
sfdisk -q gpt.img >/dev/null <<EOT
label: gpt
start=2048, size=8192, type=0FC63DAF-8483-4772-8E79-3D2AF7E5BF10, uuid=${PARTUUID}, name="${LBL('PL')}"
EOT
L=$(loop_attach $D/gpt.img -P)
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b \${L}p1 ] && break; partx -a $L 2>/dev/null; sleep 0.05; done
st_test "partition device" test -b \${L}p1
mkfs.ext2 -q -F -L ${LBL('P1')} \${L}p1
tm LABEL=${LBL('P1')} $D/m1
tm PARTUUID=${PARTUUID} $D/m2
tm PARTLABEL=${LBL('PL')} $D/m3
cat >fstab <<EOT
PARTUUID=${PARTUUID}  $D/m4  auto  defaults  0 0
PARTLABEL=${LBL('PL')}  $D/m5  ext2  noexec  0 0
EOT
tm -T $D/fstab \${L}p1
tm -T $D/fstab $D/m5
tm PARTUUID=${PARTUUID.toUpperCase()} $D/m6
snap
for m in m1 m2 m3 m4 m5; do tu $D/$m; done
slosetup -d $L
st_test "loop device detached" test ! -e /sys/block/\${L#/dev/}/loop/backing_file`,
    tests: [
      {
        title: 'LABEL= of a filesystem in a GPT partition of a loop device',
        skip: GPT_SKIP,
        check: (t, r) => {
          t.is(r.checks['partition device'], 'yes');
          t.deepEqual(stepOf(r.steps[0]), [`$ mount LABEL=${LBL('P1')} $D/m1`, 'rc 0']);
          t.like(mi(r.snaps[0].find((l) => l.startsWith('$D/m1 '))), { fstype: 'ext2', source: '/dev/loopNp1' });
        },
      },
      {
        // libblkid's partitions chain (BLKID_PARTS_ENTRY_DETAILS) reads PART_ENTRY_UUID /
        // PART_ENTRY_NAME of the partition from the whole disk's table: no udev link needed
        title: 'PARTUUID= and PARTLABEL= resolve to the partition without udev links',
        skip: GPT_SKIP,
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[1]), [`$ mount PARTUUID=${PARTUUID} $D/m2`, 'rc 0']);
          t.deepEqual(stepOf(r.steps[2]), [`$ mount PARTLABEL=${LBL('PL')} $D/m3`, 'rc 0']);
          const at = (mp) => mi(r.snaps[0].find((l) => l.startsWith(`${mp} `)));
          t.like(at('$D/m2'), { fstype: 'ext2', source: '/dev/loopNp1' });
          t.like(at('$D/m3'), { fstype: 'ext2', source: '/dev/loopNp1' });
        },
      },
      {
        title: 'fstab PARTUUID=/PARTLABEL= entries: found by the partition device (it carries the tag) and by target',
        skip: GPT_SKIP,
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[3]), ['$ mount -T $D/fstab /dev/loopNp1', 'rc 0']);
          t.deepEqual(stepOf(r.steps[4]), ['$ mount -T $D/fstab $D/m5', 'rc 0']);
          const at = (mp) => mi(r.snaps[0].find((l) => l.startsWith(`${mp} `)));
          t.like(at('$D/m4'), { fstype: 'ext2', source: '/dev/loopNp1', opts: 'rw,relatime' });
          t.like(at('$D/m5'), { fstype: 'ext2', source: '/dev/loopNp1', opts: 'rw,noexec,relatime' });
        },
      },
      {
        // libblkid compares tag values as they are written (as util-linux 2.42.2: can't find)
        title: 'PARTUUID= in upper case does not match the lower-case GPT UUID (util-linux 2.42.2)',
        skip: GPT_SKIP,
        check: (t, r) => {
          t.deepEqual(stepOf(r.steps[5]), [`$ mount PARTUUID=${PARTUUID.toUpperCase()} $D/m6`, 'rc 1',
            `2> mount: $D/m6: can't find PARTUUID=${PARTUUID.toUpperCase()}.`]);
        },
      },
      {
        title: 'the GPT loop device is detached by the case itself once unmounted',
        skip: GPT_SKIP,
        check: (t, r) => {
          t.deepEqual(r.steps.slice(6).map((s) => `${s.cmd} rc ${s.rc}`), ['umount $D/m1 rc 0', 'umount $D/m2 rc 0',
            'umount $D/m3 rc 0', 'umount $D/m4 rc 0', 'umount $D/m5 rc 0']);
          t.is(r.checks['loop device detached'], 'yes');
          t.deepEqual(r.mountinfo, []);
        },
      },
    ],
  },
  {
    name: 'no-libblkid',
    // TSMOUNT_LIBBLKID names a library that is not there: no udev link and no probing, so the tag
    // names nothing; the message says why (tsmount's wording), and nofail still skips it
    script: `mk_ext2 img -L ${LBL('NL')}; mkdir m1 m2; loop_attach $D/img >/dev/null
TSMOUNT_LIBBLKID=/nonexistent/libblkid.so.1 tm LABEL=${LBL('NL')} $D/m1
TSMOUNT_LIBBLKID=/nonexistent/libblkid.so.1 tm -o nofail LABEL=${LBL('NL')} $D/m2`,
    title: 'no libblkid: a tag without a udev link is "can\'t find … (cannot probe devices …)" (rc 1); nofail skips it',
    check: (t, r) => t.deepEqual(r.transcript, [
      `$ mount LABEL=${LBL('NL')} $D/m1`,
      'rc 1',
      `2> mount: $D/m1: can't find LABEL=${LBL('NL')} (cannot probe devices: /nonexistent/libblkid.so.1 not available).`,
      `$ mount -o nofail LABEL=${LBL('NL')} $D/m2`,
      'rc 0',
      '== final state',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
    ]),
  },
]);
