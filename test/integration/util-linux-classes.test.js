'use strict';
// Behaviour classes found by util-linux 2.42.2's own test suite and by the difftest (issue 10),
// each checked against what util-linux 2.42.2 does on this machine (its expected outputs, or its
// binaries run in a private namespace): fstab lookup by source across tags and devices, fstab type
// lists, helpers for every type of a list, user/owner implied flags, helper utab entries completed,
// --move -o FLAGS, X-mount.nocanonicalize, umount -R below an over-mount, FUSE subtypes, sizes,
// repeated options, --fake and utab, bind utab entries, umount naming the spec as written.
const test = require('ava');
const crypto = require('crypto');
const { suite } = require('./devices-helpers');


const SFX = crypto.randomBytes(2).toString('hex').toUpperCase();
const LBL = `TSC${SFX}`;
const UUID = crypto.randomUUID();
const has = (t, r, line) => t.true(r.transcript.includes(line), `${line}\n--- in ---\n${r.transcript.join('\n')}`);
// utab is one file for the whole run (st_cmd joins its lines with " | "): look for this case's entry.
const hasEntry = (t, r, entry) => t.true(r.transcript.some((l) => l.startsWith('= utab: ') && l.slice(8).split(' | ').includes(entry)),
  `${entry}\n--- in ---\n${r.transcript.join('\n')}`);
const lacks = (t, r, re) => t.false(r.transcript.some((l) => re.test(l)), `${re}\n--- in ---\n${r.transcript.join('\n')}`);

