'use strict';
// Fault injection: every step of a multi-step mount made to fail (TSMOUNT_FAULT="call=ERRNO",
// src/sys/syscalls.ts), and what must hold afterwards: no new mount below the scratch dir, no
// loop device left on the image, exit code 32 and a message. Also mount -a with failing entries
// in the middle, umount -R meeting a busy mount, a helper that crashes, and the environment and
// argv a helper gets. Everything runs through test/helpers/ns.js (private mount + PID namespace,
// scratch tmpfs, private /etc/fstab, /run/mount, LIBMOUNT_UTAB; loop devices detached at the end).
const test = require('ava');
const { runInNamespace, noLoopLeak, DMESG } = require('../helpers/ns');
const { helperEnv } = require('../../dist/exec/helper');

test.afterEach.always(noLoopLeak);

/** Run `cases` in one namespace, started by the first test that needs them. */
function lazy(cases, opts = {}) {
  let run;
  return (name) => {
    if (!run) {
      try {
        run = { value: runInNamespace(cases, { timeout: 110_000, ...opts }) };
      } catch (e) {
        run = { error: e };
      }
    }
    if (run.error) throw run.error;
    const r = run.value.cases[name];
    if (!r) throw new Error(`no case ${name}`);
    return r;
  };
}

const id = (call) => call.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');

// /sbin is covered by an overlay inside the namespace only: the real /sbin is never written.
const SBIN_OVERLAY = `sbin_overlay() {
	[ -e "$H/sbin.overlay" ] && return 0
	local real; real=$(readlink -f /sbin)
	mkdir -p "$H/sbin-up" "$H/sbin-work"
	"$SM" -t overlay -o "lowerdir=$real,upperdir=$H/sbin-up,workdir=$H/sbin-work" tsf-sbin "$real" && : >"$H/sbin.overlay"
}
sbin_overlay || exit 3
`;

// ---- one fault per step -------------------------------------------------------------------

const LOOP_FAULTS = ['ioctl(LOOP_CTL_GET_FREE)', 'ioctl(LOOP_CONFIGURE)'];
const EXT2_FAULTS = [...LOOP_FAULTS, 'fsopen', 'fsconfig', 'fsmount', 'move_mount'];
const BIND_FAULTS = ['open_tree', 'mount_setattr', 'move_mount'];

const faultCases = [
  ...EXT2_FAULTS.map((f) => ({
    name: `ext2-${id(f)}`,
    script: `mk_ext2 img; mkdir m
export TSMOUNT_FAULT='${f}=EIO'
tm $D/img $D/m
unset TSMOUNT_FAULT
st_cmd "loops of img" "$SL" -n -j $D/img
snap`,
  })),
  {
    name: 'ext2-mount2-mount',
    script: `mk_ext2 img; mkdir m
export TSMOUNT_FORCE_MOUNT2=always TSMOUNT_FAULT='mount=EIO'
tm $D/img $D/m
unset TSMOUNT_FAULT TSMOUNT_FORCE_MOUNT2
st_cmd "loops of img" "$SL" -n -j $D/img
snap`,
  },
  ...BIND_FAULTS.map((f) => ({
    name: `bindro-${id(f)}`,
    script: `mkdir src m; echo x > src/f
export TSMOUNT_FAULT='${f}=EIO'
tm -o bind,ro $D/src $D/m
unset TSMOUNT_FAULT
snap`,
  })),
  {
    name: 'make-shared-mount_setattr',
    script: `mkdir m
export TSMOUNT_FAULT='mount_setattr=EIO'
tm --make-shared -t tmpfs tsf-sh $D/m
unset TSMOUNT_FAULT
snap`,
  },
];
const getFault = lazy(faultCases);

/** The state right after the failed command: no mount below $D, no loop device on the image. */
function assertNothingLeft(t, r) {
  t.deepEqual(r.snaps[0], [], 'a mount was left below the scratch dir');
  t.deepEqual(r.mountinfo, []);
  t.deepEqual(r.loops, [], 'a loop device is still attached to a file of the case');
  if ('loops of img' in r.checks) t.is(r.checks['loops of img'], '', 'a loop device is still attached to the image');
}

