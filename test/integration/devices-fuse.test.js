'use strict';
// FUSE through the real helpers (issue 3): tsmount -t fuse.bindfs SRC DIR runs
// /sbin/mount.fuse (fuse3) which starts Debian's bindfs; the file is read through the mount;
// tsumount DIR unmounts it and the bindfs daemon ends. Expected values are util-linux 2.42.2's
// (conformance fuse-bindfs, fuse-bindfs-umount). The daemon runs in the test's PID namespace;
// a bindfs still running after the umount is reported and killed by its PID.
const fs = require('fs');
const test = require('ava');
const { suite, have } = require('./devices-helpers');

const why = !have('bindfs') ? 'bindfs not installed'
  : !have('mount.fuse3') ? 'mount.fuse3 (fuse3) not installed'
    : !fs.existsSync('/dev/fuse') ? 'no /dev/fuse' : undefined;

// after an umount: wait up to 2 s for the bindfs daemons to end; kill the ones left (by PID)
const REAP = `for i in $(seq 1 40); do [ -z "$(procs_named bindfs)" ] && break; sleep 0.05; done
left=$(procs_named bindfs | tr '\\n' ' ')
tsm_check "bindfs still running" "\${left:-no}"
for p in $left; do kill -KILL "$p"; done`;

suite(test, [
  {
    name: 'bindfs',
    title: 'tsmount -t fuse.bindfs SRC DIR: mounted through mount.fuse and bindfs, file readable; tsumount DIR ends it',
    skip: why,
    script: `mkdir src m; echo hello >src/f
tm -t fuse.bindfs $D/src $D/m
st_file $D/m/f
st_test "bindfs running" test -n "$(procs_named bindfs)"
snap
tu $D/m
st_ls $D/m
${REAP}`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t fuse.bindfs $D/src $D/m',
      'rc 0',
      '= file $D/m/f: hello',
      '= bindfs running: yes',
      '== state',
      '= mi $D/m / rw,relatime private fuse $D/src rw,user_id=0,group_id=0,default_permissions,allow_other',
      '$ umount $D/m',
      'rc 0',
      '= ls $D/m: ',
      '= bindfs still running: no',
      '== final state',
    ]),
  },
  {
    name: 'bindfs-umount',
    title: 'tsumount of a bindfs mount made by the system mount (conformance fuse-bindfs-umount)',
    skip: why,
    script: `mkdir src m; echo hello >src/f
smount -t fuse.bindfs $D/src $D/m
tu $D/m
st_ls $D/m
${REAP}`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ umount $D/m',
      'rc 0',
      '= ls $D/m: ',
      '= bindfs still running: no',
      '== final state',
    ]),
  },
]);