suite(test, [
  {
    name: 'fstab-device-finds-tag-entry',
    title: 'a device on the command line finds its fstab entry written as LABEL= or UUID= (mnt_table_find_source)',
    script: `mk_ext2 img -L ${LBL} -U ${UUID}; mkdir m n; DEV=$(loop_attach $D/img)
mk_fstab <<EOF
LABEL=${LBL} $D/m ext2 defaults 0 0
EOF
tm $DEV
st_test mounted-m mountpoint -q $D/m
smount -t tmpfs x $D/m; sumount $D/m; sumount $D/m
mk_fstab <<EOF
UUID=${UUID} $D/n ext2 noexec 0 0
EOF
tm $DEV
sumount $D/n
mk_fstab <<EOF
$D/img-dev-link $D/n ext2 defaults 0 0
EOF
ln -s $DEV $D/img-dev-link
tm -L ${LBL}
sumount $D/n
tm 'LABEL="${LBL}"'`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      has(t, r, '= mounted-m: yes');
      t.is(r.steps[1].rc, 0, 'UUID= entry found from the device');
      t.is(r.steps[2].rc, 0, '-L finds an entry written as a device path');
      t.is(r.steps[3].rc, 0, 'LABEL="x" (quoted) equals LABEL=x');
    },
  },
  {
    name: 'fstab-type-list',
    title: 'an fstab type field that is a list is tried in order ("foo,bar,tmpfs")',
    script: `mkdir m
mk_fstab <<EOF
tl $D/m foo,bar,tmpfs size=1m 0 0
EOF
tm $D/m`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      has(t, r, '= mi $D/m / rw,relatime private tmpfs tl rw,size=1024k');
    },
  },
  {
    name: 'fstab-type-literal',
    title: 'mount -a takes an fstab type as it is: "nosuchfs" is no -t pattern',
    script: `mkdir m
mk_fstab <<EOF
ts $D/m nosuchfs defaults 0 0
EOF
tm -a`,
    check: (t, r) => has(t, r, "2> mount: $D/m: unknown filesystem type 'nosuchfs'."),
  },
  {
    name: 'move-flags',
    title: '--move -o ro,noexec sets the flags on the moved mount and keeps its others (2.42)',
    script: `mkdir a b
smount -t tmpfs -o nosuid mv $D/a
tm --move -o ro,noexec $D/a $D/b`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      has(t, r, '= mi $D/b / ro,nosuid,noexec,relatime private tmpfs mv rw');
    },
  },
  {
    name: 'move-flags-not-a-mount',
    title: '--move -o FLAGS of something that is no mount: "not mount point or bad option" (the fd API sets flags first)',
    executors: ['fd'],
    script: 'mkdir a b\ntm --move -o noexec $D/a $D/b',
    check: (t, r) => {
      t.is(r.steps[0].rc, 32);
      has(t, r, '2> mount: $D/b: not mount point or bad option.');
    },
  },
  {
    name: 'nocanonicalize',
    title: 'X-mount.nocanonicalize binds a symlink itself and over a symlink itself; umount finds it as written',
    script: `echo A > fa; echo B > fb; ln -s $D/fa la; ln -s $D/fb lb
tm -o X-mount.nocanonicalize --bind $D/fa $D/lb
st_cmd type-lb stat -c %F $D/lb
st_file $D/lb
tu $D/lb
tm -o X-mount.nocanonicalize --bind $D/la $D/fb
st_cmd type-fb stat -c %F $D/fb
tu $D/fb`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0, 0, 0]);
      has(t, r, '= type-lb: regular file');
      has(t, r, '= file $D/lb: A');
      has(t, r, '= type-fb: symbolic link');
    },
  },
  {
    name: 'umount-recursive-overmount',
    title: 'umount -R takes what is hidden under an over-mount of the target too (2.40+)',
    script: `mkdir m
smount -t tmpfs lo $D/m; mkdir m/sub; smount -t tmpfs losub $D/m/sub
smount -t tmpfs hi $D/m; mkdir m/sub2; smount -t tmpfs hisub $D/m/sub2
tu -R $D/m`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      lacks(t, r, /^= mi /);
    },
  },
  {
    name: 'helper-list',
    title: '-t a,b,c runs /sbin/mount.TYPE for the first listed type that has one, with user → noexec,nosuid,nodev',
    script: `mkdir m
fake_helper mount.tsclist
tm -t tscfoo,tsclist -o user,x-a /src $D/m
st_helper; clear_helpers`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      has(t, r, '= helper: /sbin/mount.tsclist [/src] [$D/m] [-o] [rw,user,noexec,nosuid,nodev]');
    },
  },
  {
    name: 'helper-utab-completed',
    title: 'options a helper did not record in its utab entry are added after it (2.40+)',
    script: `mkdir m
raw_helper mount.tscutab 755 <<EOF
#!/bin/sh
exec "$TSM_NODE" "$TSM_BIN_MOUNT" -t tmpfs -i "\\$1" "\\$2" -o x-foo=1
EOF
tm -t tscutab -o x-bar=2 hsrc $D/m
clear_helpers
st_cmd utab sed -e 's/^ID=[0-9]* //' -e 's/ UNIQID=[0-9]*//' "$LIBMOUNT_UTAB"`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      hasEntry(t, r, 'SRC=hsrc TARGET=$D/m ROOT=/ OPTS=x-foo=1,x-bar=2');
    },
  },
  {
    name: 'sizes-and-repeats',
    title: 'offset=0x… and a repeated offset (the first counts) as util-linux parses them',
    script: `truncate -s 3M img; mkfs.ext2 -q -F -E offset=1048576 $D/img 2M >/dev/null 2>&1; mkdir m
tm -o offset=0x100000 $D/img $D/m
sumount $D/m
tm -o offset=1M,offset=0 $D/img $D/m
sumount $D/m
tm -o 'offset=1 M' $D/img $D/m`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0, 1]);
      has(t, r, "2> mount: $D/m: failed to parse mount options 'rw,offset=1 M'.");
    },
  },
  {
    name: 'fake-records-utab',
    title: '--fake writes the utab entry (no mount, no ID) as util-linux does; --dry-run writes nothing',
    script: `mkdir m
tm --dry-run -t tmpfs -o x-dry=1 dr $D/m >/dev/null
tm -f -t tmpfs -o x-fake=1 fk $D/m
st_cmd utab sed -e 's/^ID=[0-9]* //' "$LIBMOUNT_UTAB"`,
    check: (t, r) => {
      hasEntry(t, r, 'SRC=fk TARGET=$D/m ROOT=/ OPTS=x-fake=1');
      lacks(t, r, /^= utab:.*x-dry/);
    },
  },
  {
    name: 'bind-utab',
    title: 'a bind with userspace options is recorded with the filesystem source, its root and BINDSRC',
    script: `mkdir src b c
smount -t tmpfs bsrc $D/src; mkdir src/d
tm --bind -o x-b=1 $D/src/d/ $D/b
tm --move $D/b $D/c
st_cmd utab sed -e 's/^ID=[0-9]* //' -e 's/ UNIQID=[0-9]*//' "$LIBMOUNT_UTAB"`,
    check: (t, r) => hasEntry(t, r, 'SRC=bsrc TARGET=$D/c ROOT=/d BINDSRC=$D/src/d OPTS=x-b=1'),
  },
  {
    name: 'umount-spec-as-written',
    title: 'umount names what it was given when nothing is mounted there, and never unmounts a bind by its source dir',
    script: `mkdir a b
smount --bind $D/a $D/b
cd $D && tu a
tu $D/a/../a/
st_test b-mounted mountpoint -q $D/b`,
    check: (t, r) => {
      has(t, r, '2> umount: a: not mounted.');
      has(t, r, '2> umount: $D/a/../a/: not mounted.');
      has(t, r, '= b-mounted: yes');
    },
  },
  {
    name: 'ro-forms-together',
    title: 'ro beside ro=fs keeps the mount read-only too (libmount merges only equal or inverse options)',
    script: `mkdir m n
tm -t tmpfs -o ro,size=1m,ro=fs rf $D/m
tm -t tmpfs -o ro=fs,rw rw $D/n
st_cmd m awk '$5 == "'$D'/m" { print $6, $NF }' /proc/self/mountinfo
st_cmd n awk '$5 == "'$D'/n" { print $6, $NF }' /proc/self/mountinfo`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0]);
      has(t, r, '= m: ro,relatime ro,size=1024k');
      has(t, r, '= n: rw,relatime rw');
    },
  },
  {
    name: 'remount-keeps-utab-fields',
    title: "a remount changes only the options of the mount's utab entry (BINDSRC=, ROOT= stay)",
    script: `mkdir src b
smount -t tmpfs rsrc $D/src; mkdir src/d
tm --bind -o x-b=1 $D/src/d $D/b
tm -o remount,x-c=2 $D/b
st_cmd utab sed -e 's/^ID=[0-9]* //' -e 's/ UNIQID=[0-9]*//' "$LIBMOUNT_UTAB"`,
    check: (t, r) => hasEntry(t, r, 'SRC=rsrc TARGET=$D/b ROOT=/d BINDSRC=$D/src/d OPTS=x-b=1,x-c=2'),
  },
  {
    name: 'fake-bind-utab',
    title: '--fake of a bind records it as a bind: the holding mount\'s source, the root in it, BINDSRC=',
    script: `mkdir src b
smount -t tmpfs fsrc $D/src; mkdir src/d
tm -f --bind -o x-f=1 $D/src/d $D/b
st_cmd utab sed -e 's/^ID=[0-9]* //' -e 's/ UNIQID=[0-9]*//' "$LIBMOUNT_UTAB"`,
    check: (t, r) => hasEntry(t, r, 'SRC=fsrc TARGET=$D/b ROOT=/d BINDSRC=$D/src/d OPTS=x-f=1'),
  },
  {
    name: 'umount-recursive-mount-point-only',
    title: 'umount -R takes a mount point only: a source is "not found", an unmounted directory "not mounted"',
    script: `mkdir m n
smount -t tmpfs tsc-rsrc $D/m
cd $D && tu -R tsc-rsrc
tu -R n
st_test m-mounted mountpoint -q $D/m`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [1, 1]);
      has(t, r, '2> umount: tsc-rsrc: not found');
      has(t, r, '2> umount: n: not mounted');
      has(t, r, '= m-mounted: yes');
    },
  },
  {
    name: 'symlink-bind-propagation-owner',
    title: 'a symlink bound itself gets its propagation flag; X-mount.owner then fails opening it ("failed to change mode")',
    script: `echo x > f; ln -s nowhere dangling
tm -R -o shared,X-mount.owner=0,X-mount.nocanonicalize $D/dangling $D/f
st_cmd f awk '$5 == "'$D'/f" { print $4, ($7 ~ /^shared:/) ? "shared" : "private" }' /proc/self/mountinfo`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 2);
      has(t, r, '2> mount: $D/f: filesystem was mounted, but failed to change mode: No such file or directory.');
      has(t, r, '= f: /symlink-bind-propagation-owner/dangling shared');
    },
  },
  {
    name: 'no-canonicalize-tags',
    title: '-c evaluates no tag, as util-linux (X-mount.nocanonicalize does)',
    script: `mk_ext2 img -L ${LBL}n; mkdir m n; DEV=$(loop_attach $D/img)
tm -c -t ext2 LABEL=${LBL}n $D/m
tm -o X-mount.nocanonicalize -t ext2 LABEL=${LBL}n $D/n
sumount $D/n`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [1, 0]);
      has(t, r, `2> mount: $D/m: can't find LABEL=${LBL}n.`);
    },
  },
  {
    name: 'listing-loop-source-of-pseudo-fs',
    title: 'the listing shows a loop device\'s backing file for a regular filesystem only (a tmpfs named /dev/loopN stays)',
    script: `mk_ext2 img; mkdir m n
tm -o ro $D/img $D/m
DEV=$(awk '$5 == "'$D'/m" { print $(NF-1) }' /proc/self/mountinfo)
smount -t tmpfs $DEV $D/n
tm_w -t tmpfs,ext2`,
    check: (t, r) => {
      has(t, r, '1> $D/img on $D/m type ext2 (ro,relatime)');
      has(t, r, "1> /dev/loopN on $D/n type tmpfs (rw,relatime)");
    },
  },
  {
    name: 'ambiguous-long-option',
    title: "an ambiguous long option lists the possibilities in util-linux's order",
    script: 'tm --ver\ntu --n',
    check: (t, r) => {
      has(t, r, "2> mount: option '--ver' is ambiguous; possibilities: '--verbose' '--version'");
      has(t, r, "2> umount: option '--n' is ambiguous; possibilities: '--no-canonicalize' '--no-mtab' '--namespace'");
    },
  },
  {
    name: 'mount-all-table-as-at-start',
    title: 'mount -a checks "already mounted" against the table as at its first check: one filesystem named twice for one target is mounted twice',
    script: `mkdir m n
mk_fstab <<EOF
tw $D/m tmpfs defaults 0 0
tw $D/m tmpfs defaults 0 0
tw $D/n tmpfs defaults 0 0
$D/n $D/n none bind 0 0
EOF
tm -a
st_cmd stacked awk '$5 == "'$D'/m" || $5 == "'$D'/n" { n[$5]++ } END { print n["'$D'/m"], n["'$D'/n"] }' /proc/self/mountinfo
tm -a -v
sumount $D/m; sumount $D/m; sumount $D/n; sumount $D/n`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0]);
      // Both entries of each target mounted by the first run; the second run finds all mounted.
      has(t, r, '= stacked: 2 2');
      t.is(r.transcript.filter((l) => /^1> .*: already mounted$/.test(l)).length, 4, r.transcript.join('\n'));
    },
  },
  {
    name: 'umount-c-no-backing-file',
    title: 'umount -c IMAGE does not look for the loop device IMAGE is mounted through (libmount reads only the entries of that path)',
    script: `mk_ext2 img; mkdir m
tm $D/img $D/m
tu -c $D/img
tu $D/img`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 32, 0]);
      has(t, r, '2> umount: $D/img: not mounted.');
      lacks(t, r, /^= mi \$D\/m /);
    },
  },
  {
    name: 'loop-same-file-only-loop-sources',
    title: '"IMAGE is already mounted" only for a loop device of IMAGE on the target, not for a filesystem that merely has its name',
    script: `mk_ext2 img; mkdir m
smount -t tmpfs $D/img $D/m
tm $D/img $D/m
tm $D/img $D/m
sumount $D/m`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 1]);
      has(t, r, '2> mount: $D/m: $D/img is already mounted.');
    },
  },
  {
    name: 'no-canonicalize-mkdir-symlink',
    title: '-c with X-mount.mkdir leaves a symlink target to the kernel call, as without X-mount.mkdir',
    executors: ['fd'],
    script: `mkdir a; ln -s a l
tm -c -t tmpfs -o X-mount.mkdir=0700 none $D/l
tm -c -t tmpfs none $D/l`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [32, 32]);
      lacks(t, r, /^= mi \$D\/a /);
    },
  },
  {
    name: 'list-label-of-source-path',
    title: '-l shows the label of whatever path the source names, an image file a tmpfs is named after too (libmount probes the source)',
    script: `mk_ext2 img -L ${LBL}l; mkdir m
smount -t tmpfs $D/img $D/m
tm_w -l -t tmpfs
sumount $D/m`,
    check: (t, r) => has(t, r, `1> $D/img on $D/m type tmpfs (rw,relatime) [${LBL}l]`),
  },
  {
    name: 'fake-bind-missing-source',
    title: '--fake of a bind whose source does not exist records the source as given, no ROOT= (libmount has no fs root for it)',
    script: `mkdir m
cd $D && tm -f --bind -o x-f=1 nosuchdir $D/m
st_cmd utab sed -e 's/^ID=[0-9]* //' -e 's/ UNIQID=[0-9]*//' "$LIBMOUNT_UTAB"`,
    check: (t, r) => hasEntry(t, r, 'SRC=nosuchdir TARGET=$D/m BINDSRC=nosuchdir OPTS=x-f=1'),
  },
  {
    name: 'remount-by-canonical-source',
    title: 'a remount of a path that is no mount point finds the mount whose source is that path, written as given or canonical',
    script: `mkdir a b m
smount -t tmpfs $D/b $D/m
tm -o remount,bind,nodev $D/a/../b
st_cmd m awk '$5 == "'$D'/m" { print $6 }' /proc/self/mountinfo
sumount $D/m`,
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      has(t, r, '= m: rw,nodev,relatime');
    },
  },
], { executors: ['fd', 'mount2'] });
