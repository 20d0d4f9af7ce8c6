'use strict';
// Race-safe targets: the target is opened (O_PATH) when it is checked, and the mount is attached
// to that descriptor. MountRequest.onTargetPinned runs after the pin and before the kernel calls:
// here it renames DIR to DIR.orig and puts a symlink DIR -> ELSEWHERE in its place. The mount
// must land on DIR.orig (the directory that was checked) and ELSEWHERE must stay unmounted.
// Both executors (fd-based, and mount(2) with TSMOUNT_FORCE_MOUNT2=always), for a new tmpfs and
// for a bind mount. Runs in a private mount namespace (test/helpers/ns.js).
const test = require('ava');
const path = require('path');
const { runInNamespace, noLoopLeak } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const LIB = path.resolve(__dirname, '..', '..', 'dist', 'index.js');

/** The node script a case runs: mountRequest with the swap in onTargetPinned. */
function racer(kind) {
  const req = kind === 'bind'
    ? "{ source: D + '/src', target: DIR, options: ['bind'] }"
    : "{ source: 'tsrace', target: DIR, types: 'tmpfs', options: ['size=1m'] }";
  return `const fs = require('fs');
const { mountRequest } = require(${JSON.stringify(LIB)});
const D = process.env.D;
const DIR = D + '/target';
let called = 0;
try {
  const r = mountRequest({ ...${req}, onTargetPinned: (t) => {
    called++;
    fs.renameSync(DIR, DIR + '.orig');
    fs.symlinkSync(D + '/elsewhere', DIR);
  } });
  console.log(JSON.stringify({ called, kind: r.kind, target: r.target }));
} catch (e) {
  console.log(JSON.stringify({ called, error: String(e && e.message) }));
  process.exitCode = 1;
}
`;
}

const CASES = [];
for (const kind of ['tmpfs', 'bind']) {
  for (const ex of ['fd', 'mount2']) {
    CASES.push({
      name: `${kind}-${ex}`,
      kind,
      ex,
      script: `mkdir target elsewhere src
echo under-target > target/marker
echo under-elsewhere > elsewhere/marker
echo from-src > src/marker
cat > $D/racer.js <<'RACER'
${racer(kind)}
RACER
export D
${ex === 'mount2' ? 'export TSMOUNT_FORCE_MOUNT2=always' : 'unset TSMOUNT_FORCE_MOUNT2 LIBMOUNT_FORCE_MOUNT2'}
st_cmd result "$TSM_NODE" $D/racer.js
unset TSMOUNT_FORCE_MOUNT2
st_cmd "target is" readlink $D/target
st_test "target.orig is a mount point" mountpoint -q $D/target.orig
st_test "elsewhere is a mount point" mountpoint -q $D/elsewhere
st_file $D/target.orig/marker
st_file $D/elsewhere/marker
snap`,
    });
  }
}

let run;
function get(name) {
  if (!run) {
    try {
      run = { value: runInNamespace(CASES.map((c) => ({ name: c.name, script: c.script })), { timeout: 100_000 }) };
    } catch (e) {
      run = { error: e };
    }
  }
  if (run.error) throw run.error;
  return run.value.cases[name];
}

for (const c of CASES) {
  test(`${c.kind} [${c.ex}]: the target swapped for a symlink after the check: the mount lands on the checked directory`, (t) => {
    const r = get(c.name);
    const res = JSON.parse(r.checks.result);
    t.is(res.called, 1, 'onTargetPinned was called once');
    t.is(res.error, undefined);
    t.is(r.checks['target is'], '$D/elsewhere', 'the swap happened');
    t.is(r.checks['target.orig is a mount point'], 'yes');
    t.is(r.checks['elsewhere is a mount point'], 'no');
    // what is visible in each place now
    t.is(r.checks['file $D/target.orig/marker'], c.kind === 'bind' ? 'from-src' : '(missing)');
    t.is(r.checks['file $D/elsewhere/marker'], 'under-elsewhere');
    const mounts = r.snaps[0].map((l) => l.split(' '));
    t.deepEqual(mounts.map((m) => m[0]), ['$D/target.orig']);
    if (c.kind === 'tmpfs') t.deepEqual([mounts[0][4], mounts[0][5]], ['tmpfs', 'tsrace']);
  });
}
