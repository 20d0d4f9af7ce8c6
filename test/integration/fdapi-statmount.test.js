'use strict';
// Issue 4 (5): single-mount lookups through statx(STATX_MNT_ID_UNIQUE) + statmount(2) instead of
// reading the whole mount table. Among ~2,000 tmpfs mounts, `-o remount,ro` and `tsumount` of
// one of them work with statmount (default) and with TSMOUNT_NO_STATMOUNT=1 (mountinfo); strace
// shows which of the two was used. The entry statmount finds is the mountinfo line: id, parent,
// root, target, fstype, source and options (dist/sys/statmount.js statmountAt against the text
// of /proc/self/mountinfo), for plain, bind, shared, slave, read-only, escaped, loop, stacked and
// file mounts.
const test = require('ava');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { runInNamespace, noLoopLeak, describe } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const ROOT = path.resolve(__dirname, '..', '..');
const N = 2000;
const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;

// Builds N tmpfs mounts $1/m0 … $1/m{N-1} with the library's own mount(2) wrapper.
const BUILD = `
const { sysMount } = require(${JSON.stringify(path.join(ROOT, 'dist/sys/syscalls.js'))});
const fs = require('fs');
const base = process.argv[2];
for (let i = 0; i < ${N}; i++) {
  const d = base + '/m' + i;
  fs.mkdirSync(d);
  sysMount('many' + i, d, 'tmpfs', 0, 'size=64k');
}`;

// statmountAt(path) next to the mountinfo line of the topmost mount on path, field by field.
const COMPARE = `
const fs = require('fs');
const { statmountAt } = require(${JSON.stringify(path.join(ROOT, 'dist/sys/statmount.js'))});
const unesc = (s) => s.replace(/\\\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
const lines = fs.readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\\n').map((l) => l.split(' '));
const out = {};
for (const p of process.argv.slice(2)) {
  const all = lines.filter((f) => unesc(f[4]) === p);
  const f = all[all.length - 1];
  const sep = f.indexOf('-', 6);
  const mi = { id: +f[0], parent: +f[1], root: unesc(f[3]), target: unesc(f[4]), vfsOptions: f[5],
    optional: f.slice(6, sep).join(' '), fstype: f[sep + 1], source: unesc(f[sep + 2]), fsOptions: f[sep + 3] };
  const s = statmountAt(p);
  const sm = s && { id: s.id, parent: s.parent, root: s.root, target: s.target, vfsOptions: s.vfsOptions,
    optional: s.optional.join(' '), fstype: s.fstype, source: s.source, fsOptions: s.fsOptions };
  out[p] = { mi, sm, typeofUniqueId: s && typeof s.uniqueId, equal: JSON.stringify(mi) === JSON.stringify(sm) };
}
out.notAMountPoint = statmountAt(process.argv[2].slice(0, process.argv[2].lastIndexOf('/'))) === undefined ? 'undefined' : 'found';
console.log(JSON.stringify(out));`;

