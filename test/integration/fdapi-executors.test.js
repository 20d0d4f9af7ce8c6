'use strict';
// Issue 4 (1): the same mounts through both executors -- the fd-based API (default) and mount(2)
// (TSMOUNT_FORCE_MOUNT2=always) -- give the same mount table. Every case below declares one
// expectation and runs it with both executors (one namespace per executor, see helpers/ns.js),
// so a difference between the executors fails exactly one of the two tests.
// Also: an overlayfs whose lowerdir= value is longer than fsconfig() accepts (256 bytes) still
// mounts with the default executor, which sends it one layer per fsconfig("lowerdir+") call.
const test = require('ava');
const { batch, noLoopLeak, runInNamespace, EXECUTORS } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

// a tmpfs on src with a file, a directory and a submount on src/sub
const TREE = `mkdir src
smount -t tmpfs -o size=1m mc-src $D/src
mkdir src/sub src/dir && echo top > src/f && echo deep > src/dir/g
smount -t tmpfs -o size=1m mc-sub $D/src/sub
echo sub > src/sub/h`;
const TREE_MI = [
  '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
  '= mi $D/src/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$D/src',
];

batch(test, [
  {
    name: 'tmpfs-options',
    title: 'tmpfs with data options and per-mount flags',
    script: `mkdir m
tm -t tmpfs -o size=2m,mode=0750,uid=1000,gid=1000,nr_inodes=100,nosuid,nodev,noexec,noatime mc-t $D/m
st_stat $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=2m,mode=0750,uid=1000,gid=1000,nr_inodes=100,nosuid,nodev,noexec,noatime mc-t $D/m',
      'rc 0',
      '= stat $D/m: 1000:1000 750 directory',
      '= write $D/m/x: ok',
      '== final state',
      '= mi $D/m / rw,nosuid,nodev,noexec,noatime private tmpfs mc-t rw,size=2048k,nr_inodes=100,mode=750,uid=1000,gid=1000',
    ]),
  },
  {
    name: 'tmpfs-ro',
    title: 'tmpfs mounted read-only (-r): mount and superblock both ro',
    script: `mkdir m
tm -r -t tmpfs -o size=1m mc-ro $D/m
st_write $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -r -t tmpfs -o size=1m mc-ro $D/m',
      'rc 0',
      '= write $D/m/x: Read-only file system',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-ro ro,size=1024k',
    ]),
  },
  {
    name: 'bind',
    title: '--bind of a directory: its content at the target, submounts not taken along',
    script: `${TREE}
mkdir b c
tm --bind $D/src/dir $D/b
tm --bind $D/src $D/c
st_file $D/b/g
st_ls $D/c/sub`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind $D/src/dir $D/b',
      'rc 0',
      '$ mount --bind $D/src $D/c',
      'rc 0',
      '= file $D/b/g: deep',
      '= ls $D/c/sub: ',
      '== final state',
      '= mi $D/b /dir rw,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/c / rw,relatime private tmpfs mc-src rw,size=1024k',
      ...TREE_MI,
    ]),
  },
  {
    name: 'bind-ro',
    title: '-o bind,ro: the bind is read-only, the source stays writable',
    script: `${TREE}
mkdir b
tm -o bind,ro $D/src $D/b
st_write $D/b/x
st_write $D/src/x
st_file $D/b/f`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o bind,ro $D/src $D/b',
      'rc 0',
      '= write $D/b/x: Read-only file system',
      '= write $D/src/x: ok',
      '= file $D/b/f: top',
      '== final state',
      '= mi $D/b / ro,relatime private tmpfs mc-src rw,size=1024k',
      ...TREE_MI,
    ]),
  },
  {
    name: 'rbind-ro-recursive',
    title: '-o rbind,ro=recursive: the submount is read-only too, the source tree is not',
    script: `${TREE}
mkdir -p src/sub/deeper; smount -t tmpfs -o size=1m mc-deeper $D/src/sub/deeper
mkdir r
tm -o rbind,ro=recursive $D/src $D/r
st_write $D/r/x
st_write $D/r/sub/x
st_write $D/r/sub/deeper/x
st_write $D/src/sub/x
st_write $D/src/sub/deeper/x
st_file $D/r/sub/h`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o rbind,ro=recursive $D/src $D/r',
      'rc 0',
      '= write $D/r/x: Read-only file system',
      '= write $D/r/sub/x: Read-only file system',
      '= write $D/r/sub/deeper/x: Read-only file system',
      '= write $D/src/sub/x: ok',
      '= write $D/src/sub/deeper/x: ok',
      '= file $D/r/sub/h: sub',
      '== final state',
      '= mi $D/r / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/r/sub / ro,relatime private tmpfs mc-sub rw,size=1024k in=$D/r',
      '= mi $D/r/sub/deeper / ro,relatime private tmpfs mc-deeper rw,size=1024k in=$D/r/sub',
      ...TREE_MI,
      '= mi $D/src/sub/deeper / rw,relatime private tmpfs mc-deeper rw,size=1024k in=$D/src/sub',
    ]),
  },
  {
    name: 'move',
    title: '--move: the same mount (same files, same options) at the new place, none at the old',
    script: `mkdir a b
smount -t tmpfs -o size=1m,nodev mc-mv $D/a; echo moved > a/f
tm --move $D/a $D/b
st_file $D/b/f
st_ls $D/a`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --move $D/a $D/b',
      'rc 0',
      '= file $D/b/f: moved',
      '= ls $D/a: ',
      '== final state',
      '= mi $D/b / rw,nodev,relatime private tmpfs mc-mv rw,size=1024k',
    ]),
  },
  {
    name: 'remount-data',
    title: 'remount,ro then remount,rw,size=: data options (mode) and nosuid are kept',
    script: `mkdir m
tm -t tmpfs -o size=2m,mode=0700,nosuid mc-rm $D/m
echo keep > m/f
tm -o remount,ro $D/m
snap
st_write $D/m/x
tm -o remount,rw,size=3m $D/m
st_write $D/m/x
st_file $D/m/f`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=2m,mode=0700,nosuid mc-rm $D/m',
      'rc 0',
      '$ mount -o remount,ro $D/m',
      'rc 0',
      '== state',
      '= mi $D/m / ro,nosuid,relatime private tmpfs mc-rm ro,size=2048k,mode=700',
      '= write $D/m/x: Read-only file system',
      '$ mount -o remount,rw,size=3m $D/m',
      'rc 0',
      '= write $D/m/x: ok',
      '= file $D/m/f: keep',
      '== final state',
      '= mi $D/m / rw,nosuid,relatime private tmpfs mc-rm rw,size=3072k,mode=700',
    ]),
  },
  {
    name: 'remount-bind-ro',
    title: 'remount,bind,ro: only that mount becomes read-only, the superblock and the source stay rw',
    script: `${TREE}
mkdir b
tm --bind $D/src $D/b
tm -o remount,bind,ro $D/b
st_write $D/b/x
st_write $D/src/x
tm -o remount,bind,rw $D/b
st_write $D/b/y`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --bind $D/src $D/b',
      'rc 0',
      '$ mount -o remount,bind,ro $D/b',
      'rc 0',
      '= write $D/b/x: Read-only file system',
      '= write $D/src/x: ok',
      '$ mount -o remount,bind,rw $D/b',
      'rc 0',
      '= write $D/b/y: ok',
      '== final state',
      '= mi $D/b / rw,relatime private tmpfs mc-src rw,size=1024k',
      ...TREE_MI,
    ]),
  },
  {
    name: 'propagation',
    title: '--make-shared / bind (peers) / --make-slave / --make-unbindable / --make-private / --make-rshared',
    script: `mkdir a b u p
smount -t tmpfs -o size=1m mc-pa $D/a
tm --make-shared $D/a
st_prop $D/a
tm --bind $D/a $D/b
st_peers $D/a $D/b
tm --make-slave $D/b
st_peers $D/b $D/a
st_prop $D/b
smount -t tmpfs -o size=1m mc-pu $D/u
tm --make-unbindable $D/u
st_prop $D/u
smount -t tmpfs -o size=1m mc-pp $D/p
mkdir p/sub; smount -t tmpfs -o size=1m mc-pps $D/p/sub
tm --make-rshared $D/p
st_prop $D/p
st_prop $D/p/sub
tm --make-private $D/p/sub
st_prop $D/p/sub`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --make-shared $D/a',
      'rc 0',
      '= prop $D/a: shared',
      '$ mount --bind $D/a $D/b',
      'rc 0',
      '= peers $D/a $D/b: same peer group',
      '$ mount --make-slave $D/b',
      'rc 0',
      '= peers $D/b $D/a: slave of its peer group',
      '= prop $D/b: private,slave',
      '$ mount --make-unbindable $D/u',
      'rc 0',
      '= prop $D/u: private,unbindable',
      '$ mount --make-rshared $D/p',
      'rc 0',
      '= prop $D/p: shared',
      '= prop $D/p/sub: shared',
      '$ mount --make-private $D/p/sub',
      'rc 0',
      '= prop $D/p/sub: private',
      '== final state',
      '= mi $D/a / rw,relatime shared:N tmpfs mc-pa rw,size=1024k',
      '= mi $D/b / rw,relatime master:N tmpfs mc-pa rw,size=1024k',
      '= mi $D/p / rw,relatime shared:N tmpfs mc-pp rw,size=1024k',
      '= mi $D/p/sub / rw,relatime private tmpfs mc-pps rw,size=1024k in=$D/p',
      '= mi $D/u / rw,relatime unbindable tmpfs mc-pu rw,size=1024k',
    ]),
  },
]);

