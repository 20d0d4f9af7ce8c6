'use strict';
// tsumount: by target, by source, by the backing file of an image, -l / -r on a busy mount,
// -R, -a -t TYPE, -q, -v, not mounted, no mount point specified, target is busy, summed exit
// codes. umount2(2) is the same with both executors; -r (a remount) runs with both.
const test = require('ava');
const { batch, noLoopLeak, EXECUTORS } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const FD = [EXECUTORS[0]];

batch(test, [
  {
    name: 'target',
    title: 'umount by mount point',
    script: 'mkdir m; smount -t tmpfs mc-u $D/m; echo x > m/f; tu $D/m; st_ls $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/m',
      'rc 0',
      '= ls $D/m: ',
      '== final state',
    ]),
  },
  {
    name: 'relative',
    title: 'umount by a relative path',
    script: 'mkdir m; smount -t tmpfs mc-u $D/m; tu m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount m',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'source',
    title: 'umount by source name',
    script: 'mkdir m; smount -t tmpfs mc-usrc $D/m; tu mc-usrc',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount mc-usrc',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'stacked',
    title: 'umount of a stacked mount point removes the top mount only',
    script: `mkdir m; smount -t tmpfs -o size=1m mc-low $D/m; smount -t tmpfs -o size=2m mc-top $D/m
tu $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-low rw,size=1024k',
    ]),
  },
  {
    name: 'backing-file',
    title: 'umount by the backing file of a loop mount (the autoclear device goes away)',
    script: 'mk_ext2 img; mkdir m; smount $D/img $D/m; st_loops; tu $D/img',
    check: (t, r) => t.deepEqual(r.transcript, [
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=1 ro=0',
      '$ umount $D/img',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'verbose',
    title: 'umount -v (message on stderr)',
    script: 'mkdir m; smount -t tmpfs mc-v $D/m; tu -v $D/m',
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ umount -v $D/m',
        'rc 0',
        '2> umount: $D/m unmounted',
        '== final state',
      ]);
      t.deepEqual(r.steps[0].err, ['tsumount: $D/m unmounted']);
    },
  },
  {
    name: 'busy',
    title: 'umount of a mount that a process uses as its cwd: target is busy',
    script: 'mkdir m; smount -t tmpfs mc-b $D/m; hold_cwd $D/m; tu $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/m',
      'rc 32',
      '2> umount: $D/m: target is busy.',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-b rw',
    ]),
  },
  {
    name: 'lazy-busy',
    title: 'umount -l of a busy mount detaches it',
    script: 'mkdir m; smount -t tmpfs mc-b $D/m; hold_cwd $D/m; tu -l $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -l $D/m',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'recursive',
    title: 'umount -R unmounts a tree',
    script: `mkdir m; smount -t tmpfs mc-r0 $D/m
mkdir m/a m/c; smount -t tmpfs mc-r1 $D/m/a
mkdir m/a/b; smount -t tmpfs mc-r2 $D/m/a/b
smount -t tmpfs mc-r3 $D/m/c
tu -R $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -R $D/m',
      'rc 0',
      '== final state',
    ]),
  },
  {
    name: 'recursive-verbose',
    title: 'umount -R -v: children first, one line each',
    script: `mkdir m; smount -t tmpfs mc-r0 $D/m
mkdir m/a; smount -t tmpfs mc-r1 $D/m/a
mkdir m/a/b; smount -t tmpfs mc-r2 $D/m/a/b
tu -R -v $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -R -v $D/m',
      'rc 0',
      '2> umount: $D/m/a/b unmounted',
      '2> umount: $D/m/a unmounted',
      '2> umount: $D/m unmounted',
      '== final state',
    ]),
  },
  {
    name: 'recursive-not-mounted',
    title: 'umount -R of something that is not mounted: "not mounted" / "not found", exit 1',
    script: 'mkdir d; tu -R $D/d; tu -R $D/nonexistent',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -R $D/d',
      'rc 1',
      '2> umount: $D/d: not mounted',
      '$ umount -R $D/nonexistent',
      'rc 1',
      '2> umount: $D/nonexistent: not found',
      '== final state',
    ]),
  },
  {
    name: 'recursive-below-directory',
    title: 'umount -R of a directory that is no mount point unmounts what is below it (util-linux #3022), newest subtree first, each deepest first',
    script: `mkdir -p d/x d/y d/z; smount -t tmpfs mc-bx $D/d/x
smount -t tmpfs mc-by $D/d/y; mkdir d/y/w; smount -t tmpfs mc-bw $D/d/y/w
smount -t tmpfs mc-bx2 $D/d/x
tu -R -v $D/d`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -R -v $D/d',
      'rc 0',
      '2> umount: $D/d/y/w unmounted',
      '2> umount: $D/d/y unmounted',
      '2> umount: $D/d/x unmounted',
      '2> umount: $D/d/x unmounted',
      '== final state',
    ]),
  },
  {
    name: 'graceful',
    title: 'umount -g: not mounted, no such path, and -R of nothing are success, silently; busy still fails',
    script: `mkdir d m; smount -t tmpfs mc-g $D/m; hold_cwd $D/m
tu -g $D/d
tu -g $D/nonexistent
tu -R -g $D/d
tu --graceful -R $D/nonexistent
tu -g $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -g $D/d',
      'rc 0',
      '$ umount -g $D/nonexistent',
      'rc 0',
      '$ umount -R -g $D/d',
      'rc 0',
      '$ umount --graceful -R $D/nonexistent',
      'rc 0',
      '$ umount -g $D/m',
      'rc 32',
      '2> umount: $D/m: target is busy.',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-g rw',
    ]),
  },
  {
    name: 'by-id',
    title: 'umount --id / --uniq-id: the mount with that ID; a covered one is refused untouched; -R takes its subtree',
    script: `mkdir a b c; smount -t tmpfs mc-ia $D/a; smount -t tmpfs mc-ib $D/b; smount -t tmpfs mc-ic $D/c
mkdir c/d; smount -t tmpfs mc-id $D/c/d
IA=$(awk -v t=$D/a '$5 == t { print $1 }' /proc/self/mountinfo)
uid() { "$TSM_NODE" -e 'console.log(String(require(process.argv[1]).mountIdOf(process.argv[2])))' "$(dirname "$TSM_BIN_MOUNT")/../dist/sys/statmount.js" "$1"; }
UB=$(uid $D/b); UC=$(uid $D/c)
smount -t tmpfs mc-cover $D/b
tu -v --id $IA
tu --uniq-id $UB
sumount $D/b
tu -v --uniq-id $UB
tu -R -v --uniq-id $UC
tu --id $IA
tu -g --id $IA
tu --uniq-id x1
tu --id $IA $D/a`,
    check: (t, r) => {
      const ids = r.transcript.filter((l) => l.startsWith('$ ')).map((l) => l.replace(/\d+/g, 'N'));
      t.deepEqual(ids, ['$ umount -v --id N', '$ umount --uniq-id N', '$ umount -v --uniq-id N', '$ umount -R -v --uniq-id N',
        '$ umount --id N', '$ umount -g --id N', '$ umount --uniq-id xN', '$ umount --id N $D/a']);
      const rest = r.transcript.filter((l) => !l.startsWith('$ ')).map((l) => l.replace(/ID \d+/g, 'ID N'));
      t.deepEqual(rest, [
        'rc 0', '2> umount: $D/a (mc-ia) unmounted',
        'rc 32', '2> umount: the mount with unique ID N is not the topmost on $D/b; nothing unmounted',
        'rc 0', '2> umount: $D/b (mc-ib) unmounted',
        'rc 0', '2> umount: $D/c/d unmounted', '2> umount: $D/c unmounted',
        'rc 1', '2> umount: no mount with ID N',
        'rc 0',
        'rc 1', "2> umount: invalid mount ID: 'x1'",
        'rc 1', '2> umount: bad usage', "2> Try 'tsumount --help' for more information.",
        '== final state',
      ]);
    },
  },
  {
    name: 'not-mounted',
    title: 'umount of a directory that is not mounted',
    script: 'mkdir d; tu $D/d',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/d',
      'rc 32',
      '2> umount: $D/d: not mounted.',
      '== final state',
    ]),
  },
  {
    name: 'no-mount-point',
    title: 'umount of a path that does not exist: no mount point specified',
    script: 'tu $D/nonexistent',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/nonexistent',
      'rc 32',
      '2> umount: $D/nonexistent: no mount point specified.',
      '== final state',
    ]),
  },
  {
    name: 'quiet',
    title: 'umount -q: "not mounted" is silent, "target is busy" is not',
    script: `mkdir d m; smount -t tmpfs mc-q $D/m; hold_cwd $D/m
tu -q $D/d
tu -q $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -q $D/d',
      'rc 32',
      '$ umount -q $D/m',
      'rc 32',
      '2> umount: $D/m: target is busy.',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-q rw',
    ]),
  },
  {
    name: 'rc-sum',
    title: 'two failing arguments: the exit codes add up (64)',
    script: 'mkdir d; tu $D/d $D/nonexistent',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/d $D/nonexistent',
      'rc 64',
      '2> umount: $D/d: not mounted.',
      '2> umount: $D/nonexistent: no mount point specified.',
      '== final state',
    ]),
  },
  {
    name: 'rc-cap',
    title: 'eight failing arguments: the sum is capped at 255',
    script: 'mkdir d; tu d d d d d d d d',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount d d d d d d d d',
      'rc 255',
      // the spec as written, as util-linux names what it did not find
      ...Array(8).fill('2> umount: d: not mounted.'),
      '== final state',
    ]),
  },
  {
    name: 'rc-mixed',
    title: 'one argument unmounted, one failing: exit 32, the good one is gone',
    script: 'mkdir m d; smount -t tmpfs mc-x $D/m; tu $D/m $D/d',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/m $D/d',
      'rc 32',
      '2> umount: $D/d: not mounted.',
      '== final state',
    ]),
  },
  {
    name: 'bad-usage',
    title: 'umount without arguments: bad usage',
    script: 'tu',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount',
      'rc 1',
      '2> umount: bad usage',
      "2> Try 'tsumount --help' for more information.",
      '== final state',
    ]),
  },
  {
    name: 'detach-loop',
    title: 'umount -d detaches a (non-autoclear) loop device',
    script: 'mk_ext2 img; mkdir m; L=$(loop_attach $D/img); smount $L $D/m; st_loops; tu -d $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '= loop /dev/loopN back=$D/img offset=0 sizelimit=0 autoclear=0 ro=0',
      '$ umount -d $D/m',
      'rc 0',
      '== final state',
    ]),
  },
], { executors: FD });

// -r remounts read-only when the umount fails with EBUSY: a remount, so both executors
batch(test, [
  {
    name: 'readonly-busy',
    title: 'umount -r remounts a busy mount read-only',
    script: 'mkdir m; smount -t tmpfs -o size=1m mc-b $D/m; echo x > m/f; hold_open $D/m/f; tu -r $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -r $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-b ro,size=1024k',
    ]),
  },
  {
    name: 'readonly-idle',
    title: 'umount -r of a mount nobody uses unmounts it',
    script: 'mkdir m; smount -t tmpfs -o size=1m mc-i $D/m; tu -r $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -r $D/m',
      'rc 0',
      '== final state',
    ]),
  },
]);

// umount -a walks the whole mount table: alone in its namespace (a type only it uses)
batch(test, [
  {
    name: 'all-type',
    title: 'umount -a -t ramfs unmounts every ramfs and nothing else',
    script: `mkdir r1 r2 t1
smount -t ramfs mc-r1 $D/r1
smount -t tmpfs mc-t1 $D/t1
smount -t ramfs mc-r2 $D/r2
tu -a -t ramfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -a -t ramfs',
      'rc 0',
      '== final state',
      '= mi $D/t1 / rw,relatime private tmpfs mc-t1 rw',
    ]),
  },
  {
    name: 'a', // short: real paths below 25 characters get padded
    title: 'umount -a -v -t ramfs prints "%-25s: successfully unmounted" on stdout, newest first',
    script: `mkdir r1 r2
smount -t ramfs mc-r1 $D/r1
smount -t ramfs mc-r2 $D/r2
tu_w -a -v -t ramfs`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -a -v -t ramfs',
      'rc 0',
      `1> ${r.pad('$D/r2')}: successfully unmounted`,
      `1> ${r.pad('$D/r1')}: successfully unmounted`,
      '== final state',
    ]),
  },
], { executors: FD, prefix: '' });
