'use strict';
// New mounts: tmpfs with data options, every VFS / superblock flag, -v, -f, X-mount.*.
// Each case runs with the fd-based executor and with mount(2) (TSMOUNT_FORCE_MOUNT2=always):
// the kernel must end up with the same mount table.
const test = require('ava');
const { batch, noLoopLeak } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'tmpfs-size-mode',
    title: 'tmpfs with size= and mode= data options',
    script: 'mkdir m; tm -t tmpfs -o size=1m,mode=0700 mc-t $D/m; st_stat $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=1m,mode=0700 mc-t $D/m',
      'rc 0',
      '= stat $D/m: 0:0 700 directory',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-t rw,size=1024k,mode=700',
    ]),
  },
  {
    name: 'tmpfs-uid-name',
    title: 'tmpfs uid=NAME is resolved to a number; gid= and mode= kept',
    script: 'mkdir m; tm -t tmpfs -o uid=nobody,gid=0,mode=0750 mc-u $D/m; st_stat $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o uid=nobody,gid=0,mode=0750 mc-u $D/m',
      'rc 0',
      '= stat $D/m: 65534:0 750 directory',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-u rw,mode=750,uid=65534',
    ]),
  },
  {
    name: 'tmpfs-files',
    title: 'files written into a new tmpfs land in it, and go away with it',
    script: `mkdir m
echo under > m/f
tm -t tmpfs -o size=1m mc-f $D/m
st_file $D/m/f
echo data > m/g
st_file $D/m/g
tu $D/m
st_file $D/m/f
st_file $D/m/g`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=1m mc-f $D/m',
      'rc 0',
      '= file $D/m/f: (missing)',
      '= file $D/m/g: data',
      '$ umount $D/m',
      'rc 0',
      '= file $D/m/f: under',
      '= file $D/m/g: (missing)',
      '== final state',
    ]),
  },
  {
    name: 'ramfs',
    title: 'ramfs (no data options)',
    script: 'mkdir m; tm -t ramfs mc-r $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t ramfs mc-r $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private ramfs mc-r rw',
    ]),
  },
  {
    name: 'vfs-ro',
    title: '-o ro: read-only mount (per-mount and superblock)',
    script: 'mkdir m; tm -t tmpfs -o ro mc-ro $D/m; st_write $D/m/file',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro mc-ro $D/m',
      'rc 0',
      '= write $D/m/file: Read-only file system',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-ro ro',
    ]),
  },
  {
    name: 'vfs-nosuid-nodev-noexec',
    title: '-o nosuid,nodev,noexec per-mount flags; noexec is enforced',
    script: `mkdir m
tm -t tmpfs -o nosuid,nodev,noexec mc-f $D/m
printf '#!/bin/sh\\nexit 0\\n' > m/x && chmod 755 m/x
st_test "exec allowed" $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o nosuid,nodev,noexec mc-f $D/m',
      'rc 0',
      '= exec allowed: no',
      '== final state',
      '= mi $D/m / rw,nosuid,nodev,noexec,relatime private tmpfs mc-f rw',
    ]),
  },
  {
    name: 'vfs-exec-default',
    title: 'without noexec a script on the mount runs',
    script: `mkdir m
tm -t tmpfs mc-e $D/m
printf '#!/bin/sh\\nexit 0\\n' > m/x && chmod 755 m/x
st_test "exec allowed" $D/m/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs mc-e $D/m',
      'rc 0',
      '= exec allowed: yes',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-e rw',
    ]),
  },
  {
    name: 'vfs-sync-dirsync',
    title: '-o sync,dirsync,lazytime are superblock flags',
    script: 'mkdir m; tm -t tmpfs -o sync,dirsync,lazytime mc-s $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o sync,dirsync,lazytime mc-s $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-s rw,sync,dirsync,lazytime',
    ]),
  },
  {
    name: 'vfs-atime',
    title: 'atime family: noatime, strictatime, nodiratime',
    script: `mkdir m1 m2 m3
tm -t tmpfs -o noatime mc-a1 $D/m1
tm -t tmpfs -o strictatime mc-a2 $D/m2
tm -t tmpfs -o nodiratime mc-a3 $D/m3`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o noatime mc-a1 $D/m1',
      'rc 0',
      '$ mount -t tmpfs -o strictatime mc-a2 $D/m2',
      'rc 0',
      '$ mount -t tmpfs -o nodiratime mc-a3 $D/m3',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,noatime private tmpfs mc-a1 rw',
      '= mi $D/m2 / rw private tmpfs mc-a2 rw',
      '= mi $D/m3 / rw,nodiratime,relatime private tmpfs mc-a3 rw',
    ]),
  },
  {
    name: 'vfs-atime-last-wins',
    title: 'the last atime option wins',
    script: `mkdir m1 m2 m3
tm -t tmpfs -o noatime,strictatime,relatime mc-a1 $D/m1
tm -t tmpfs -o relatime,strictatime,noatime mc-a2 $D/m2
tm -t tmpfs -o noatime,relatime,strictatime mc-a3 $D/m3`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o noatime,strictatime,relatime mc-a1 $D/m1',
      'rc 0',
      '$ mount -t tmpfs -o relatime,strictatime,noatime mc-a2 $D/m2',
      'rc 0',
      '$ mount -t tmpfs -o noatime,relatime,strictatime mc-a3 $D/m3',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-a1 rw',
      '= mi $D/m2 / rw,noatime private tmpfs mc-a2 rw',
      '= mi $D/m3 / rw private tmpfs mc-a3 rw',
    ]),
  },
  {
    name: 'vfs-nosymfollow',
    title: '-o nosymfollow: symlinks inside the mount are not followed',
    script: `mkdir m
tm -t tmpfs -o nosymfollow mc-n $D/m
echo data > m/f && ln -s f m/link
st_test "symlink followed" cat $D/m/link`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o nosymfollow mc-n $D/m',
      'rc 0',
      '= symlink followed: no',
      '== final state',
      '= mi $D/m / rw,relatime,nosymfollow private tmpfs mc-n rw',
    ]),
  },
  {
    name: 'vfs-all-flags',
    title: 'every per-mount flag at once, with data options',
    script: 'mkdir m; tm -t tmpfs -o ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow,size=2m,mode=0711 mc-all $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow,size=2m,mode=0711 mc-all $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / ro,nosuid,nodev,noexec,noatime,nodiratime,nosymfollow private tmpfs mc-all ro,size=2048k,mode=711',
    ]),
  },
  {
    name: 'verbose-new',
    title: '-v prints "SRC mounted on TGT."',
    script: 'mkdir m; tm -v -t tmpfs -o size=1m mc-v $D/m',
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ mount -v -t tmpfs -o size=1m mc-v $D/m',
        'rc 0',
        '1> mount: mc-v mounted on $D/m.',
        '== final state',
        '= mi $D/m / rw,relatime private tmpfs mc-v rw,size=1024k',
      ]);
      t.deepEqual(r.steps[0].out, ['tsmount: mc-v mounted on $D/m.']);
    },
  },
  {
    name: 'fake-mount',
    title: '-f does everything but the mount; -f -v prints what would be mounted',
    script: `mkdir m
tm -f -t tmpfs mc-f $D/m
tm -f -v -t tmpfs -o size=1m mc-f $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -f -t tmpfs mc-f $D/m',
      'rc 0',
      '$ mount -f -v -t tmpfs -o size=1m mc-f $D/m',
      'rc 0',
      '1> mount: mc-f mounted on $D/m.',
      '== final state',
    ]),
  },
  {
    name: 'relative-target',
    title: 'a relative target is made absolute (messages and mount table)',
    script: 'mkdir m; tm -v -t tmpfs mc-rel m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -v -t tmpfs mc-rel m',
      'rc 0',
      '1> mount: mc-rel mounted on $D/m.',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-rel rw',
    ]),
  },
  {
    name: 'stacked-tmpfs',
    title: 'a second tmpfs on the same mount point stacks over the first',
    script: `mkdir m
tm -t tmpfs -o size=1m mc-s1 $D/m
tm -t tmpfs -o size=2m mc-s2 $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o size=1m mc-s1 $D/m',
      'rc 0',
      '$ mount -t tmpfs -o size=2m mc-s2 $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-s1 rw,size=1024k',
      '= mi $D/m+1 / rw,relatime private tmpfs mc-s2 rw,size=2048k in=$D/m',
    ]),
  },
  {
    name: 'xmount-mkdir-mode',
    title: 'X-mount.mkdir=MODE creates all missing directories',
    script: 'tm -t tmpfs -o X-mount.mkdir=0700 mc-k $D/new/deep/dir; st_stat $D/new; st_stat $D/new/deep',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o X-mount.mkdir=0700 mc-k $D/new/deep/dir',
      'rc 0',
      '= stat $D/new: 0:0 700 directory',
      '= stat $D/new/deep: 0:0 700 directory',
      '== final state',
      '= mi $D/new/deep/dir / rw,relatime private tmpfs mc-k rw',
    ]),
  },
  {
    name: 'xmount-owner-group-mode',
    title: 'X-mount.owner, X-mount.group, X-mount.mode',
    script: 'mkdir m; tm -t tmpfs -o X-mount.owner=nobody,X-mount.group=65534,X-mount.mode=0711 mc-x $D/m; st_stat $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs -o X-mount.owner=nobody,X-mount.group=65534,X-mount.mode=0711 mc-x $D/m',
      'rc 0',
      '= stat $D/m: 65534:65534 711 directory',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-x rw',
    ]),
  },
  {
    name: 'xmount-mode-fails',
    title: 'X-mount.mode on a read-only mount fails after the mount: exit 2, the mount stays and keeps its utab entry (util-linux 2.42.2, checked)',
    script: `mkdir m; tm -r -t tmpfs -o _netdev,uhelper=x,X-mount.mode=0750 mc-ro $D/m
st_cmd utab sh -c "sed -e 's/^ID=[0-9]* //' $W/.h/utab"`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -r -t tmpfs -o _netdev,uhelper=x,X-mount.mode=0750 mc-ro $D/m',
      'rc 2',
      '2> mount: $D/m: filesystem was mounted, but failed to change mode: Read-only file system.',
      '= utab: SRC=mc-ro TARGET=$D/m ROOT=/ OPTS=_netdev,uhelper=x',
      '== final state',
      '= mi $D/m / ro,relatime private tmpfs mc-ro ro',
    ]),
  },
  {
    name: 'mkdir-option',
    title: '-m / --mkdir[=MODE] create the mount point (default mode 0755)',
    script: `tm -m -t tmpfs mc-m1 $D/a/b
tm --mkdir=0711 -t tmpfs mc-m2 $D/c/d
st_stat $D/a
st_stat $D/c`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -m -t tmpfs mc-m1 $D/a/b',
      'rc 0',
      '$ mount --mkdir=0711 -t tmpfs mc-m2 $D/c/d',
      'rc 0',
      '= stat $D/a: 0:0 755 directory',
      '= stat $D/c: 0:0 711 directory',
      '== final state',
      '= mi $D/a/b / rw,relatime private tmpfs mc-m1 rw',
      '= mi $D/c/d / rw,relatime private tmpfs mc-m2 rw',
    ]),
  },
  {
    name: 'source-target-options',
    title: '--source and --target name source and mount point explicitly',
    script: `mkdir m1 m2
tm -t tmpfs --source mc-st1 --target $D/m1
tm -t tmpfs --target $D/m2 mc-st2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs --source mc-st1 --target $D/m1',
      'rc 0',
      '$ mount -t tmpfs --target $D/m2 mc-st2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-st1 rw',
      '= mi $D/m2 / rw,relatime private tmpfs mc-st2 rw',
    ]),
  },
]);
