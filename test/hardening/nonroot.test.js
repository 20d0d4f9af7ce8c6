'use strict';
// Non-root users: tsmount/tsumount run as nobody (setpriv --reuid=65534 --regid=65534
// --clear-groups) inside a private mount namespace that root set up (test/helpers/ns.js).
//
// The expectations are util-linux 2.42.2's, observed with that release built from source and run
// the same way (not setuid). Since 2.35 (commit 6497f2d99 "mount: no exit on EPERM, continue
// without suid") mount(8) no longer prints 'only root can use "--types" option', 'only root can
// do that' or, for an fstab entry without "user", 'operation permitted for root only': it drops
// its privileges, goes on as the user, and the kernel's EPERM gives "must be superuser to use
// mount." (exit 32). tsmount still prints the pre-2.35 texts: those tests are test.failing.
const test = require('ava');
const { runInNamespace, noLoopLeak, DMESG } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

// tm/tu run "$TSM_NODE" "$bin" …: TSM_NODE becomes a wrapper that runs node as nobody. nobody
// may not be able to read the checkout (a clone in /root, mode 0700): the wrapper runs a
// world-readable copy of what the commands load (bin/, dist/, koffi and its native package,
// package.json) instead.
const AS_NOBODY = `PKG=$W/.h/pkg ROOT=$(dirname "$(dirname "$TSM_BIN_MOUNT")")
mkdir -p $PKG/node_modules
cp -r "$ROOT/bin" "$ROOT/dist" "$ROOT/package.json" $PKG/
cp -r "$ROOT/node_modules/koffi" $PKG/node_modules/
[ -d "$ROOT/node_modules/@koromix" ] && cp -r "$ROOT/node_modules/@koromix" $PKG/node_modules/
chmod -R a+rX $PKG
cat > $W/.h/as-nobody <<WRAP
#!/bin/bash
bin=\\$1
case \\$bin in "$ROOT"/*) bin="$PKG\\\${bin#"$ROOT"}" ;; esac
shift
exec setpriv --reuid=65534 --regid=65534 --clear-groups "$TSM_NODE" "\\$bin" "\\$@"
WRAP
chmod 755 $W/.h/as-nobody
TSM_NODE=$W/.h/as-nobody
st_cmd whoami "$TSM_NODE" -e 'console.log(process.getuid() + ":" + process.getgid() + ":" + process.getgroups().join(","))'
`;

const SCRIPT = `${AS_NOBODY}
mkdir m dir dir-user mounted notmounted
smount -t tmpfs tsnr-m $D/mounted
mk_fstab <<FSTAB
fsnr $D/dir tmpfs size=1m 0 0
fsnru $D/dir-user tmpfs size=1m,user 0 0
FSTAB
snap
tm -t tmpfs x $D/m
tm -o size=1m -t tmpfs x $D/m
tm src $D/m
tm $D/dir
tm $D/dir-user
tm
tm -t tmpfs
tu $D/mounted
tu $D/notmounted
snap`;

let run;
function get() {
  if (!run) {
    try {
      run = { value: runInNamespace(SCRIPT, { timeout: 100_000 }) };
    } catch (e) {
      run = { error: e };
    }
  }
  if (run.error) throw run.error;
  return run.value;
}
const step = (n) => get().steps[n];

test('the commands really ran as nobody', (t) => {
  // uid:gid:groups (--clear-groups: no supplementary group; Node lists the egid itself)
  t.regex(get().checks.whoami, /^65534:65534:(65534)?$/);
});

test('tsmount -t tmpfs x DIR: "must be superuser to use mount." and the dmesg line, exit 32', (t) => {
  // tsmount: 'tsmount: only root can use "--types" option' (exit 1) — util-linux < 2.35.
  t.deepEqual([step(0).rc, step(0).err], [32, ['tsmount: $W/m: must be superuser to use mount.', DMESG]]);
});

test('tsmount -o size=1m -t tmpfs x DIR: "must be superuser to use mount." and the dmesg line, exit 32', (t) => {
  t.deepEqual([step(1).rc, step(1).err], [32, ['tsmount: $W/m: must be superuser to use mount.', DMESG]]);
});

test('tsmount SRC DIR: "must be superuser to use mount." and the dmesg line, exit 32', (t) => {
  // tsmount: "tsmount: only root can do that" (exit 1) — util-linux < 2.35.
  t.deepEqual([step(2).rc, step(2).err], [32, ['tsmount: $W/m: must be superuser to use mount.', DMESG]]);
});

test('tsmount DIR for an fstab entry without "user": "must be superuser to use mount.", exit 32', (t) => {
  // tsmount: "tsmount: DIR: operation permitted for root only." (exit 1); util-linux retries
  // without restrictions after that -EPERM (mount.c) and reports the kernel's EPERM.
  t.deepEqual([step(3).rc, step(3).err], [32, ['tsmount: $W/dir: must be superuser to use mount.', DMESG]]);
});

test('tsmount DIR for an fstab entry with "user": the kernel refuses (not setuid): "must be superuser to use mount.", exit 32', (t) => {
  t.deepEqual([step(4).rc, step(4).err], [32, ['tsmount: $W/dir-user: must be superuser to use mount.', DMESG]]);
});

test('listing works for nobody (with and without -t), and shows the mounts', (t) => {
  t.is(step(5).rc, 0);
  t.deepEqual(step(5).err, []);
  t.true(step(5).out.includes('tsnr-m on $W/mounted type tmpfs (rw,relatime)'), step(5).out.join('\n'));
  t.is(step(6).rc, 0);
  t.true(step(6).out.includes('tsnr-m on $W/mounted type tmpfs (rw,relatime)'));
  t.true(step(6).out.every((l) => / type tmpfs /.test(l)));
});

test('tsumount DIR (mounted): "must be superuser to unmount.", exit 32', (t) => {
  t.deepEqual([step(7).rc, step(7).err], [32, ['tsumount: $W/mounted: must be superuser to unmount.']]);
});

test('tsumount DIR (not mounted): "not mounted.", exit 1', (t) => {
  // util-linux: EPERM before any syscall and nothing found in mountinfo → "not mounted" (exit 1);
  // tsumount calls umount2() and reports its EPERM: "must be superuser to unmount." (exit 32).
  t.deepEqual([step(8).rc, step(8).err], [1, ['tsumount: $W/notmounted: not mounted.']]);
});

test('nothing was mounted or unmounted by nobody', (t) => {
  const r = get();
  const before = r.snaps[0];
  t.deepEqual(before, ['$W/mounted / rw,relatime private tmpfs tsnr-m rw']);
  t.deepEqual(r.snaps[1], before);
  t.deepEqual(r.mountinfo, before);
});
