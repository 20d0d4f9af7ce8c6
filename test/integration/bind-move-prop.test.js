'use strict';
// --bind, --rbind, -o bind,ro (atomic, source untouched), ro=recursive, --move / -o move,
// --make-* alone and with a mount (in command-line order), propagation on a non-mount point,
// --beneath. Both executors, except what mount(2) cannot do.
const test = require('ava');
const { batch, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

// a tmpfs on src with a file and a submount on src/sub
const TREE = `mkdir src b
smount -t tmpfs -o size=1m mc-src $D/src
mkdir src/sub && echo top > src/f
smount -t tmpfs -o size=1m mc-sub $D/src/sub
echo sub > src/sub/g`;
const TREE_MI = [
  '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
  '= mi $D/src/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/src',
];

batch(test, [
  {
    name: 'bind-basic',
    title: '--bind does not take submounts along',
    script: `${TREE}
tm --bind $D/src $D/b
st_ls $D/b
st_ls $D/b/sub`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind $D/src $D/b',
      'rc 0',
      '= ls $D/b: f sub',
      '= ls $D/b/sub: ',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-src rw,size=1024k',
      ...TREE_MI,
    ]),
  },
  {
    name: 'bind-spellings',
    title: '-B and -o bind are --bind',
    script: `${TREE}
mkdir b2
tm -B $D/src $D/b
tm -o bind $D/src $D/b2
echo new > b/n
st_file $D/src/n
st_same_fs $D/b2 $D/src`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -B $D/src $D/b',
      'rc 0',
      '$ mount -o bind $D/src $D/b2',
      'rc 0',
      '= file $D/src/n: new',
      '= same-fs $D/b2 $D/src: yes',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/b2 / rw,relatime private tmpfs mc-src rw,size=1024k',
      ...TREE_MI,
    ]),
  },
  {
    name: 'bind-subdir',
    title: '--bind of a subdirectory: the root column shows it',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src; mkdir -p src/d/e; echo x > src/d/e/f
tm --bind $D/src/d $D/b
st_ls $D/b/e`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind $D/src/d $D/b',
      'rc 0',
      '= ls $D/b/e: f',
      '== final state',
      '= mi $D/b /d rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'bind-file',
    title: '--bind of a regular file onto a regular file',
    script: `mkdir src; smount -t tmpfs -o size=1m mc-src $D/src; echo content > src/f; : > target
tm --bind $D/src/f $D/target
st_file $D/target`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind $D/src/f $D/target',
      'rc 0',
      '= file $D/target: content',
      '== final state',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/target /f rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'rbind-basic',
    title: '--rbind takes submounts along',
    script: `${TREE}
tm --rbind $D/src $D/b
st_ls $D/b/sub`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --rbind $D/src $D/b',
      'rc 0',
      '= ls $D/b/sub: g',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/b/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/b',
      ...TREE_MI,
    ]),
  },
  {
    name: 'rbind-spellings',
    title: '-R and -o rbind are --rbind',
    script: `${TREE}
mkdir b2
tm -R $D/src $D/b
tm -o rbind $D/src $D/b2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -R $D/src $D/b',
      'rc 0',
      '$ mount -o rbind $D/src $D/b2',
      'rc 0',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/b/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/b',
      '= mi $D/b2 / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/b2/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/b2',
      ...TREE_MI,
    ]),
  },
  {
    name: 'bind-ro-atomic',
    title: '-o bind,ro gives a read-only bind; the source stays writable',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src
tm -o bind,ro $D/src $D/b
st_write $D/b/x
st_write $D/src/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o bind,ro $D/src $D/b',
      'rc 0',
      '= write $D/b/x: Read-only file system',
      '= write $D/src/x: ok',
      '== final state',
      '= mi $D/b / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'bind-ro-flags',
    title: '--bind -o ro,nosuid,noexec,nodev: all on the bind, none on the source',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src
tm --bind -o ro,nosuid,noexec,nodev $D/src $D/b`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind -o ro,nosuid,noexec,nodev $D/src $D/b',
      'rc 0',
      '== final state',
      '= mi $D/b / ro,nosuid,nodev,noexec,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'bind-rw-from-ro',
    title: '-o bind,rw of a read-only mount gives a writable bind (same superblock, rw superblock)',
    script: `mkdir src ro b; smount -t tmpfs -o size=1m mc-src $D/src; smount --bind -o ro $D/src $D/ro
tm -o bind,rw $D/ro $D/b
st_write $D/b/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o bind,rw $D/ro $D/b',
      'rc 0',
      '= write $D/b/x: ok',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/ro / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'rbind-ro-recursive',
    title: '-o rbind,ro=recursive makes the submounts read-only too',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src; mkdir src/sub; smount -t tmpfs -o size=1m mc-sub $D/src/sub
tm -o rbind,ro=recursive $D/src $D/b
st_write $D/b/sub/x
st_write $D/src/sub/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,ro=recursive $D/src $D/b',
      'rc 0',
      '= write $D/b/sub/x: Read-only file system',
      '= write $D/src/sub/x: ok',
      '== final state',
      '= mi $D/b / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/b/sub / ro,relatime private tmpfs mc-sub rw,size=1024k in=$D/b',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/src',
    ]),
  },
  {
    name: 'rbind-ro-top-only',
    title: '-o rbind,ro (not =recursive) makes only the top of the tree read-only',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src; mkdir src/sub; smount -t tmpfs -o size=1m mc-sub $D/src/sub
tm -o rbind,ro $D/src $D/b
st_write $D/b/x
st_write $D/b/sub/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,ro $D/src $D/b',
      'rc 0',
      '= write $D/b/x: Read-only file system',
      '= write $D/b/sub/x: ok',
      '== final state',
      '= mi $D/b / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/b/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/b',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/src',
    ]),
  },
  {
    name: 'move-basic',
    title: '--move moves a mount',
    script: `mkdir a b; smount -t tmpfs -o size=1m mc-mv $D/a; echo moved > a/f
tm --move $D/a $D/b
st_file $D/b/f
st_ls $D/a`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --move $D/a $D/b',
      'rc 0',
      '= file $D/b/f: moved',
      '= ls $D/a: ',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-mv rw,size=1024k',
    ]),
  },
  {
    name: 'move-spellings',
    title: '-M and -o move are --move; a moved tree keeps its submounts',
    script: `mkdir a b c; smount -t tmpfs -o size=1m mc-mv $D/a; mkdir a/s; smount -t tmpfs mc-ms $D/a/s
tm -M $D/a $D/b
tm -o move $D/b $D/c`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -M $D/a $D/b',
      'rc 0',
      '$ mount -o move $D/b $D/c',
      'rc 0',
      '== final state',
      '= mi $D/c / rw,relatime private tmpfs mc-mv rw,size=1024k',
      '= mi $D/c/s / rw,relatime private tmpfs mc-ms rw in=$D/c',
    ]),
  },
  {
    name: 'move-under-shared',
    title: '--move of a mount whose parent is shared is refused with util-linux\'s explanation',
    script: `mkdir p b; smount -t tmpfs mc-p $D/p; smount --make-shared $D/p; mkdir p/a; smount -t tmpfs mc-a $D/p/a
tm --move $D/p/a $D/b`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --move $D/p/a $D/b',
      'rc 32',
      '2> mount: $D/b: bad option; moving a mount residing under a shared mount is unsupported.',
      `2> ${DMESG}`,
      '== final state',
      '= mi $D/p / rw,relatime shared:N tmpfs mc-p rw',
      '= mi $D/p/a / rw,relatime shared:N tmpfs mc-a rw in=$D/p',
    ]),
  },
  {
    name: 'verbose-bind-move',
    title: '-v messages for a new mount, --bind, --rbind and --move',
    script: `mkdir src a b c
tm -v -t tmpfs -o size=1m mc-v $D/src
tm -v --bind $D/src $D/a
tm -v --move $D/a $D/b
tm -v --rbind $D/src $D/c`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v -t tmpfs -o size=1m mc-v $D/src',
      'rc 0',
      '1> mount: mc-v mounted on $D/src.',
      '$ mount -v --bind $D/src $D/a',
      'rc 0',
      '1> mount: $D/src bound on $D/a.',
      '$ mount -v --move $D/a $D/b',
      'rc 0',
      '1> mount: $D/a moved to $D/b.',
      '$ mount -v --rbind $D/src $D/c',
      'rc 0',
      '1> mount: $D/src bound on $D/c.',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-v rw,size=1024k',
      '= mi $D/c / rw,relatime private tmpfs mc-v rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-v rw,size=1024k',
    ]),
  },
  {
    name: 'make-shared',
    title: '--make-shared on a mount point',
    script: `mkdir m; smount -t tmpfs mc-p $D/m
tm --make-shared $D/m
st_prop $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-shared $D/m',
      'rc 0',
      '= prop $D/m: shared',
      '== final state',
      '= mi $D/m / rw,relatime shared:N tmpfs mc-p rw',
    ]),
  },
  {
    name: 'make-private',
    title: '--make-private on a shared mount',
    script: `mkdir m; smount -t tmpfs mc-p $D/m; smount --make-shared $D/m
tm --make-private $D/m
st_prop $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-private $D/m',
      'rc 0',
      '= prop $D/m: private',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-p rw',
    ]),
  },
  {
    name: 'make-slave',
    title: '--make-slave on a peer of a shared mount',
    script: `mkdir a b; smount -t tmpfs mc-p $D/a; smount --make-shared $D/a; smount --bind $D/a $D/b
st_peers $D/b $D/a
tm --make-slave $D/b
st_peers $D/b $D/a
st_prop $D/b
mkdir a/x; smount -t tmpfs mc-prop $D/a/x
st_ls $D/b/x
st_same_fs $D/b/x $D/a/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '= peers $D/b $D/a: same peer group',
      '$ mount --make-slave $D/b',
      'rc 0',
      '= peers $D/b $D/a: slave of its peer group',
      '= prop $D/b: private,slave',
      '= ls $D/b/x: ',
      '= same-fs $D/b/x $D/a/x: yes',
      '== final state',
      '= mi $D/a / rw,relatime shared:N tmpfs mc-p rw',
      '= mi $D/a/x / rw,relatime shared:N tmpfs mc-prop rw in=$D/a',
      '= mi $D/b / rw,relatime master:N tmpfs mc-p rw',
      '= mi $D/b/x / rw,relatime master:N tmpfs mc-prop rw in=$D/b',
    ]),
  },
  {
    name: 'make-unbindable',
    title: '--make-unbindable: the mount cannot be bound any more',
    script: `mkdir m b; smount -t tmpfs mc-u $D/m
tm --make-unbindable $D/m
st_prop $D/m
st_test "bind possible" "$SM" --bind $D/m $D/b`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-unbindable $D/m',
      'rc 0',
      '= prop $D/m: private,unbindable',
      '= bind possible: no',
      '== final state',
      '= mi $D/m / rw,relatime unbindable tmpfs mc-u rw',
    ]),
  },
  {
    name: 'make-rshared',
    title: '--make-rshared applies to the whole tree, --make-shared only to the top',
    script: `mkdir t1 t2
smount -t tmpfs mc-t1 $D/t1; mkdir t1/s; smount -t tmpfs mc-s1 $D/t1/s
smount -t tmpfs mc-t2 $D/t2; mkdir t2/s; smount -t tmpfs mc-s2 $D/t2/s
tm --make-rshared $D/t1
tm --make-shared $D/t2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-rshared $D/t1',
      'rc 0',
      '$ mount --make-shared $D/t2',
      'rc 0',
      '== final state',
      '= mi $D/t1 / rw,relatime shared:N tmpfs mc-t1 rw',
      '= mi $D/t1/s / rw,relatime shared:N tmpfs mc-s1 rw in=$D/t1',
      '= mi $D/t2 / rw,relatime shared:N tmpfs mc-t2 rw',
      '= mi $D/t2/s / rw,relatime private tmpfs mc-s2 rw in=$D/t2',
    ]),
  },
  {
    name: 'make-order',
    title: 'several --make-* flags are applied in command-line order',
    script: `mkdir m1 m2; smount -t tmpfs mc-o1 $D/m1; smount -t tmpfs mc-o2 $D/m2
tm --make-shared --make-unbindable $D/m1
tm --make-unbindable --make-shared $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-shared --make-unbindable $D/m1',
      'rc 0',
      '$ mount --make-unbindable --make-shared $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime unbindable tmpfs mc-o1 rw',
      '= mi $D/m2 / rw,relatime shared:N tmpfs mc-o2 rw',
    ]),
  },
  {
    name: 'make-with-mount',
    title: '--make-shared with a new mount: mounted first, then made shared (-o shared too)',
    script: `mkdir m1 m2
tm --make-shared -t tmpfs -o size=1m mc-p1 $D/m1
tm -t tmpfs -o shared mc-p2 $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-shared -t tmpfs -o size=1m mc-p1 $D/m1',
      'rc 0',
      '$ mount -t tmpfs -o shared mc-p2 $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime shared:N tmpfs mc-p1 rw,size=1024k',
      '= mi $D/m2 / rw,relatime shared:N tmpfs mc-p2 rw',
    ]),
  },
  {
    name: 'make-with-bind',
    title: '--bind with --make-private on a shared source: the bind is private, the source stays shared',
    script: `mkdir src b; smount -t tmpfs mc-s $D/src; smount --make-shared $D/src
tm --bind --make-private $D/src $D/b`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind --make-private $D/src $D/b',
      'rc 0',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-s rw',
      '= mi $D/src / rw,relatime shared:N tmpfs mc-s rw',
    ]),
  },
  {
    name: 'verbose-propagation',
    title: '-v messages for propagation changes, alone and with a mount',
    script: `mkdir m1 m2; smount -t tmpfs mc-p1 $D/m1
tm -v --make-unbindable $D/m1
tm -v --make-shared -t tmpfs mc-p2 $D/m2`,
    // (util-linux forced to mount(2) prints nothing for a propagation-only change, an artefact
    // of its legacy path; tsmount says the same with both executors)
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v --make-unbindable $D/m1',
      'rc 0',
      '1> mount: $D/m1 propagation flags changed.',
      '$ mount -v --make-shared -t tmpfs mc-p2 $D/m2',
      'rc 0',
      '1> mount: mc-p2 mounted on $D/m2.',
      '1> mount: $D/m2 propagation flags changed.',
      '== final state',
      '= mi $D/m1 / rw,relatime unbindable tmpfs mc-p1 rw',
      '= mi $D/m2 / rw,relatime shared:N tmpfs mc-p2 rw',
    ]),
  },
  {
    name: 'prop-not-mountpoint',
    title: '--make-private on a directory that is not a mount point',
    script: 'mkdir d; tm --make-private $D/d',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-private $D/d',
      'rc 32',
      '2> mount: $D/d: not mount point or bad option.',
      `2> ${DMESG}`,
      '== final state',
    ]),
  },
  {
    name: 'beneath-basic',
    title: '--beneath mounts under the top mount of the target',
    executors: ['fd'],
    script: `mkdir m; smount -t tmpfs -o size=1m mc-top $D/m; echo top > m/f
tm --beneath -t tmpfs -o size=2m mc-under $D/m
st_ls $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --beneath -t tmpfs -o size=2m mc-under $D/m',
      'rc 0',
      '= ls $D/m: f',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-under rw,size=2048k',
      '= mi $D/m+1 / rw,relatime private tmpfs mc-top rw,size=1024k in=$D/m',
    ]),
  },
  {
    name: 'beneath-umount-top',
    title: '--beneath: after unmounting the top, the mount beneath shows',
    executors: ['fd'],
    script: `mkdir m; smount -t tmpfs -o size=1m mc-top $D/m
tm --beneath -t tmpfs -o size=2m mc-under $D/m
tu $D/m
echo under > m/g
st_ls $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --beneath -t tmpfs -o size=2m mc-under $D/m',
      'rc 0',
      '$ umount $D/m',
      'rc 0',
      '= ls $D/m: g',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-under rw,size=2048k',
    ]),
  },
  {
    name: 'beneath-mount2',
    title: 'mount(2) cannot mount beneath: refused, nothing mounted',
    executors: ['mount2'],
    script: `mkdir m; smount -t tmpfs -o size=1m mc-top $D/m
tm --beneath -t tmpfs -o size=2m mc-under $D/m`,
    check: (t, r) => {
      t.not(r.steps[0].rc, 0);
      t.true(r.steps[0].err.length > 0 && r.steps[0].err[0].startsWith('tsmount: $D/m: '), r.steps[0].stderr);
      t.deepEqual(r.mountinfo, ['$D/m / rw,relatime private tmpfs mc-top rw,size=1024k']);
    },
  },
]);