// The same sequence once more as one script, run with each executor: the whole mount table below
// the scratch directory and every command's output are compared between the two runs directly.
test('one sequence of mounts, run with each executor: identical mount tables and outputs', (t) => {
  const script = `${TREE}
mkdir t b bro r mv1 mv2 rm p
tm -t tmpfs -o size=2m,mode=0700,nosuid,noexec mc-all $D/t
tm --bind $D/src/dir $D/b
tm -o bind,ro $D/src $D/bro
tm -o rbind,ro=recursive $D/src $D/r
smount -t tmpfs -o size=1m mc-mv $D/mv1
tm -M $D/mv1 $D/mv2
tm -o remount,ro,size=3m $D/t
tm -o remount,bind,ro $D/b
smount -t tmpfs -o size=1m mc-prop $D/p
tm --make-rshared $D/p
tm --bind $D/p $D/rm
tm --make-slave $D/rm`;
  const runs = EXECUTORS.map((ex) => runInNamespace(script, { env: ex.env }));
  for (const r of runs) {
    t.deepEqual(r.leftLoops, []);
    t.true(r.steps.every((s) => s.rc === 0 && s.stdout === '' && s.stderr === ''), r.transcript.join('\n'));
  }
  const [fd, m2] = runs;
  t.is(fd.steps.length, 10);
  t.deepEqual(fd.mountinfo, m2.mountinfo);
  t.deepEqual(fd.transcript, m2.transcript);
  // and what they agree on is right
  t.deepEqual(fd.mountinfo, [
    '$W/b /dir ro,relatime private tmpfs mc-src rw,size=1024k',
    '$W/bro / ro,relatime private tmpfs mc-src rw,size=1024k',
    '$W/mv2 / rw,relatime private tmpfs mc-mv rw,size=1024k',
    '$W/p / rw,relatime shared:N tmpfs mc-prop rw,size=1024k',
    '$W/r / ro,relatime private tmpfs mc-src rw,size=1024k',
    '$W/r/sub / ro,relatime private tmpfs mc-sub rw,size=1024k in=$W/r',
    '$W/rm / rw,relatime master:N tmpfs mc-prop rw,size=1024k',
    '$W/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    '$W/src/sub / rw,relatime private tmpfs mc-sub rw,size=1024k in=$W/src',
    '$W/t / ro,nosuid,noexec,relatime private tmpfs mc-all ro,size=3072k,mode=700',
  ]);
});