// traced FILE tm|tu ...: the step runs under strace (a node wrapper as $TSM_NODE), still recorded as usual.
const SCRIPT = `cat > $D/.build.js <<'__JS__'
${BUILD}
__JS__
cat > $D/.compare.js <<'__JS__'
${COMPARE}
__JS__
cat > $D/.snode <<'__SH__'
#!/bin/sh
exec strace -f -qq -o "$TRACE" "$REAL_NODE" "$@"
__SH__
chmod +x $D/.snode
export REAL_NODE=$TSM_NODE
STRACE=${hasStrace ? 1 : ''}
traced() { # FILE CMD ARGS...: run tm/tu under strace when it is there
  local f=$1; shift
  if [ -n "$STRACE" ]; then TRACE=$f TSM_NODE=$D/.snode "$@"; else "$@"; fi
}
# statmount is syscall 457 (x86_64 and the generic table); strace 6.1 calls it syscall_0x1c9
calls() { # FILE: "<statmount calls> <mountinfo opens>"
  if [ -z "$STRACE" ]; then echo "no strace"; return; fi
  # only the calls themselves: strace also shows the first bytes of each read(), the bundle's source among them
  echo "$(grep -c '^[0-9]* *\\(syscall_0x1c9\\|statmount\\)(' $1) $(grep -c '^[0-9]* *open.*/proc/[a-z0-9-]*/mountinfo' $1)"
}
count() { awk -v d="$D/many/" 'index($5, d) == 1 { n++ } END { print n + 0 }' /proc/self/mountinfo; }
line() { awk -v d="$D/many/$1" '$5 == d { print $6, "-", $(NF - 2), $(NF - 1), $NF }' /proc/self/mountinfo; }

mkdir many
"$TSM_NODE" $D/.build.js $D/many
st_cmd "mounts built" count

# remount,ro of one mount among them, looked up with statmount
traced $D/.t1 tm -o remount,ro $D/many/m1234
st_cmd "m1234 after remount,ro" line m1234
st_cmd "calls remount statmount" calls $D/.t1
# and back with the mountinfo fallback
TSMOUNT_NO_STATMOUNT=1 traced $D/.t2 tm -o remount,rw,size=128k $D/many/m1234
st_cmd "m1234 after remount,rw" line m1234
st_cmd "calls remount mountinfo" calls $D/.t2
TSMOUNT_NO_STATMOUNT=1 traced $D/.t3 tm -o remount,ro $D/many/m42
st_cmd "m42 after remount,ro" line m42

# tsumount of one of them: the plain form takes util-linux's fast path (umount2() straight away,
# no lookup at all); -l needs the mount: statmount, or mountinfo with TSMOUNT_NO_STATMOUNT=1
traced $D/.t4 tu $D/many/m1500
st_cmd "calls umount fast path" calls $D/.t4
traced $D/.t5 tu -l $D/many/m1501
st_cmd "calls umount statmount" calls $D/.t5
TSMOUNT_NO_STATMOUNT=1 traced $D/.t6 tu -l $D/many/m1502
st_cmd "calls umount mountinfo" calls $D/.t6
st_cmd "m1500 after tsumount" line m1500
st_cmd "m1501 after tsumount" line m1501
st_cmd "m1502 after tsumount" line m1502
st_cmd "m1503 untouched" line m1503
st_cmd "mounts" count
# a path that is not a mount point: the lookup finds nothing either way
tu $D/many
TSMOUNT_NO_STATMOUNT=1 tu $D/many

# statmount against mountinfo, for mounts of several kinds
mkdir -p kinds/src/dir kinds/bind "kinds/with space" kinds/shared kinds/slave kinds/img kinds/flags
smount -t tmpfs -o size=1m,mode=0711,nosuid,nodev,noexec,noatime mc-kinds $D/kinds/src
mkdir kinds/src/dir
smount --bind $D/kinds/src/dir $D/kinds/bind
smount -t tmpfs -o ro,size=64k "mc-space" "$D/kinds/with space"
smount -t tmpfs mc-shared $D/kinds/shared
smount --make-shared $D/kinds/shared
smount --bind $D/kinds/shared $D/kinds/slave
smount --make-slave $D/kinds/slave
mk_ext2 img.ext2
smount img.ext2 $D/kinds/img
smount -t tmpfs -o sync,nosymfollow,nodiratime,strictatime mc-flags $D/kinds/flags
smount --make-unbindable $D/kinds/flags
mkdir kinds/stack; smount -t tmpfs -o size=1m mc-under $D/kinds/stack; smount -t tmpfs -o size=2m "mc over" $D/kinds/stack
echo f > kinds/src/file; : > kinds/filebind; smount --bind $D/kinds/src/file $D/kinds/filebind
"$TSM_NODE" $D/.compare.js $D/many/m1234 $D/many/m42 $D/many/m0 $D/kinds/src $D/kinds/bind "$D/kinds/with space" $D/kinds/shared $D/kinds/slave $D/kinds/img $D/kinds/flags $D/kinds/stack $D/kinds/filebind >$D/.cmp.json 2>&1
st_file $D/.cmp.json`;

