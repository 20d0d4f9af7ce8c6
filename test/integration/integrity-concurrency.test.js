'use strict';
// Issue 11 (see integrity.test.js), in a namespace run of its own: 8 concurrent workers, tsmount and
// util-linux 2.42.2 mixed, stacking and reusing mount IDs, with no utab entry lost or left stale.
const test = require('ava');
const { suite } = require('./devices-helpers');
const { REF, HAVE_REF, check, TS, TSU } = require('./integrity-helpers');

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
