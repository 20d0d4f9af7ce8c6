'use strict';
// Nothing lost, nothing run that was not asked for (issue 11), with the kernel's and the files'
// own word: paths that are not UTF-8 used exactly; utab written as bytes, one entry per mount
// (stacks, --beneath), other tools' lines kept byte for byte, failed updates reported as
// util-linux does; a dry run that starts no helper; helpers never given a replaced path;
// umount -l/-f of a FUSE mount whose server never answers; SIGINT/SIGTERM between two steps of
// -a and -R with utab matching the kernel; bash completion that runs nothing it reads; and 8
// concurrent workers, tsmount and util-linux mixed, stacking and reusing mount IDs, with no entry
// lost or left stale. Everything runs in a private namespace (test/helpers/ns.js); utab is the
// run's own ($LIBMOUNT_UTAB below the scratch directory).
const test = require('ava');
const { suite } = require('./devices-helpers');
const { COMPLETION, DEAD_FUSE, check, FF, FFFD, TS } = require('./integrity-helpers');

suite(test, [
  {
    name: 'non-utf8-target',
    script: `mkdir "$D/bad${FF}" "$D/bad${FFFD}"
tm -t tmpfs -o size=1m,x-nb=1 nb "$D/bad${FF}"
st_test on-ff mountpoint -q "$D/bad${FF}"
st_test on-fffd mountpoint -q "$D/bad${FFFD}"
st_cmd utab-ff grep -a -c -F "TARGET=$D/bad${FF} " "$LIBMOUNT_UTAB"
st_cmd utab-fffd grep -a -c -F "${FFFD}" "$LIBMOUNT_UTAB"
lst() { ${TS} | grep -a -c -F "$1"; }
st_cmd list-ff lst "on $D/bad${FF} type tmpfs (rw,relatime,size=1024k,x-nb=1)"
tu "$D/bad${FF}"
st_test after-ff mountpoint -q "$D/bad${FF}"
st_cmd utab-after grep -a -c nb "$LIBMOUNT_UTAB"`,
    tests: [{
      title: 'a target that is not UTF-8 is mounted on exactly (never on the U+FFFD path), recorded and listed as its bytes, and unmounted',
      check: (t, r) => {
        t.is(r.steps[0].rc, 0);
        t.is(check(r, 'on-ff'), 'yes');
        t.is(check(r, 'on-fffd'), 'no', 'the other directory, whose name is the lossy decoding, is untouched');
        t.is(check(r, 'utab-ff'), '1');
        t.is(check(r, 'utab-fffd'), '0');
        t.is(check(r, 'list-ff'), '1');
        t.is(r.steps[1].rc, 0);
        t.is(check(r, 'after-ff'), 'no');
        t.is(check(r, 'utab-after'), '0');
      },
    }],
  },
  {
    name: 'utab-other-tools-bytes',
    script: `mkdir m
printf 'ID=4000 SRC=u TARGET=/mnt/caf\\351 ROOT=/ OPTS=x-ul=1\\nID=NaN junk\\n' > "$LIBMOUNT_UTAB"
cp "$LIBMOUNT_UTAB" $D/before
tm -t tmpfs -o size=1m,x-ob=1 ob $D/m
st_cmd latin1 grep -a -c -F "$(printf 'TARGET=/mnt/caf\\351 ')" "$LIBMOUNT_UTAB"
st_cmd junk grep -a -c -x 'ID=NaN junk' "$LIBMOUNT_UTAB"
st_cmd replaced grep -a -c -F "${FFFD}" "$LIBMOUNT_UTAB"
tu $D/m
st_test same-bytes cmp -s $D/before "$LIBMOUNT_UTAB"
: > "$LIBMOUNT_UTAB"`,
    title: "other tools' utab lines (a Latin-1 path, a line tsmount cannot parse) survive a mount and an unmount byte for byte",
    check: (t, r) => {
      t.is(r.steps[0].rc, 0);
      t.is(check(r, 'latin1'), '1');
      t.is(check(r, 'junk'), '1');
      t.is(check(r, 'replaced'), '0');
      t.is(r.steps[1].rc, 0);
      t.is(check(r, 'same-bytes'), 'yes', 'after the unmount, utab is what it was, to the byte');
    },
  },
  {
    name: 'stacks-and-beneath',
    script: `mkdir s b
lst() { ${TS} | grep -F "$1" | sort; }
tm -t tmpfs -o size=1m,x-role=under su $D/s
tm -t tmpfs -o size=1m,x-role=top st $D/s
st_cmd entries-s grep -c "TARGET=$D/s " "$LIBMOUNT_UTAB"
st_test event test -f "$LIBMOUNT_UTAB.event"
tu $D/s
st_cmd list-s lst " $D/s "
tm -t tmpfs -o size=1m,x-role=top bt $D/b
tm --beneath -t tmpfs -o size=1m,x-role=under bu $D/b
st_cmd list-b2 lst " $D/b "
tu $D/b
st_cmd list-b lst " $D/b "
tu $D/s
tu $D/b
st_cmd left grep -c "TARGET=$D/" "$LIBMOUNT_UTAB"`,
    title: 'one utab entry per mount: a stack on one target and a --beneath mount keep their own options; unmounting the top leaves the lower one its own',
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0, 0, 0, 0, 0, 0, 0]);
      t.is(check(r, 'entries-s'), '2');
      t.is(check(r, 'event'), 'yes', 'utab.event, for monitors, as libmount 2.40+');
      t.is(check(r, 'list-s'), 'su on $D/s type tmpfs (rw,relatime,size=1024k,x-role=under)');
      t.is(check(r, 'list-b2'), 'bt on $D/b type tmpfs (rw,relatime,size=1024k,x-role=top) | bu on $D/b type tmpfs (rw,relatime,size=1024k,x-role=under)');
      t.is(check(r, 'list-b'), 'bu on $D/b type tmpfs (rw,relatime,size=1024k,x-role=under)');
      t.is(check(r, 'left'), '0');
    },
  },
  {
    name: 'utab-failures',
    script: `mkdir m1 m2 m3 m4 u1 u2 u3 u4
mkdir u1/utab.lock
LIBMOUNT_UTAB=$D/u1/utab tm -t tmpfs -o size=1m,x-a=1 f1 $D/m1
smount -t tmpfs -o size=4k f $D/u2
dd if=/dev/zero of=$D/u2/fill bs=4k count=8 2>/dev/null
LIBMOUNT_UTAB=$D/u2/utab tm -t tmpfs -o size=1m,x-a=2 f2 $D/m2
smount -t tmpfs -o ro f $D/u3
LIBMOUNT_UTAB=$D/u3/utab tm -t tmpfs -o size=1m,x-a=3 f3 $D/m3
LIBMOUNT_UTAB=$D/u4/utab tm -t tmpfs -o size=1m,x-a=4 f4 $D/m4
rm $D/u4/utab.lock; mkdir $D/u4/utab.lock
LIBMOUNT_UTAB=$D/u4/utab tu $D/m4
mkdir m5 u5
LIBMOUNT_UTAB=$D/u5/utab tm -t tmpfs -o size=1m,x-a=5 f5 $D/m5
rm $D/u5/utab.lock; mkdir $D/u5/utab.lock
LIBMOUNT_UTAB=$D/u5/utab tu -a -O x-a=5
st_test m5 mountpoint -q $D/m5
st_test m1 mountpoint -q $D/m1
st_test m2 mountpoint -q $D/m2
st_test m3 mountpoint -q $D/m3
st_test m4 mountpoint -q $D/m4
st_cmd u2-files ls $D/u2
st_cmd u4-entries grep -c x-a=4 $D/u4/utab
sumount $D/m1 $D/m2 $D/m3 $D/u2 $D/u3`,
    title: 'a utab update that fails is reported as util-linux does (lock: exit 16; write: exit 32 with the error); a read-only utab directory is skipped silently',
    check: (t, r) => {
      const [m1, m2, m3, , u4, m5, u5] = r.steps;
      t.deepEqual([m1.rc, m1.err], [16, ['tsmount: $D/m1: filesystem was mounted, but failed to update userspace mount table.']]);
      t.deepEqual([m2.rc, m2.err], [32, ['tsmount: $D/m2: filesystem was mounted, but any subsequent operation failed: No space left on device.']]);
      t.deepEqual([m3.rc, m3.err], [0, []], 'as util-linux: no writable utab, no entry, no message');
      t.deepEqual([u4.rc, u4.err], [16, ['tsumount: $D/m4: filesystem was unmounted, but failed to update userspace mount table.']]);
      t.is(m5.rc, 0);
      t.deepEqual([u5.rc, u5.err], [16, ['tsumount: $D/m5: filesystem was unmounted, but failed to update userspace mount table.']], 'umount -a too');
      t.is(check(r, 'm5'), 'no');
      t.is(check(r, 'm1'), 'yes', 'the mount stays');
      t.is(check(r, 'm2'), 'yes');
      t.is(check(r, 'm3'), 'yes');
      t.is(check(r, 'm4'), 'no', 'the unmount stays');
      t.is(check(r, 'u2-files'), 'fill | utab.lock', 'no temporary file left behind on a full disk');
      t.is(check(r, 'u4-entries'), '1', 'utab as it was');
    },
  },
  {
    name: 'dry-run-runs-nothing',
    script: `mkdir d
fake_helper mount.tsmdry 0
tm --dry-run -t tsmdry -o x-d=1 src $D/d
st_helper
st_test mounted mountpoint -q $D/d
st_cmd utab grep -c x-d=1 "$LIBMOUNT_UTAB"
tm --dry-run -t tmpfs x $D/nx
tm -t tmpfs x $D/nx
tm --dry-run -o X-mount.mkdir -t tmpfs x $D/made/here
st_test made test -e $D/made
clear_helpers`,
    title: "--dry-run starts no helper (it prints the helper's argv, without -f), mounts nothing, records nothing, creates nothing, and fails where the real run fails on the target",
    check: (t, r) => {
      const [dry, dryNx, realNx, dryMk] = r.steps;
      t.is(dry.rc, 0);
      t.true(dry.out.some((l) => l.startsWith('execve("/sbin/mount.tsmdry", ["/sbin/mount.tsmdry", "src", "$D/d", "-o", "rw"]')), dry.out.join('\n'));
      t.is(check(r, 'helper'), '(not called)');
      t.is(check(r, 'mounted'), 'no');
      t.is(check(r, 'utab'), '0');
      t.deepEqual([dryNx.rc, dryNx.err], [realNx.rc, realNx.err]);
      t.is(dryNx.rc, 32);
      t.is(dryMk.rc, 0);
      t.is(check(r, 'made'), 'no');
    },
  },
  {
    name: 'helper-path-not-utf8',
    script: `mkdir "$D/h${FF}"
fake_helper mount.tsmbytes 0
tm -t tsmbytes src "$D/h${FF}"
st_helper
clear_helpers`,
    title: 'a helper is never given a path that is not UTF-8 (Node would hand it another path): refused, nothing run',
    check: (t, r) => {
      t.is(r.steps[0].rc, 32);
      t.true(/path is not valid UTF-8 and cannot be passed to \/sbin\/mount\.tsmbytes exactly\.$/.test(r.steps[0].err[0]), r.steps[0].err.join('\n'));
      t.is(check(r, 'helper'), '(not called)');
    },
  },
  {
    name: 'dead-fuse',
    script: `${DEAD_FUSE}
st_cmd fuse-mounts sh -c "grep -c ' $D/[fg] ' /proc/self/mountinfo"
TSM_CMD_TIMEOUT=15 tu -l $D/f
TSM_CMD_TIMEOUT=15 tu -f $D/g
kill $HOLD; wait $HOLD 2>/dev/null
st_cmd fuse-left sh -c "grep -c ' $D/[fg] ' /proc/self/mountinfo"`,
    title: 'umount -l and -f of a FUSE mount whose server never answers return at once (no stat of the target)',
    check: (t, r) => {
      t.is(check(r, 'fuse-mounts'), '2', 'two FUSE mounts, their /dev/fuse fds held and never read');
      t.is(r.steps[0].rc, 0, `umount -l: ${r.steps[0].err.join(' ')}`);
      t.is(r.steps[1].rc, 0, `umount -f: ${r.steps[1].err.join(' ')}`);
      t.is(check(r, 'fuse-left'), '0');
    },
  },
  {
    name: 'dead-fuse-mount-a',
    script: `${DEAD_FUSE}
printf 'over-dead %s tmpfs size=1m 0 0\\n' "$D/f" > $D/fstab-f
printf 'over-dead %s tmpfs size=1m 0 0\\n' "$D/g" > $D/fstab-g
TSM_CMD_TIMEOUT=15 tm -a -T $D/fstab-f
TSMOUNT_NO_STATMOUNT=1 TSM_CMD_TIMEOUT=15 tm -a -T $D/fstab-g
st_cmd on-top sh -c "grep -E ' $D/[fg] ' /proc/self/mountinfo | grep -c over-dead"
TSM_CMD_TIMEOUT=15 tu $D/f $D/g
TSM_CMD_TIMEOUT=15 tu -l $D/f $D/g
kill $HOLD; wait $HOLD 2>/dev/null
st_cmd fuse-left sh -c "grep -c -E ' $D/[fg] ' /proc/self/mountinfo"`,
    title: 'mount -a onto the mount point of a FUSE mount whose server never answers (koffi loaded first, or not: the mountinfo path): its checks ask the server nothing',
    check: (t, r) => {
      t.is(r.steps[0].rc, 0, `mount -a: ${r.steps[0].err.join(' ')}`);
      t.is(r.steps[1].rc, 0, `mount -a (mountinfo): ${r.steps[1].err.join(' ')}`);
      t.is(check(r, 'on-top'), '2', 'a tmpfs mounted over each FUSE mount');
      t.is(r.steps[2].rc, 0, `umount: ${r.steps[2].err.join(' ')}`);
      t.is(r.steps[3].rc, 0, `umount -l: ${r.steps[3].err.join(' ')}`);
      t.is(check(r, 'fuse-left'), '0');
    },
  },
  {
    name: 'completion',
    script: `mkdir 'm$(touch pwned)' 'sp ace' 'star*'
smount -t tmpfs t "$D/m\\$(touch pwned)"; smount -t tmpfs t "$D/sp ace"; smount -t tmpfs t "$D/star*"
cat > $D/comp.sh <<'EOF'
set -u
. "$1"
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); "$FN"; printf '[%s]' "\${COMPREPLY[@]}"; echo; }
FN=_tsumount comp tsumount "$2/"
FN=_tsmount comp tsmount --output ta
FN=_tsmount comp tsmount --json -o source,FS
FN=_tsmount comp tsmount -t tmp
EOF
st_cmd comp bash $D/comp.sh ${JSON.stringify(COMPLETION)} $D
st_test pwned test -e $D/pwned
sumount "$D/m\\$(touch pwned)" "$D/sp ace" "$D/star*"`,
    title: 'bash completion compares what it reads (a mount point named $(touch pwned) runs nothing, names are offered as they are) and completes column names in any case',
    check: (t, r) => {
      t.is(check(r, 'pwned'), 'no');
      t.is(check(r, 'comp'), '[$D/m$(touch pwned)][$D/sp ace][$D/star*] | [TARGET] | [source,FSTYPE][source,FS-OPTIONS] | [tmpfs]');
    },
  },
]);