test.serial(`among ${N} tmpfs mounts: remount and tsumount of one, with statmount and with TSMOUNT_NO_STATMOUNT=1`, (t) => {
  const r = runInNamespace(SCRIPT, { timeout: 120_000 });
  t.log(hasStrace ? 'strace: syscalls checked' : 'no strace: syscall checks skipped');
  const steps = r.steps.map((s) => [s.kind, s.argv.join(' '), s.rc, s.stdout, s.stderr]);
  t.deepEqual(steps, [
    ['mount', '-o remount,ro $W/many/m1234', 0, '', ''],
    ['mount', '-o remount,rw,size=128k $W/many/m1234', 0, '', ''],
    ['mount', '-o remount,ro $W/many/m42', 0, '', ''],
    ['umount', '$W/many/m1500', 0, '', ''],
    ['umount', '-l $W/many/m1501', 0, '', ''],
    ['umount', '-l $W/many/m1502', 0, '', ''],
    ['umount', '$W/many', 32, '', 'tsumount: $W/many: not mounted.\n'],
    ['umount', '$W/many', 32, '', 'tsumount: $W/many: not mounted.\n'],
  ], describe(r));
  const c = r.checks;
  t.is(c['mounts built'], String(N));
  t.is(c.mounts, String(N - 3), 'three of them unmounted');
  t.is(c['m1234 after remount,ro'], 'ro,relatime - tmpfs many1234 ro,size=64k');
  t.is(c['m1234 after remount,rw'], 'rw,relatime - tmpfs many1234 rw,size=128k');
  t.is(c['m42 after remount,ro'], 'ro,relatime - tmpfs many42 ro,size=64k');
  t.is(c['m1500 after tsumount'], '');
  t.is(c['m1501 after tsumount'], '');
  t.is(c['m1502 after tsumount'], '');
  t.is(c['m1503 untouched'], 'rw,relatime - tmpfs many1503 rw,size=64k');
  if (hasStrace) {
    // "<statmount calls> <mountinfo reads>": one statmount and no mountinfo; then the reverse
    t.is(c['calls remount statmount'], '1 0');
    t.is(c['calls remount mountinfo'].split(' ')[0], '0');
    t.not(c['calls remount mountinfo'].split(' ')[1], '0');
    t.is(c['calls umount fast path'], '0 0');
    t.is(c['calls umount statmount'], '1 0');
    t.is(c['calls umount mountinfo'].split(' ')[0], '0');
    t.not(c['calls umount mountinfo'].split(' ')[1], '0');
  }

  let cmp;
  try {
    cmp = JSON.parse(c['file $W/.cmp.json']);
  } catch {
    t.fail(`the comparison script failed: ${c['file $W/.cmp.json']}`);
    return;
  }
  t.is(cmp.notAMountPoint, 'undefined');
  delete cmp.notAMountPoint;
  t.is(Object.keys(cmp).length, 12);
  for (const [p, { mi, sm, typeofUniqueId, equal }] of Object.entries(cmp)) {
    t.truthy(sm, `statmount found ${p}`);
    t.deepEqual(sm, mi, p);
    t.true(equal, `${p}: equal before the peer group numbers were normalised`);
    t.is(typeofUniqueId, 'bigint', p);
  }
  // spot checks that the comparison covered what it should
  t.is(cmp['$W/kinds/bind'].mi.root, '/dir');
  t.is(cmp['$W/kinds/with space'].mi.target, '$W/kinds/with space');
  t.regex(cmp['$W/kinds/shared'].mi.optional, /^shared:(\d+|N)$/);
  t.regex(cmp['$W/kinds/slave'].mi.optional, /^master:(\d+|N)$/);
  t.is(cmp['$W/kinds/flags'].mi.optional, 'unbindable');
  t.is(cmp['$W/kinds/flags'].mi.vfsOptions, 'rw,nodiratime,nosymfollow');
  t.is(cmp['$W/kinds/flags'].mi.fsOptions, 'rw,sync');
  t.is(cmp['$W/kinds/img'].mi.source, '/dev/loopN');
  t.is(cmp['$W/kinds/img'].mi.fstype, 'ext2');
  t.is(cmp['$W/kinds/src'].mi.vfsOptions, 'rw,nosuid,nodev,noexec,noatime');
  t.is(cmp['$W/many/m1234'].mi.fsOptions, 'rw,size=128k');
  t.like(cmp['$W/kinds/stack'].mi, { source: 'mc over', fsOptions: 'rw,size=2048k' }, 'the topmost of two stacked mounts');
  t.like(cmp['$W/kinds/filebind'].mi, { root: '/file', target: '$W/kinds/filebind' }, 'a bind-mounted file');
  t.deepEqual(r.leftLoops, []);
});

test('statmountAt outside a namespace: the root of this process, and nothing for a plain directory', (t) => {
  // read-only lookups, no mount: safe in the test's own namespace
  const { statmountAt } = require(path.join(ROOT, 'dist/sys/statmount.js'));
  const root = statmountAt('/');
  t.truthy(root);
  const line = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')).filter((f) => f[4] === '/').pop();
  t.is(root.id, Number(line[0]));
  t.is(root.parent, Number(line[1]));
  t.is(root.target, '/');
  t.is(statmountAt(path.join(ROOT, 'src')), undefined, 'a directory that is not a mount point');
  t.is(statmountAt('/nonexistent/path/x'), undefined);
});
