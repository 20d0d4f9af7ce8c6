'use strict';
// (integrity.test.js, continued: the concurrency case, in a namespace run of its own.)
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
    name: 'concurrency',
    script: `REF=${JSON.stringify(REF)}
if [ -x "$REF/mount" ]; then ULM=$REF/mount ULU=$REF/umount; else ULM=$SM ULU=$SU; fi
: > $D/errors
top() { awk -v t="$1" '$5 == t { id = $1 } END { print id }' /proc/self/mountinfo; }
worker() {
  local k=$1 d=$D/w$1 m u i id
  if [ $((k % 2)) -eq 0 ]; then m="${TS}"; u="${TSU}"; else m="$ULM"; u="$ULU"; fi
  mkdir -p $d
  for i in $(seq 1 10); do
    eval "$m -t tmpfs -o size=1m,x-w=$k-$i-a w$k $d" || echo "mount failed $k $i a" >> $D/errors
    id=$(top $d); grep -q "^ID=$id .*x-w=$k-$i-a\\(,\\|$\\)" "$LIBMOUNT_UTAB" || echo "lost $k $i a (ID $id)" >> $D/errors
    eval "$m -t tmpfs -o size=1m,x-w=$k-$i-b w$k $d" || echo "mount failed $k $i b" >> $D/errors
    id=$(top $d); grep -q "^ID=$id .*x-w=$k-$i-b\\(,\\|$\\)" "$LIBMOUNT_UTAB" || echo "lost $k $i b (ID $id)" >> $D/errors
    eval "$u $d" || echo "umount failed $k $i b" >> $D/errors
    id=$(top $d); grep -q "^ID=$id .*x-w=$k-$i-a\\(,\\|$\\)" "$LIBMOUNT_UTAB" || echo "lost $k $i a after the top went (ID $id)" >> $D/errors
    eval "$u $d" || echo "umount failed $k $i a" >> $D/errors
  done
}
for k in 1 2 3 4 5 6 7 8; do worker $k & done
wait
st_cmd errors cat $D/errors
st_cmd stale grep -c "x-w=" "$LIBMOUNT_UTAB"
st_cmd mounts sh -c "grep -c ' $D/w' /proc/self/mountinfo"
st_cmd reference sh -c "[ -x '$REF/mount' ] && echo util-linux-2.42.2 || echo system-util-linux"`,
    title: '8 concurrent workers, tsmount and util-linux mixed, stacking and unmounting (the kernel reuses the IDs): no entry lost, none left stale',
    check: (t, r) => {
      t.is(check(r, 'errors'), '', 'every entry there, under the ID of its own mount, after every step');
      t.is(check(r, 'stale'), '0');
      t.is(check(r, 'mounts'), '0');
      t.log(`reference: ${check(r, 'reference')}${HAVE_REF ? '' : ' (../shared/util-linux-2.42.2 absent)'}`);
    },
  },
]);