for (const f of EXT2_FAULTS) {
  test(`ext2 auto-loop mount, ${f} fails: nothing left behind, exit 32`, (t) => {
    const r = getFault(`ext2-${id(f)}`);
    t.is(r.steps[0].rc, 32);
    t.true(r.steps[0].err.length > 0, 'a message');
    assertNothingLeft(t, r);
  });
  if (LOOP_FAULTS.includes(f)) {
    // util-linux (MNT_ERR_LOOPDEV): "mount: <target>: failed to set up loop device for <file>." (32),
    // no dmesg line (no mount syscall was made). tsmount prints "ioctl(LOOP_CONFIGURE)() failed: …"
    // with the dmesg hint.
    test(`ext2 auto-loop mount, ${f} fails: util-linux's "failed to set up loop device" message`, (t) => {
      const r = getFault(`ext2-${id(f)}`);
      t.deepEqual(r.steps[0].err, ['tsmount: $D/m: failed to set up loop device for $D/img.']);
    });
  } else {
    test(`ext2 auto-loop mount, ${f} fails: the message names the call`, (t) => {
      const r = getFault(`ext2-${id(f)}`);
      t.deepEqual(r.steps[0].err, [`tsmount: $D/m: ${f}() failed: tsmount: injected fault in ${f}.`, DMESG]);
    });
  }
}

test('ext2 auto-loop mount through mount(2), mount fails: nothing left behind, exit 32 and the message', (t) => {
  const r = getFault('ext2-mount2-mount');
  t.is(r.steps[0].rc, 32);
  t.deepEqual(r.steps[0].err, ['tsmount: $D/m: mount() failed: tsmount: injected fault in mount.', DMESG]);
  assertNothingLeft(t, r);
});

for (const f of BIND_FAULTS) {
  test(`bind,ro, ${f} fails: nothing left behind, exit 32 and the message`, (t) => {
    const r = getFault(`bindro-${id(f)}`);
    t.is(r.steps[0].rc, 32);
    t.deepEqual(r.steps[0].err, [`tsmount: $D/m: ${f}() failed: tsmount: injected fault in ${f}.`, DMESG]);
    assertNothingLeft(t, r);
  });
}

test('--make-shared with a mount, mount_setattr fails: the new mount is taken down again', (t) => {
  const r = getFault('make-shared-mount_setattr');
  assertNothingLeft(t, r);
});

// tsmount undoes the mount (DESIGN.md: nothing half-done) but still says "filesystem was mounted,
// but failed to apply flags." with exit 1 (util-linux's text for a mount it leaves in place).
test('--make-shared with a mount, mount_setattr fails: exit 32 and a message that does not claim a mount', (t) => {
  const r = getFault('make-shared-mount_setattr');
  t.is(r.steps[0].rc, 32);
  t.is(r.steps[0].err.length > 0, true);
  t.false(r.steps[0].err.some((l) => /was mounted/.test(l)), r.steps[0].err.join('\n'));
});

// ---- mount -a with failing entries, umount -R meeting a busy mount, helpers ---------------------

const HELPER_SRC = '$D/src $(touch pwned1); touch pwned2 `touch pwned3` | touch pwned4 & x\ty \'q\' "d"';
const HELPER_TGT = '$D/t $(touch pwned5);x`touch pwned6`';

const otherCases = [
  {
    name: 'all-2-and-4-fail',
    script: `mkdir m1 m2 m3 m5
mk_fstab <<FSTAB
fa1 $D/m1 tmpfs size=1m 0 0
fa2 $D/m2 tmpfs size=bogus 0 0
fa3 $D/m3 tmpfs size=1m 0 0
fa4 $D/m4 tmpfs size=1m 0 0
fa5 $D/m5 tmpfs size=1m 0 0
FSTAB
tm -a
snap`,
  },
  {
    name: 'umount-R-busy',
    script: `mkdir m
smount -t tmpfs r0 m; mkdir m/a m/c
smount -t tmpfs r1 m/a; mkdir m/a/b
smount -t tmpfs r2 m/a/b
smount -t tmpfs r3 m/c
for x in m m/a m/a/b m/c; do echo "$x" > $x/marker; done
(cd m/a/b && exec sleep 600) &
HOLD=$!
for i in $(seq 200); do [ "$(readlink /proc/$HOLD/cwd)" = "$D/m/a/b" ] && break; sleep 0.02; done
tu -R $D/m
snap
kill $HOLD; wait $HOLD 2>/dev/null
st_test "holder gone" test ! -e /proc/$HOLD
for x in m m/a m/a/b m/c; do st_file $D/$x/marker; done
st_cmd "umounted over" ls $D/m/c`,
  },
  {
    name: 'helper-crash',
    script: `${SBIN_OVERLAY}
printf '#!/bin/sh\\nulimit -c 0\\nkill -SEGV $$\\n' > /sbin/mount.mcfs
chmod 755 /sbin/mount.mcfs
mkdir m
tm -t mcfs src $D/m
rm -f /sbin/mount.mcfs
snap`,
  },
  {
    name: 'helper-env-argv',
    script: `${SBIN_OVERLAY}
cat > /sbin/mount.mcfs <<HELPER
#!/bin/sh
env | cut -d= -f1 | LC_ALL=C sort > $D/helper.env
printf '%s' "\\$PATH" > $D/helper.path
for a in "\\$@"; do printf '%s' "\\$a" | base64 -w0; echo; done > $D/helper.argv
pwd > $D/helper.cwd
exit 0
HELPER
chmod 755 /sbin/mount.mcfs
SRC="$D"'${HELPER_SRC.slice(2).replace(/'/g, "'\\''")}'
TGT="$D"'${HELPER_TGT.slice(2).replace(/'/g, "'\\''")}'
mkdir "$TGT"
export LD_LIBRARY_PATH=/nonexistent-tsf LD_BIND_NOW=1 NODE_PATH=/nonexistent-tsf NODE_OPTIONS=--max-old-space-size=256 TSF_CANARY=1
PATH=$D/evil:$PATH
mkdir -p $D/evil
tm -t mcfs "$SRC" "$TGT"
unset LD_LIBRARY_PATH LD_BIND_NOW NODE_PATH NODE_OPTIONS TSF_CANARY
rm -f /sbin/mount.mcfs
st_file $D/helper.env
st_file $D/helper.path
st_file $D/helper.argv
st_file $D/helper.cwd
st_cmd pwned sh -c "ls -d $D/pwned* $D/*/pwned* /pwned* /tmp/pwned* 2>/dev/null | wc -l"
snap`,
  },
];
const getOther = lazy(otherCases);

