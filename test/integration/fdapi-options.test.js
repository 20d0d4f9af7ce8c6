'use strict';
// Issue 4 (4): what the fd-based API adds to mount options, checked in the kernel's mount table
// and on the files: rbind,ro=recursive, ro=vfs, ro=fs, noexec=recursive, X-mount.mkdir[=MODE]
// and -m/--mkdir[=MODE] (the mode of every created component), X-mount.owner/group/mode,
// X-mount.subdir on an ext2 image, X-mount.idmap through --map-users/--map-groups on a bind,
// -N PID (another process's mount namespace), --exclusive on a fresh image, --version.
// Cases that mount(2) can do too run with both executors.
const test = require('ava');
const { spawnSync } = require('child_process');
const { batch, noLoopLeak, BIN_MOUNT, BIN_UMOUNT } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const TREE = `mkdir src
smount -t tmpfs -o size=1m mc-src $D/src
mkdir src/sub; echo top > src/f
smount -t tmpfs -o size=1m mc-sub $D/src/sub
echo sub > src/sub/g`;
const TREE_MI = [
  '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
  '= mi $D/src/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/src',
];

batch(test, [
  {
    name: 'rbind-ro-recursive',
    title: '-o rbind,ro=recursive: every mount of the copy read-only, the original tree untouched',
    script: `${TREE}
mkdir r
tm -o rbind,ro=recursive $D/src $D/r
st_write $D/r/x
st_write $D/r/sub/x
st_write $D/src/sub/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,ro=recursive $D/src $D/r',
      'rc 0',
      '= write $D/r/x: Read-only file system',
      '= write $D/r/sub/x: Read-only file system',
      '= write $D/src/sub/x: ok',
      '== final state',
      '= mi $D/r / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/r/sub / ro,relatime private tmpfs mc-sub rw,size=1024k in=$D/r',
      ...TREE_MI,
    ]),
  },
  {
    name: 'rbind-ro',
    title: '-o rbind,ro (no =recursive): only the top mount of the copy is read-only',
    executors: ['fd'],
    script: `${TREE}
mkdir r
tm -o rbind,ro $D/src $D/r
st_write $D/r/x
st_write $D/r/sub/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,ro $D/src $D/r',
      'rc 0',
      '= write $D/r/x: Read-only file system',
      '= write $D/r/sub/x: ok',
      '== final state',
      '= mi $D/r / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/r/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/r',
      ...TREE_MI,
    ]),
  },
  {
    name: 'ro-vfs',
    title: '-o ro=vfs: the mount is read-only, the superblock stays rw',
    executors: ['fd'],
    script: `mkdir m
tm -t tmpfs -o ro=vfs,size=1m mc-vfs $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro=vfs,size=1m mc-vfs $D/m',
      'rc 0',
      '= write $D/m/x: Read-only file system',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-vfs rw,size=1024k',
    ]),
  },
  {
    name: 'ro-fs',
    title: '-o ro=fs: the superblock is read-only, the mount stays rw',
    executors: ['fd'],
    script: `mkdir m
tm -t tmpfs -o ro=fs,size=1m mc-fs $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro=fs,size=1m mc-fs $D/m',
      'rc 0',
      '= write $D/m/x: Read-only file system',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-fs ro,size=1024k',
    ]),
  },
  {
    name: 'noexec-recursive',
    title: '-o rbind,noexec=recursive: noexec on the copy and its submount, not on the original',
    script: `${TREE}
mkdir r
tm -o rbind,noexec=recursive $D/src $D/r`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,noexec=recursive $D/src $D/r',
      'rc 0',
      '== final state',
      '= mi $D/r / rw,noexec,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/r/sub / rw,noexec,relatime private tmpfs mc-sub rw,size=1024k in=$D/r',
      ...TREE_MI,
    ]),
  },
  {
    name: 'noexec-recursive-remount',
    title: '-o remount,bind,noexec=recursive on a tree: every mount of it gets noexec, other flags stay',
    script: `${TREE}
mkdir r
tm -o rbind,nosuid $D/src $D/r
tm -o remount,bind,noexec=recursive $D/r`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,nosuid $D/src $D/r',
      'rc 0',
      '$ mount -o remount,bind,noexec=recursive $D/r',
      'rc 0',
      '== final state',
      '= mi $D/r / rw,nosuid,noexec,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/r/sub / rw,noexec,relatime private tmpfs mc-sub rw,size=1024k in=$D/r',
      ...TREE_MI,
    ]),
  },
  {
    name: 'mkdir',
    title: 'X-mount.mkdir, X-mount.mkdir=0700, -m, --mkdir=0711: every created component gets the mode',
    // umask 077 would make plain mkdir(2) give 0700: the modes below must not depend on it
    script: `umask 027
mkdir exists
tm -t tmpfs -o X-mount.mkdir,size=1m mk1 $D/n1/deep/dir
tm -t tmpfs -o X-mount.mkdir=0700,size=1m mk2 $D/n2/deep/dir
tm -t tmpfs -m -o size=1m mk3 $D/n3/dir
tm -t tmpfs --mkdir=0711 -o size=1m mk4 $D/exists/n4/dir
snap
sumount $D/n1/deep/dir; sumount $D/n2/deep/dir; sumount $D/n3/dir; sumount $D/exists/n4/dir
for p in n1 n1/deep n1/deep/dir n2 n2/deep n2/deep/dir n3 n3/dir exists exists/n4 exists/n4/dir; do st_stat $D/$p; done`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o X-mount.mkdir,size=1m mk1 $D/n1/deep/dir',
      'rc 0',
      '$ mount -t tmpfs -o X-mount.mkdir=0700,size=1m mk2 $D/n2/deep/dir',
      'rc 0',
      '$ mount -t tmpfs -m -o size=1m mk3 $D/n3/dir',
      'rc 0',
      '$ mount -t tmpfs --mkdir=0711 -o size=1m mk4 $D/exists/n4/dir',
      'rc 0',
      '== state',
      '= mi $D/exists/n4/dir / rw,relatime private tmpfs mk4 rw,size=1024k',
      '= mi $D/n1/deep/dir / rw,relatime private tmpfs mk1 rw,size=1024k',
      '= mi $D/n2/deep/dir / rw,relatime private tmpfs mk2 rw,size=1024k',
      '= mi $D/n3/dir / rw,relatime private tmpfs mk3 rw,size=1024k',
      '= stat $D/n1: 0:0 755 directory',
      '= stat $D/n1/deep: 0:0 755 directory',
      '= stat $D/n1/deep/dir: 0:0 755 directory',
      '= stat $D/n2: 0:0 700 directory',
      '= stat $D/n2/deep: 0:0 700 directory',
      '= stat $D/n2/deep/dir: 0:0 700 directory',
      '= stat $D/n3: 0:0 755 directory',
      '= stat $D/n3/dir: 0:0 755 directory',
      // an existing directory is left alone
      '= stat $D/exists: 0:0 750 directory',
      '= stat $D/exists/n4: 0:0 711 directory',
      '= stat $D/exists/n4/dir: 0:0 711 directory',
      '== final state',
    ]),
  },
  {
    name: 'owner',
    title: 'X-mount.owner=nobody, X-mount.group=nogroup, X-mount.mode=0710: the root of the new mount',
    script: `mkdir o
tm -t tmpfs -o size=1m,X-mount.owner=nobody,X-mount.group=nogroup,X-mount.mode=0710 mc-own $D/o
st_stat $D/o
mkdir o2
tm -t tmpfs -o size=1m,X-mount.owner=1000,X-mount.mode=0700 mc-own2 $D/o2
st_stat $D/o2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=1m,X-mount.owner=nobody,X-mount.group=nogroup,X-mount.mode=0710 mc-own $D/o',
      'rc 0',
      '= stat $D/o: 65534:65534 710 directory',
      '$ mount -t tmpfs -o size=1m,X-mount.owner=1000,X-mount.mode=0700 mc-own2 $D/o2',
      'rc 0',
      '= stat $D/o2: 1000:0 700 directory',
      '== final state',
      '= mi $D/o / rw,relatime private tmpfs mc-own rw,size=1024k',
      '= mi $D/o2 / rw,relatime private tmpfs mc-own2 rw,size=1024k',
    ]),
  },
  {
    name: 'subdir',
    title: 'X-mount.subdir=DIR on an ext2 image: only the subdirectory is visible at the target',
    script: `mkdir -p tree/sub/inner tree/other s
echo inner > tree/sub/inner/f; echo other > tree/other/g; echo root > tree/rootfile
mk_ext2 img.ext2 -d $D/tree
tm -o X-mount.subdir=sub img.ext2 $D/s
st_ls $D/s
st_file $D/s/inner/f
st_loops
tu $D/s`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o X-mount.subdir=sub img.ext2 $D/s',
      'rc 0',
      '= ls $D/s: inner',
      '= file $D/s/inner/f: inner',
      '= loop /dev/loopN back=$D/img.ext2 offset=0 sizelimit=0 autoclear=1 ro=0',
      '$ umount $D/s',
      'rc 0',
      // no helper mount of the whole filesystem is left anywhere, the loop device is gone
      '== final state',
    ]),
  },
  {
    name: 'subdir-mountinfo',
    title: 'X-mount.subdir: mountinfo shows the subdirectory as the root of the one mount there',
    script: `mkdir -p tree/a/b s
echo x > tree/a/b/f
mk_ext2 img.ext2 -d $D/tree
tm -o X-mount.subdir=a/b img.ext2 $D/s
st_ls $D/s
st_cmd "mounts of the image" sh -c "grep -c ' - ext2 ' /proc/self/mountinfo"`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o X-mount.subdir=a/b img.ext2 $D/s',
      'rc 0',
      '= ls $D/s: f',
      '= mounts of the image: 1',
      '== final state',
      '= mi $D/s /a/b rw,relatime private ext2 /dev/loopN rw',
      '= loop /dev/loopN back=$D/img.ext2 offset=0 sizelimit=0 autoclear=1 ro=0',
    ]),
  },
  {
    name: 'idmap',
    title: '--bind --map-users 1000:2000:1 --map-groups 1000:2000:1: a file of 1000 shows as 2000, mountinfo says idmapped',
    executors: ['fd'],
    script: `mkdir -p src/dir i
smount -t tmpfs -o size=1m mc-idsrc $D/src
mkdir src/dir; echo data > src/file; chown 1000:1000 src/file src/dir
echo root > src/rootfile
tm --bind --map-users 1000:2000:1 --map-groups 1000:2000:1 $D/src $D/i
st_stat $D/i/file
st_stat $D/i/dir
st_stat $D/src/file
st_file $D/i/file`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind --map-users 1000:2000:1 --map-groups 1000:2000:1 $D/src $D/i',
      'rc 0',
      '= stat $D/i/file: 2000:2000 644 regular file',
      '= stat $D/i/dir: 2000:2000 755 directory',
      '= stat $D/src/file: 1000:1000 644 regular file',
      '= file $D/i/file: data',
      '== final state',
      '= mi $D/i / rw,relatime,idmapped private tmpfs mc-idsrc rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-idsrc rw,size=1024k',
    ]),
  },
  {
    name: 'idmap-option',
    title: '-o X-mount.idmap=u:1000:2000:1 with g:… written directly: the same as --map-users/--map-groups',
    executors: ['fd'],
    script: `mkdir -p src i
smount -t tmpfs -o size=1m mc-idsrc $D/src
echo data > src/file; chown 1000:1000 src/file
tm --bind -o 'X-mount.idmap=u:1000:2000:1 g:1000:3000:1' $D/src $D/i
st_stat $D/i/file`,
    check: (t, r) => t.deepEqual(r.transcript, [
      "$ mount --bind -o X-mount.idmap=u:1000:2000:1 g:1000:3000:1 $D/src $D/i",
      'rc 0',
      '= stat $D/i/file: 2000:3000 644 regular file',
      '== final state',
      '= mi $D/i / rw,relatime,idmapped private tmpfs mc-idsrc rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-idsrc rw,size=1024k',
    ]),
  },
  {
    name: 'namespace-pid',
    title: '-N PID: the mount is in that process\'s mount namespace, not in ours',
    script: `mkdir nsm
unshare -m --propagation private sleep 1000 &
HOLDER=$!
for i in $(seq 1 200); do
  [ "$(readlink /proc/$HOLDER/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ] && [ "$(cat /proc/$HOLDER/comm)" = sleep ] && break
  sleep 0.02
done
st_test "holder has its own namespace" test "$(readlink /proc/$HOLDER/ns/mnt)" != "$(readlink /proc/self/ns/mnt)"
tm -N $HOLDER -t tmpfs -o size=1m,mode=0700 mc-ns $D/nsm
st_cmd "holder sees" awk -v d="$D/nsm" '$5 == d { for (i = 7; $i != "-"; i++); print $(i + 1), $(i + 2), $(i + 3) }' /proc/$HOLDER/mountinfo
st_test "we see it" grep -q " $D/nsm " /proc/self/mountinfo
tm -N /proc/$HOLDER/ns/mnt -o remount,ro $D/nsm
st_cmd "holder sees after remount" awk -v d="$D/nsm" '$5 == d { print $6 }' /proc/$HOLDER/mountinfo
tu -N $HOLDER $D/nsm
st_test "holder still has it" grep -q " $D/nsm " /proc/$HOLDER/mountinfo
kill $HOLDER; wait $HOLDER 2>/dev/null`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => [s.kind, s.rc, s.stdout, s.stderr]), [
        ['mount', 0, '', ''],
        ['mount', 0, '', ''],
        ['umount', 0, '', ''],
      ]);
      t.deepEqual(r.checks, {
        'holder has its own namespace': 'yes',
        'holder sees': 'tmpfs mc-ns rw,size=1024k,mode=700',
        'we see it': 'no',
        'holder sees after remount': 'ro,relatime',
        'holder still has it': 'no',
      });
      t.deepEqual(r.mountinfo, []);
    },
  },
  {
    name: 'exclusive-fresh',
    title: '--exclusive on a fresh image (no superblock to reuse) mounts it',
    executors: ['fd'],
    script: `mk_ext2 img.ext2
mkdir m
tm --exclusive img.ext2 $D/m
echo x > m/f
st_file $D/m/f
tu $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --exclusive img.ext2 $D/m',
      'rc 0',
      '= file $D/m/f: x',
      '$ umount $D/m',
      'rc 0',
      '== final state',
    ]),
  },
]);

test('--version names the fd-based mount API (both commands)', (t) => {
  for (const bin of [BIN_MOUNT, BIN_UMOUNT]) {
    const p = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    t.is(p.status, 0);
    t.is(p.stderr, '');
    t.regex(p.stdout, /fd-based/);
    t.is(p.stdout.split('\n').length, 2, 'one line');
  }
  const v = spawnSync(process.execPath, [BIN_MOUNT, '-V'], { encoding: 'utf8' });
  t.regex(v.stdout, /^tsmount from tsmount \d+\.\d+\.\d+ \(libmount-compatible: .*fd-based-mount.*\)\n$/);
});
