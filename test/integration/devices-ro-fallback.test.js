'use strict';
// Read-only fallback (issue 3): a write-protected source (a loop device attached with
// losetup -r) mounted without ro is mounted read-only with a warning on stderr (rc 0); with -w
// it fails (rc 32). Expected values are util-linux 2.42.2's (context_mount.c:1068-1091), with one
// deliberate difference: util-linux's fd-based retry leaves the mount "rw" over the "ro"
// superblock (mountinfo "rw,relatime … ro", see the reference); tsmount makes the mount
// read-only too (src/exec/run.ts newMount), as mount(2) does: "ro,relatime … ro". Both executors.
const test = require('ava');
const { suite, stepOf, DMESG } = require('./devices-helpers');

suite(test, [
  {
    name: 'fallback',
    title: 'losetup -r device mounted without ro: "WARNING: source write-protected, mounted read-only." (rc 0)',
    script: `mk_ext2 img; mkdir m; L=$(loop_attach $D/img -r)
tm $L $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount /dev/loopN $D/m',
      'rc 0',
      '2> mount: $D/m: WARNING: source write-protected, mounted read-only.',
      '= write $D/m/x: Read-only file system',
      '== final state',
      '= mi $D/m / ro,relatime private ext2 /dev/loopN ro',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=1',
    ]),
  },
  {
    name: 'explicit-rw',
    title: 'losetup -r device with -w: "is write-protected but explicit read-write mode requested." (rc 32)',
    script: `mk_ext2 img; mkdir m; L=$(loop_attach $D/img -r)
tm -w $L $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -w /dev/loopN $D/m',
      'rc 32',
      '2> mount: $D/m: /dev/loopN is write-protected but explicit read-write mode requested.',
      `2> ${DMESG}`,
      '== final state',
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=1',
    ]),
  },
  {
    name: 'explicit-ro',
    title: 'losetup -r device with -o ro: no warning',
    script: `mk_ext2 img; mkdir m; L=$(loop_attach $D/img -r)
tm -o ro $L $D/m`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), ['$ mount -o ro /dev/loopN $D/m', 'rc 0']);
      t.deepEqual(r.mountinfo, ['$D/m / ro,relatime private ext2 /dev/loopN ro']);
    },
  },
], { executors: ['fd', 'mount2'] });
