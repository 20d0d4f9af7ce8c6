'use strict';
// Error messages and exit codes: missing / non-directory mount points, unknown types, kernel
// fs-context messages (fd API only: with mount(2) the text is the generic EINVAL one), bad
// usage and getopt errors with the Try line, --onlyonce, a missing bind source. Both executors.
const test = require('ava');
const { batch, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const TRY = "Try 'tsmount --help' for more information.";
const WRONG_FS = (src) => `wrong fs type, bad option, bad superblock on ${src}, missing codepage or helper program, or other error`;

batch(test, [
  {
    name: 'no-mountpoint',
    title: 'mount point does not exist (exit 32, dmesg hint)',
    script: 'tm -t tmpfs mc-e $D/nonexistent',
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ mount -t tmpfs mc-e $D/nonexistent',
        'rc 32',
        '2> mount: $D/nonexistent: mount point does not exist.',
        `2> ${DMESG}`,
        '== final state',
      ]);
      t.deepEqual(r.steps[0].err, ['tsmount: $D/nonexistent: mount point does not exist.', DMESG]);
    },
  },
  {
    name: 'dangling-symlink',
    title: 'mount point is a dangling symbolic link',
    script: 'ln -s nowhere lnk; tm -t tmpfs mc-e $D/lnk',
    // mount(2) follows the link (ENOENT); move_mount() without MOVE_MOUNT_T_SYMLINKS does not
    // and refuses the symlink itself (EINVAL), as it does for util-linux
    check: (t, r, mode) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs mc-e $D/lnk',
      'rc 32',
      mode === 'fd' ? `2> mount: $D/lnk: ${WRONG_FS('mc-e')}.` : '2> mount: $D/lnk: mount point is a symbolic link to nowhere.',
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'not-dir',
    title: 'a regular file as mount point of a new filesystem',
    script: ': > file; tm -t tmpfs mc-e $D/file',
    // move_mount() says EINVAL, mount(2) says ENOTDIR
    check: (t, r, mode) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs mc-e $D/file',
      'rc 32',
      mode === 'fd' ? `2> mount: $D/file: ${WRONG_FS('mc-e')}.` : '2> mount: $D/file: mount point is not a directory.',
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'unknown-type',
    title: 'unknown filesystem type',
    script: 'mkdir m; tm -t mcfoofs mc-e $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t mcfoofs mc-e $D/m',
      'rc 32',
      "2> mount: $D/m: unknown filesystem type 'mcfoofs'.",
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'bad-option',
    title: 'an option tmpfs does not know, a bad value for a known one (kernel messages with the fd API)',
    script: `mkdir m
tm -t tmpfs -o foo mc-e $D/m
tm -t tmpfs -o size=foo mc-e $D/m
tm -t tmpfs -o nosuid,mode=abc mc-e $D/m`,
    check: (t, r, mode) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o foo mc-e $D/m',
      'rc 32',
      mode === 'fd' ? "2> mount: $D/m: fsconfig() failed: tmpfs: Unknown parameter 'foo'." : `2> mount: $D/m: ${WRONG_FS('mc-e')}.`,
      `2> ${DMESG}`,
      '$ mount -t tmpfs -o size=foo mc-e $D/m',
      'rc 32',
      mode === 'fd' ? "2> mount: $D/m: fsconfig() failed: tmpfs: Bad value for 'size'." : `2> mount: $D/m: ${WRONG_FS('mc-e')}.`,
      `2> ${DMESG}`,
      '$ mount -t tmpfs -o nosuid,mode=abc mc-e $D/m',
      'rc 32',
      mode === 'fd' ? "2> mount: $D/m: fsconfig() failed: tmpfs: Bad value for 'mode'." : `2> mount: $D/m: ${WRONG_FS('mc-e')}.`,
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'bad-option-remount',
    title: 'a bad value on remount: nothing changes',
    script: `mkdir m; smount -t tmpfs -o size=1m mc-r $D/m
tm -o remount,size=foo $D/m`,
    check: (t, r, mode) => t.deepEqual(r.transcript, [
      '$ mount -o remount,size=foo $D/m',
      'rc 32',
      mode === 'fd' ? "2> mount: $D/m: fsconfig() failed: tmpfs: Bad value for 'size'." : '2> mount: $D/m: mount point not mounted or bad option.',
      `2> ${DMESG}`,
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-r rw,size=1024k',
    ]),
  },
  {
    name: 'bind-missing-source',
    title: '--bind of a source that does not exist',
    script: 'mkdir b; tm --bind $D/nosrc $D/b',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind $D/nosrc $D/b',
      'rc 32',
      '2> mount: $D/b: special device $D/nosrc does not exist.',
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'onlyonce',
    title: '--onlyonce refuses a filesystem that is already mounted there, mounts one that is not',
    script: `mkdir m n; smount -t tmpfs -o size=1m mc-o $D/m
tm --onlyonce -t tmpfs -o size=1m mc-o $D/m
tm --onlyonce -t tmpfs -o size=1m mc-o $D/n`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --onlyonce -t tmpfs -o size=1m mc-o $D/m',
      'rc 32',
      '2> mount: $D/m: filesystem already mounted.',
      '$ mount --onlyonce -t tmpfs -o size=1m mc-o $D/n',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-o rw,size=1024k',
      '= mi $D/n / rw,relatime private tmpfs mc-o rw,size=1024k',
    ]),
  },
  {
    name: 'operation-one-arg',
    title: '--bind/--rbind/--move with one argument read no fstab and fail before any call; -o bind looks it up (util-linux 2.42.2, checked)',
    script: `mkdir d
tm -B $D/d
tm -R $D/d
tm -M foo
tm -o move foo
tm -o bind foo
tm -o shared $D/d`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -B $D/d', 'rc 1', '2> mount: $D/d: mount failed: Invalid argument.',
      '$ mount -R $D/d', 'rc 1', '2> mount: $D/d: mount failed: Invalid argument.',
      '$ mount -M foo', 'rc 1', '2> mount: foo: mount failed: Invalid argument.',
      '$ mount -o move foo', 'rc 1', '2> mount: foo: mount failed: Invalid argument.',
      '$ mount -o bind foo', 'rc 1', "2> mount: foo: can't find in /etc/fstab.",
      '$ mount -o shared $D/d', 'rc 1', "2> mount: $D/d: can't find in /etc/fstab.",
      '== final state',
    ]),
  },
  {
    name: 'onlyonce-bind',
    title: '--onlyonce with a bind: the same source and root at the target is refused, another filesystem there is not',
    script: `mkdir s m n; smount -t tmpfs -o size=1m mc-src $D/s; smount -t tmpfs -o size=1m mc-other $D/m
smount --bind $D/s $D/n
tm --onlyonce -R $D/s $D/m
tm --onlyonce --bind $D/s $D/n`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --onlyonce -R $D/s $D/m',
      'rc 0',
      '$ mount --onlyonce --bind $D/s $D/n',
      'rc 32',
      '2> mount: $D/n: filesystem already mounted.',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-other rw,size=1024k',
      '= mi $D/m+1 / rw,relatime private tmpfs mc-src rw,size=1024k in=$D/m',
      '= mi $D/n / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/s / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'bad-usage',
    title: 'three positional arguments: bad usage + Try line, exit 1',
    script: 'tm a b c',
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ mount a b c',
        'rc 1',
        '2> mount: bad usage',
        `2> ${TRY}`,
        '== final state',
      ]);
      t.deepEqual(r.steps[0].err, ['tsmount: bad usage', TRY]);
    },
  },
  {
    name: 'bad-usage-operation',
    title: '--bind / --rbind / --move with -t or --source: bad usage',
    script: `mkdir src b; smount -t tmpfs mc-s $D/src
tm --bind -t tmpfs $D/src $D/b
tm --rbind -t none $D/src $D/b
tm --move -t tmpfs $D/src $D/b
tm --bind --source $D/src $D/b`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind -t tmpfs $D/src $D/b',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '$ mount --rbind -t none $D/src $D/b',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '$ mount --move -t tmpfs $D/src $D/b',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '$ mount --bind --source $D/src $D/b',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '== final state',
      '= mi $D/src / rw,relatime private tmpfs mc-s rw',
    ]),
  },
  {
    name: 'bad-usage-nothing',
    title: '--make-private or -o without a mount point: bad usage',
    script: 'tm --make-private; tm -o noexec',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-private',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '$ mount -o noexec',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '== final state',
    ]),
  },
  {
    name: 'bad-options-mode',
    title: '--options-mode / --options-source with an unknown value: bad usage',
    script: 'mkdir m; tm --options-mode sideways $D/m; tm --options-source nowhere $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --options-mode sideways $D/m',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '$ mount --options-source nowhere $D/m',
      'rc 1',
      '2> mount: bad usage',
      `2> ${TRY}`,
      '== final state',
    ]),
  },
  {
    name: 'getopt',
    title: 'getopt errors: unknown long option, invalid short option, missing argument',
    script: 'mkdir m; tm --foo $D/m; tm -Z $D/m; tm -t tmpfs mc $D/m -o',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --foo $D/m',
      'rc 1',
      "2> mount: unrecognized option '--foo'",
      `2> ${TRY}`,
      '$ mount -Z $D/m',
      'rc 1',
      "2> mount: invalid option -- 'Z'",
      `2> ${TRY}`,
      '$ mount -t tmpfs mc $D/m -o',
      'rc 1',
      "2> mount: option requires an argument -- 'o'",
      `2> ${TRY}`,
      '== final state',
    ]),
  },
  {
    name: 'exclusive-options',
    title: '--bind and --move, -L and --source: options cannot be combined',
    script: 'mkdir a b; tm --bind --move $D/a $D/b; tm -L x --source y $D/b',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind --move $D/a $D/b',
      'rc 1',
      '2> mount: options --bind and --move cannot be combined',
      '$ mount -L x --source y $D/b',
      'rc 1',
      '2> mount: options --label and --source cannot be combined',
      '== final state',
    ]),
  },
  {
    name: 'source-twice',
    title: '-L together with a LABEL= argument: source specified more than once',
    script: 'tm -L x LABEL=y',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -L x LABEL=y',
      'rc 1',
      '2> mount: source specified more than once',
      '== final state',
    ]),
  },
  {
    name: 'umount-getopt',
    title: 'tsumount: unknown option and bad usage',
    script: 'tu --foo $D; tu -a $D',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount --foo $D',
      'rc 1',
      "2> umount: unrecognized option '--foo'",
      "2> Try 'tsumount --help' for more information.",
      '$ umount -a $D',
      'rc 1',
      '2> umount: unexpected number of arguments',
      "2> Try 'tsumount --help' for more information.",
      '== final state',
    ]),
  },
]);
