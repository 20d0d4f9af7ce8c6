'use strict';
// Issue 11 (see integrity.test.js), in a namespace run of its own: SIGINT during mount -a and SIGTERM
// during umount -R stop after the step under way, with utab matching the kernel.
const test = require('ava');
const { suite } = require('./devices-helpers');
const { check, TS, TSU } = require('./integrity-helpers');

suite(test, [
  {
    name: 'signals',
    script: `mkdir top; smount -t tmpfs -o size=64m top $D/top
for i in $(seq 1 2000); do mkdir top/m$i; echo "sg$i $D/top/m$i tmpfs size=1m,x-sg=$i 0 0"; done | mk_fstab
count() { grep -c " $D/top/m" /proc/self/mountinfo; }
${TS} -a & P=$!
# Enough mounts that the umount -R below runs long past one turn of the polling loop (each of its
# steps updates utab; 25 mounts were gone before a poll saw the first ones go).
while [ "$(count)" -lt 300 ] && kill -0 $P 2>/dev/null; do sleep 0.01; done
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
      t.true(a >= 300 && a < 2000, `interrupted after ${a} mounts`);
      t.is(check(r, 'a-entries'), String(a), 'one utab entry per mount made, none missing');
      t.is(check(r, 'rc-r'), '143', 'killed by SIGTERM');
      const left = Number(check(r, 'r-mounts'));
      t.true(left > 0 && left < a, `umount -R interrupted with ${left} left`);
      t.is(check(r, 'r-entries'), String(left), 'no entry of an unmounted mount left behind');
      t.is(check(r, 'r-stale'), '0');
    },
  },
]);
