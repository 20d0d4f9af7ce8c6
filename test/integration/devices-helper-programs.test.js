'use strict';
// /sbin/mount.TYPE and /sbin/umount.TYPE helpers (issue 3). Fake helpers record their argv
// ($0 and each argument in brackets); /sbin is covered by an overlay inside the test's mount
// namespace only (devices-prelude.sh fake_helper, as the conformance suite's lib.sh does).
// Expected values are util-linux 2.42.2's: context_mount.c exec_helper()
//   HELPER SOURCE TARGET [-s] [-f] [-n] [-v] -o OPTS [-t TYPE]
// context_umount.c exec_helper()
//   HELPER TARGET [-n] [-l] [-f] [-v] [-r] [-t TYPE]
// context.c mnt_context_prepare_helper(): search path /sbin:/sbin/fs.d:/sbin/fs, "TYPE" then
// "TYPE up to its last dot", a helper is any existing path (stat, not access X_OK); an exec
// failure is exit status 126 with "failed to execute HELPER". fd executor (helpers do not use it).
const test = require('ava');
const { suite, stepOf, have, DMESG } = require('./devices-helpers');

const bindfs = have('bindfs') ? undefined : 'bindfs not installed';

suite(test, [
  {
    name: 'argv',
    title: 'mount.TYPE gets SOURCE TARGET -o OPTIONS (conformance helper-argv)',
    script: `fake_helper mount.mcfs; mkdir m
tm -t mcfs -o ro,noexec,myopt=1 mysrc $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t mcfs -o ro,noexec,myopt=1 mysrc $D/m',
      'rc 0',
      '= helper: /sbin/mount.mcfs [mysrc] [$D/m] [-o] [ro,noexec,myopt=1]',
      '== final state',
    ]),
  },
  {
    name: 'flags',
    title: '-s, -n and -v are passed on in util-linux order; nothing printed for -v when a helper mounted',
    script: `fake_helper mount.mcfs; mkdir m
tm -v -n -s -t mcfs -o myopt mysrc $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v -n -s -t mcfs -o myopt mysrc $D/m',
      'rc 0',
      '= helper: /sbin/mount.mcfs [mysrc] [$D/m] [-s] [-n] [-v] [-o] [rw,myopt]',
      '== final state',
    ]),
  },
  {
    name: 'fake',
    // context_mount.c do_mount(): a helper is executed even with -f (it gets -f); only the
    // mount syscalls (hooks) are skipped in fake mode
    failing: false,
    title: '-f: the helper is still run, with -f',
    script: `fake_helper mount.mcfs; mkdir m
tm -f -t mcfs mysrc $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -f -t mcfs mysrc $D/m',
      'rc 0',
      '= helper: /sbin/mount.mcfs [mysrc] [$D/m] [-f] [-o] [rw]',
      '== final state',
    ]),
  },
  {
    name: 'userspace',
    title: 'userspace options a helper does not get: defaults, noauto, comment=, x-*, X-* (conformance helper-userspace-opts)',
    script: `fake_helper mount.mcfs; mkdir m
tm -t mcfs -o defaults,noauto,comment=c,x-mc=1,X-mc=2,_netdev,nofail,uhelper=foo,myopt mysrc $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t mcfs -o defaults,noauto,comment=c,x-mc=1,X-mc=2,_netdev,nofail,uhelper=foo,myopt mysrc $D/m',
      'rc 0',
      '= helper: /sbin/mount.mcfs [mysrc] [$D/m] [-o] [rw,_netdev,nofail,uhelper=foo,myopt]',
      '== final state',
    ]),
  },
  {
    name: 'relative-source',
    title: 'an existing relative source is given to the helper as an absolute path',
    script: `fake_helper mount.mcfs; mkdir m src
tm -t mcfs src m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t mcfs src m',
      'rc 0',
      '= helper: /sbin/mount.mcfs [$D/src] [$D/m] [-o] [rw]',
      '== final state',
    ]),
  },
  {
    name: 'exit-status',
    title: "the helper's exit status is tsmount's (17) (conformance helper-exit-status)",
    script: `fake_helper mount.mcfail 17; mkdir m
tm -t mcfail src $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t mcfail src $D/m',
      'rc 17',
      '= helper: /sbin/mount.mcfail [src] [$D/m] [-o] [rw]',
      '== final state',
    ]),
  },
  {
    name: 'exec-fail',
    script: `mkdir m
printf '#!/nonexistent/tsd-interpreter\\n' | raw_helper mount.mcbadi 755
tm -t mcbadi src $D/m
clear_helpers`,
    tests: [
      {
        title: 'a helper that cannot be executed (interpreter missing): rc 126',
        check: (t, r) => {
          t.is(r.steps[0].rc, 126);
          t.deepEqual(r.mountinfo, []);
        },
      },
      {
        // context_mount.c mnt_context_get_mount_excode(): -MNT_ERR_EXEC → "failed to execute %s"
        failing: false,
        title: 'a helper that cannot be executed: "failed to execute /sbin/mount.TYPE." as util-linux prints it',
        check: (t, r) => t.deepEqual(stepOf(r.steps[0]), [
          '$ mount -t mcbadi src $D/m', 'rc 126', '2> mount: $D/m: failed to execute /sbin/mount.mcbadi.',
        ]),
      },
    ],
  },
  {
    name: 'not-executable',
    // mnt_context_prepare_helper() takes any existing path (mnt_is_path() = stat); execv() then
    // fails with EACCES → 126. The system mount 2.38 also runs it (and exits 1, its old code).
    failing: false,
    title: 'a helper without x permission is still the helper: exec fails, rc 126',
    script: `mkdir m
printf '#!/bin/sh\\nexit 0\\n' | raw_helper mount.mcnox 644
tm -t mcnox src $D/m
clear_helpers`,
    check: (t, r) => t.deepEqual(stepOf(r.steps[0]), [
      '$ mount -t mcnox src $D/m', 'rc 126', '2> mount: $D/m: failed to execute /sbin/mount.mcnox.',
    ]),
  },
  {
    name: 'internal-only',
    title: '-i: no helper; the kernel does not know the type (rc 32)',
    script: `fake_helper mount.mcfs; mkdir m
tm -i -t mcfs src $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -i -t mcfs src $D/m',
      'rc 32',
      "2> mount: $D/m: unknown filesystem type 'mcfs'.",
      `2> ${DMESG}`,
      '= helper: (not called)',
      '== final state',
    ]),
  },
  {
    name: 'fs-d',
    title: 'helpers are also found in /sbin/fs.d',
    script: `fake_helper mount.mcfsd 0 fs.d; mkdir m
tm -t mcfsd src $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t mcfsd src $D/m',
      'rc 0',
      '= helper: /sbin/fs.d/mount.mcfsd [src] [$D/m] [-o] [rw]',
      '== final state',
    ]),
  },
  {
    name: 'fuse-subtype',
    title: '-t fuse.SUBTYPE: mount.fuse.SUBTYPE is preferred over mount.fuse (conformance helper-fuse-subtype)',
    script: `fake_helper mount.fuse.mcsub; fake_helper mount.fuse; mkdir m
tm -t fuse.mcsub -o allow_other mcsrc $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t fuse.mcsub -o allow_other mcsrc $D/m',
      'rc 0',
      '= helper: /sbin/mount.fuse.mcsub [mcsrc] [$D/m] [-o] [rw,allow_other]',
      '== final state',
    ]),
  },
  {
    name: 'fuse-fallback',
    title: '-t fuse.SUBTYPE without its helper: mount.fuse with -t fuse.SUBTYPE (conformance helper-fuse-fallback)',
    script: `fake_helper mount.fuse; mkdir m
tm -t fuse.mcother mcsrc $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t fuse.mcother mcsrc $D/m',
      'rc 0',
      '= helper: /sbin/mount.fuse [mcsrc] [$D/m] [-o] [rw] [-t] [fuse.mcother]',
      '== final state',
    ]),
  },
  {
    name: 'umount-flags',
    // -l (and -f, -r) make util-linux read mountinfo, so the helper is chosen by the fstype there
    script: `mkdir m; smount -t ramfs mc-r $D/m
fake_helper umount.ramfs
tu -n -l -f -v -r $D/m
st_helper; snap; clear_helpers
sumount $D/m`,
    tests: [
      {
        title: 'umount.TYPE gets TARGET -n -l -f -v -r (in util-linux order)',
        check: (t, r) => {
          t.is(r.steps[0].rc, 0);
          t.is(r.checks.helper, '/sbin/umount.ramfs [$D/m] [-n] [-l] [-f] [-v] [-r]');
          t.deepEqual(r.snaps[0], ['$D/m / rw,relatime private ramfs mc-r rw'], 'the (fake) helper unmounted nothing');
        },
      },
      {
        // umount.c success_message(): printed after a helper that exited 0, too
        failing: false,
        title: 'tsumount -v after a successful umount helper: "umount: TARGET (SOURCE) unmounted"',
        check: (t, r) => t.deepEqual(stepOf(r.steps[0]), [
          '$ umount -n -l -f -v -r $D/m', 'rc 0', '2> umount: $D/m (mc-r) unmounted',
        ]),
      },
    ],
  },
  {
    name: 'umount-helper-option',
    title: 'helper=TYPE (kept in utab) makes tsumount run /sbin/umount.TYPE',
    script: `mkdir m; fake_helper umount.mcu
tm -t ramfs -o helper=mcu mc-h $D/m
st_cmd utab sed 's/^ID=[0-9]* //' "$LIBMOUNT_UTAB"
tu $D/m
st_helper; clear_helpers
sumount $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t ramfs -o helper=mcu mc-h $D/m',
      'rc 0',
      '= utab: SRC=mc-h TARGET=$D/m ROOT=/ OPTS=helper=mcu',
      '$ umount $D/m',
      'rc 0',
      '= helper: /sbin/umount.mcu [$D/m]',
      '== final state',
    ]),
  },
  {
    name: 'umount-helper-dot',
    // the helper is looked up by the helper= value (umount.mc.sub, then umount.mc), but -t is
    // the fstype of the mount (ramfs: no dot, no -t)
    failing: false,
    title: 'helper=NAME.SUB found as umount.NAME: -t is the mount\'s fstype, not the helper= value',
    script: `mkdir m; fake_helper umount.mc
tm -t ramfs -o helper=mc.sub mc-h $D/m
tu $D/m
st_helper; clear_helpers
sumount $D/m`,
    check: (t, r) => {
      t.is(r.steps[1].rc, 0);
      t.is(r.checks.helper, '/sbin/umount.mc [$D/m]');
    },
  },
  {
    name: 'umount-fast-path',
    // context_umount.c lookup_umount_fs_by_statfs(): without -l/-f/-r/-d and without a utab
    // entry the fstype comes from fstatfs(); the helper is looked up all the same, and gets -n
    // (mountinfo/utab disabled on that path; the system umount 2.38 does the same)
    failing: false,
    title: 'plain tsumount TARGET also runs /sbin/umount.FSTYPE (gets -n on the statfs path)',
    script: `mkdir m; smount -t ramfs mc-r $D/m
fake_helper umount.ramfs
tu $D/m
st_helper; snap; clear_helpers
sumount $D/m 2>/dev/null`,
    check: (t, r) => {
      t.deepEqual(stepOf(r.steps[0]), ['$ umount $D/m', 'rc 0']);
      t.is(r.checks.helper, '/sbin/umount.ramfs [$D/m] [-n]');
      t.deepEqual(r.snaps[0], ['$D/m / rw,relatime private ramfs mc-r rw']);
    },
  },
  {
    name: 'umount-internal-only',
    title: 'tsumount -i: no umount helper',
    script: `mkdir m; smount -t ramfs mc-r $D/m
fake_helper umount.ramfs
tu -i -l $D/m
st_helper; clear_helpers`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount -i -l $D/m',
      'rc 0',
      '= helper: (not called)',
      '== final state',
    ]),
  },
  {
    name: 'umount-fuse-subtype',
    title: 'a fuse.SUBTYPE mount: umount.fuse gets -t fuse.SUBTYPE',
    skip: bindfs,
    script: `mkdir m src; echo x >src/f
bindfs -o subtype=mcsub $D/src $D/m
st_cmd fstype awk -v m=$D/m '$5 == m { for (i = 7; $i != "-"; i++) ; print $(i + 1) }' /proc/self/mountinfo
fake_helper umount.fuse
tu -l $D/m
st_helper; clear_helpers
sumount $D/m`,
    check: (t, r) => {
      t.is(r.checks.fstype, 'fuse.mcsub');
      t.deepEqual(stepOf(r.steps[0]), ['$ umount -l $D/m', 'rc 0']);
      t.is(r.checks.helper, '/sbin/umount.fuse [$D/m] [-l] [-t] [fuse.mcsub]');
      t.deepEqual(r.mountinfo, []);
    },
  },
]);
