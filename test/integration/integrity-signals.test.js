'use strict';
// (integrity.test.js, continued: the two cases that take long, in a namespace run of their own.)
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
const fs = require('fs');
const path = require('path');
const { suite } = require('./devices-helpers');

const ROOT = path.resolve(__dirname, '..', '..');
const REF = path.resolve(ROOT, '..', 'shared', 'util-linux-2.42.2', 'bin');
const HAVE_REF = fs.existsSync(path.join(REF, 'mount'));
const COMPLETION = path.join(ROOT, 'docs', 'completion', 'tsmount.bash');

const has = (t, r, line) => t.true(r.transcript.includes(line), `${line}\n--- in ---\n${r.transcript.join('\n')}`);
const check = (r, key) => r.checks[key];

// Bytes that are not UTF-8, written by bash's printf: \xff alone, and the UTF-8 of U+FFFD (what
// a lossy decoding of \xff would turn the first into).
const FF = "$(printf '\\xff')";
const FFFD = "$(printf '\\xef\\xbf\\xbd')";
const TS = '"$TSM_NODE" "$TSM_BIN_MOUNT"';
const TSU = '"$TSM_NODE" "$TSM_BIN_UMOUNT"';

suite(test, [
  {
    name: 'signals',
    script: `mkdir top; smount -t tmpfs -o size=64m top $D/top
for i in $(seq 1 2000); do mkdir top/m$i; echo "sg$i $D/top/m$i tmpfs size=1m,x-sg=$i 0 0"; done | mk_fstab
count() { grep -c " $D/top/m" /proc/self/mountinfo; }
${TS} -a & P=$!
while [ "$(count)" -lt 20 ] && kill -0 $P 2>/dev/null; do sleep 0.01; done
kill -INT $P; wait $P; echo $? > $D/rc-a
st_cmd rc-a cat $D/rc-a
st_cmd a-mounts count
st_cmd a-entries grep -c "x-sg=" "$LIBMOUNT_UTAB"
N=$(count)
${TSU} -R $D/top & P=$!
while [ "$(count)" -gt $((N - 3)) ] && kill -0 $P 2>/dev/null; do sleep 0.01; done
kill -TERM $P; wait $P; echo $? > $D/rc-r
st_cmd rc-r cat $D/rc-r
st_cmd r-mounts count
st_cmd r-entries grep -c "x-sg=" "$LIBMOUNT_UTAB"
st_cmd r-stale sh -c 'for id in $(sed -n "s/^ID=\\([0-9]*\\) .*x-sg=.*/\\1/p" "$LIBMOUNT_UTAB"); do grep -q "^$id " /proc/self/mountinfo || echo $id; done | wc -l'
sumount -R $D/top 2>/dev/null; : > "$LIBMOUNT_UTAB"`,
    title: 'SIGINT during mount -a and SIGTERM during umount -R: the step under way finishes, utab matches the kernel, the command dies of the signal',
    check: (t, r) => {
      t.is(check(r, 'rc-a'), '130', 'killed by SIGINT, as util-linux');
      const a = Number(check(r, 'a-mounts'));
      t.true(a >= 20 && a < 2000, `interrupted after ${a} mounts`);
      t.is(check(r, 'a-entries'), String(a), 'one utab entry per mount made, none missing');
      t.is(check(r, 'rc-r'), '143', 'killed by SIGTERM');
      const left = Number(check(r, 'r-mounts'));
      t.true(left > 0 && left < a, `umount -R interrupted with ${left} left`);
      t.is(check(r, 'r-entries'), String(left), 'no entry of an unmounted mount left behind');
      t.is(check(r, 'r-stale'), '0');
    },
  },
]);