test('mount -a: entries 2 and 4 of 5 fail; the others are mounted, each failure reported, exit 64', (t) => {
  const r = getOther('all-2-and-4-fail');
  t.is(r.steps[0].rc, 64);
  t.deepEqual(r.steps[0].err, [
    "tsmount: $D/m2: fsconfig() failed: tmpfs: Bad value for 'size'.", DMESG,
    'tsmount: $D/m4: mount point does not exist.', DMESG,
  ]);
  t.deepEqual(r.steps[0].out, []);
  t.deepEqual(r.snaps[0].map((l) => l.split(' ')[0]), ['$D/m1', '$D/m3', '$D/m5']);
});

test('umount -R meets a busy mount: stops with "target is busy", the rest stays mounted and intact', (t) => {
  const r = getOther('umount-R-busy');
  t.is(r.steps[0].rc, 32);
  t.deepEqual(r.steps[0].err, ['tsumount: $D/m/a/b: target is busy.']);
  // unmounted in order: $D/m/c (newest child first), then $D/m/a/b, busy: stop there
  t.deepEqual(r.snaps[0].map((l) => l.split(' ')[0]), ['$D/m', '$D/m/a', '$D/m/a/b']);
  t.deepEqual(r.snaps[0].map((l) => l.split(' ')[5]), ['r0', 'r1', 'r2']);
  t.is(r.checks['holder gone'], 'yes');
  t.is(r.checks['file $D/m/marker'], 'm');
  t.is(r.checks['file $D/m/a/marker'], 'm/a');
  t.is(r.checks['file $D/m/a/b/marker'], 'm/a/b');
  t.is(r.checks['file $D/m/c/marker'], '(missing)', '$D/m/c was unmounted: its marker is gone with it');
});

test('a helper killed by SIGSEGV: mount exits with 128+11, nothing mounted', (t) => {
  // Note: util-linux 2.42.2 exits 255 here (libmount sets helper_status = -1 when the helper did
  // not exit normally); 139 is what this project asked for.
  const r = getOther('helper-crash');
  t.is(r.steps[0].rc, 139);
  t.deepEqual(r.steps[0].err, []);
  t.deepEqual(r.snaps[0], []);
});

test('a helper gets a clean environment: the fixed PATH, no LD_* or NODE_* variables', (t) => {
  const r = getOther('helper-env-argv');
  t.is(r.steps[0].rc, 0, r.steps[0].err.join('\n'));
  t.is(r.checks['file $D/helper.path'], helperEnv({}).PATH);
  t.is(r.checks['file $D/helper.path'], '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  const names = r.checks['file $D/helper.env'].split(' | ');
  t.true(names.includes('PATH'));
  t.deepEqual(names.filter((n) => /^(LD_|NODE_)/.test(n)), []);
  t.false(names.includes('TSF_CANARY'), 'only the listed variables are passed on');
});

test('shell metacharacters in source and target reach the helper verbatim, one argv element each, nothing executed', (t) => {
  const r = getOther('helper-env-argv');
  const argv = r.checks['file $D/helper.argv'].split(' | ').map((b) => Buffer.from(b, 'base64').toString('utf8'));
  const W = r.W;
  const D = r.D;
  const real = (s) => s.replace('$D', D);
  t.deepEqual(argv.map((a) => a.split(D).join('$D').split(W).join('$W')), [HELPER_SRC, HELPER_TGT, '-o', 'rw']);
  t.is(argv[0], real(HELPER_SRC));
  t.is(r.checks.pwned, '0', 'a pwned* file was created: something went through a shell');
  t.is(r.checks['file $D/helper.cwd'], '$D');
});
