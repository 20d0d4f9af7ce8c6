'use strict';
// Issue 4 (2), (3): kernel messages and --beneath.
//  - errors from the fs-context log: with the fd-based API mount(8) says
//    "fsconfig() failed: tmpfs: Unknown parameter 'foo'."; mount(2) only has EINVAL, so the
//    generic "wrong fs type, bad option, ..." text;
//  - warnings from the fs-context log go to stdout as "mount warning:" / "      * text"
//    (--exclusive on an ext2 image that is already mounted elsewhere);
//  - --beneath puts a new mount under the top one; mount(2) cannot, and says so.
const test = require('ava');
const { batch, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const GENERIC = (src) => `wrong fs type, bad option, bad superblock on ${src}, missing codepage or helper program, or other error.`;

batch(test, [
  {
    name: 'unknown-parameter',
    title: '-o foo on tmpfs: the kernel\'s message with the fd API, the generic text with mount(2)',
    script: `mkdir m
tm -t tmpfs -o foo mc-e $D/m`,
    check: (t, r, ex) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o foo mc-e $D/m',
      'rc 32',
      ex === 'fd' ? "2> mount: $D/m: fsconfig() failed: tmpfs: Unknown parameter 'foo'." : `2> mount: $D/m: ${GENERIC('mc-e')}`,
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'bad-value',
    title: '-o size=foo on tmpfs: "Bad value for \'size\'" with the fd API, the generic text with mount(2)',
    script: `mkdir m
tm -t tmpfs -o size=foo mc-e $D/m`,
    check: (t, r, ex) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=foo mc-e $D/m',
      'rc 32',
      ex === 'fd' ? "2> mount: $D/m: fsconfig() failed: tmpfs: Bad value for 'size'." : `2> mount: $D/m: ${GENERIC('mc-e')}`,
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'kernel-message-exact-stderr',
    title: 'the raw stderr of a failed fsconfig(): program name, target, message, dmesg hint; nothing on stdout',
    executors: ['fd'],
    script: `mkdir m
tm -t tmpfs -o size=1m,foo mc-e $D/m
tm -v -t tmpfs -o size=foo mc-e $D/m`,
    check: (t, r) => {
      t.is(r.steps[0].stdout, '');
      t.is(r.steps[0].stderr, `tsmount: $D/m: fsconfig() failed: tmpfs: Unknown parameter 'foo'.\n${DMESG}\n`);
      t.is(r.steps[1].rc, 32);
      t.is(r.steps[1].stdout, '', '-v adds nothing: the message is an error, not an info');
      t.is(r.steps[1].stderr, `tsmount: $D/m: fsconfig() failed: tmpfs: Bad value for 'size'.\n${DMESG}\n`);
      t.deepEqual(r.mountinfo, []);
    },
  },
  {
    name: 'exclusive-warning',
    title: '--exclusive on an ext2 image mounted elsewhere: "mount warning:" on stdout, the error on stderr, rc 32',
    executors: ['fd'],
    script: `mk_ext2 img.ext2
mkdir a b
tm img.ext2 $D/a
tm --exclusive img.ext2 $D/b
st_loops`,
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ mount img.ext2 $D/a',
        'rc 0',
        '$ mount --exclusive img.ext2 $D/b',
        'rc 32',
        '1> mount warning:',
        '1>       * ext2: reusing existing filesystem not allowed',
        '2> mount: $D/b: /dev/loopN already mounted on $D/a.',
        `2> ${DMESG}`,
        // the failed mount reused the loop device of the first one and left nothing behind
        '= loop /dev/loopN back=$D/img.ext2 offset=0 sizelimit=0 autoclear=1 ro=0',
        '== final state',
        '= mi $D/a / rw,relatime private ext2 /dev/loopN rw',
        '= loop /dev/loopN back=$D/img.ext2 offset=0 sizelimit=0 autoclear=1 ro=0',
      ]);
      // exact bytes: the warning block is on stdout, in util-linux's layout
      t.is(r.steps[1].stdout, 'mount warning:\n      * ext2: reusing existing filesystem not allowed\n');
    },
  },
  {
    name: 'exclusive-warning-verbose',
    title: '--exclusive -v: the same warning block (warnings do not need -v)',
    executors: ['fd'],
    script: `mk_ext2 img.ext2
mkdir a b
tm img.ext2 $D/a
tm -v --exclusive img.ext2 $D/b`,
    check: (t, r) => {
      t.is(r.steps[1].rc, 32);
      t.deepEqual(r.steps[1].out, ['mount warning:', '      * ext2: reusing existing filesystem not allowed']);
      t.deepEqual(r.steps[1].err, ['tsmount: $D/b: /dev/loopN already mounted on $D/a.', DMESG]);
    },
  },
  {
    name: 'beneath',
    title: '--beneath: a new tmpfs goes under the mounted one; tsumount of the top reveals it',
    executors: ['fd'],
    script: `mkdir t
smount -t tmpfs -o size=1m mc-top $D/t; echo top > t/id
tm --beneath -t tmpfs -o size=2m,mode=0700 mc-low $D/t
st_file $D/t/id
snap
tu $D/t
st_file $D/t/id
st_stat $D/t
echo low > t/id
st_file $D/t/id`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --beneath -t tmpfs -o size=2m,mode=0700 mc-low $D/t',
      'rc 0',
      '= file $D/t/id: top',
      '== state',
      '= mi $D/t / rw,relatime private tmpfs mc-low rw,size=2048k,mode=700',
      '= mi $D/t+1 / rw,relatime private tmpfs mc-top rw,size=1024k in=$D/t',
      '$ umount $D/t',
      'rc 0',
      '= file $D/t/id: (missing)',
      '= stat $D/t: 0:0 700 directory',
      '= file $D/t/id: low',
      '== final state',
      '= mi $D/t / rw,relatime private tmpfs mc-low rw,size=2048k,mode=700',
    ]),
  },
  {
    name: 'beneath-bind',
    title: '--beneath with --bind: the bind goes under the top mount',
    executors: ['fd'],
    script: `mkdir t src
echo from-src > src/f
smount -t tmpfs -o size=1m mc-top $D/t
tm --beneath --bind $D/src $D/t
st_file $D/t/f
tu $D/t
st_file $D/t/f`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --beneath --bind $D/src $D/t',
      'rc 0',
      '= file $D/t/f: (missing)',
      '$ umount $D/t',
      'rc 0',
      '= file $D/t/f: from-src',
      '== final state',
      '= mi $D/t /beneath-bind/src rw,relatime private tmpfs tsmit-scratch rw,size=262144k,mode=755',
    ]),
  },
  {
    name: 'beneath-refused',
    title: '--beneath with mount(2) forced is refused (move_mount() ... Function not implemented), nothing mounted',
    executors: ['mount2'],
    script: `mkdir t
smount -t tmpfs -o size=1m mc-top $D/t; echo top > t/id
tm --beneath -t tmpfs -o size=1m mc-low $D/t
st_file $D/t/id`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --beneath -t tmpfs -o size=1m mc-low $D/t',
      'rc 32',
      '2> mount: $D/t: move_mount() failed: Function not implemented.',
      `2> ${DMESG}`,
      '= file $D/t/id: top',
      '== final state',
      '= mi $D/t / rw,relatime private tmpfs mc-top rw,size=1024k',
    ]),
  },
]);