// ---- overlayfs with a lowerdir= value longer than 256 bytes ----------------------------------
// Ten lower layers with long names: the value is far beyond the 255 bytes fsconfig(SET_STRING)
// copies (strndup_user(value, 256) in fs/fsopen.c).
const LAYERS = 10;
const OVERLAY = `mkdir -p ov/upper ov/work ov/merged
L=
for i in $(seq 1 ${LAYERS}); do
  d=$D/ov/lower-layer-with-a-deliberately-long-directory-name-number-$i
  mkdir -p $d; echo $i > $d/layer$i; echo $i > $d/shadowed
  L=\${L:+$L:}$d
done
st_test "lowerdir= longer than 256 bytes" test \${#L} -gt 256`;
const lowers = Array.from({ length: LAYERS }, (_, i) => `$D/ov/lower-layer-with-a-deliberately-long-directory-name-number-${i + 1}`);
const LAYER_FILES = Array.from({ length: LAYERS }, (_, i) => `layer${i + 1}`).sort().join(' ');

batch(test, [
  {
    name: 'overlay-long-lowerdir',
    title: 'overlayfs whose lowerdir= is longer than 256 bytes mounts, with every layer',
    script: `${OVERLAY}
tm -t overlay -o lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work mc-ovl $D/ov/merged
st_ls $D/ov/merged
st_file $D/ov/merged/shadowed
echo new > ov/merged/new
st_file $D/ov/upper/new`,
    check: (t, r, mode) => {
      t.is(r.steps.length, 1);
      t.is(r.steps[0].rc, 0, r.steps[0].stderr);
      t.is(r.steps[0].stderr, '');
      t.is(r.checks['lowerdir= longer than 256 bytes'], 'yes');
      t.is(r.checks['ls $D/ov/merged'], `${LAYER_FILES} shadowed`);
      // the topmost lower layer (the first one listed) wins
      t.is(r.checks['file $D/ov/merged/shadowed'], '1');
      t.is(r.checks['file $D/ov/upper/new'], 'new');
      // The fd-based executor sends the layers one per fsconfig("lowerdir+") call, and the kernel
      // lists them so; mount(2) carries the list whole (it fits one page here).
      const layerOpts = mode === 'fd' ? lowers.map((l) => `lowerdir+=${l}`).join(',') : `lowerdir=${lowers.join(':')}`;
      t.deepEqual(r.mountinfo, [
        `$D/ov/merged / rw,relatime private overlay mc-ovl rw,${layerOpts},upperdir=$D/ov/upper,workdir=$D/ov/work,uuid=on`,
      ]);
    },
  },
  {
    name: 'overlay-long-lowerdir-never',
    title: 'the same overlay with the fd-based API only (TSMOUNT_FORCE_MOUNT2=never) mounts too: one lowerdir+ per layer',
    executors: ['fd'],
    script: `${OVERLAY}
TSMOUNT_FORCE_MOUNT2=never tm -t overlay -o lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work mc-ovl $D/ov/merged
st_ls $D/ov/merged`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0, r.steps[0].stderr);
      t.is(r.checks['ls $D/ov/merged'], `${LAYER_FILES} shadowed`);
    },
  },
  {
    name: 'overlay-short-lowerdir',
    title: 'an overlayfs with two short lower layers (below the limit) mounts with all layers',
    script: `mkdir -p l1 l2 up wk mnt; echo 1 > l1/a; echo 2 > l2/b
tm -t overlay -o lowerdir=$D/l1:$D/l2,upperdir=$D/up,workdir=$D/wk mc-ov2 $D/mnt
st_ls $D/mnt`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t overlay -o lowerdir=$D/l1:$D/l2,upperdir=$D/up,workdir=$D/wk mc-ov2 $D/mnt',
      'rc 0',
      '= ls $D/mnt: a b',
      '== final state',
      '= mi $D/mnt / rw,relatime private overlay mc-ov2 rw,lowerdir=$D/l1:$D/l2,upperdir=$D/up,workdir=$D/wk,uuid=on',
    ]),
  },
], { prefix: 'overlay: ' });
