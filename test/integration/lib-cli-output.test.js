'use strict';
// Issue 5: what tsmount prints besides mount(8)'s own listing --
//  - --json (findmnt's shape: {"filesystems": [{target, source, fstype, options, children?}]}),
//    --json --list -o COLUMNS (numbers for id/parent, null for a missing label), --output COLUMNS
//    (a table with a header);
//  - --dry-run: the kernel calls a mount would make (src/exec/explain.ts), exact lines for a tmpfs
//    mount, a bind,ro, a remount, each with the fd-based API and with TSMOUNT_FORCE_MOUNT2=always,
//    and that nothing is mounted (or created) by it;
//  - the dry-run against the real thing: the mount-API calls it lists are the ones strace sees
//    when the same command runs for real.
const test = require('ava');
const { spawnSync } = require('child_process');
const { batch, noLoopLeak, runInNamespace, describe } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

const hasStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;

/** The filesystems of a --json tree (or list) below the case directory, depth first. */
function below(list, prefix, out = []) {
  for (const fsys of list) {
    if (typeof fsys.target === 'string' && fsys.target.startsWith(prefix)) out.push(fsys);
    if (fsys.children) below(fsys.children, prefix, out);
  }
  return out;
}

const JSON_SETUP = `mkdir -p a c e
smount -t tmpfs -o size=1m mc-ja $D/a
mkdir a/b
smount -t tmpfs -o size=1m,nosuid mc-jb $D/a/b
smount -t tmpfs -o size=1m mc-jc $D/c
smount --make-shared $D/c
mk_ext2 img.ext2 -L MYLABEL
smount img.ext2 $D/e
ids() { awk -v d="$D/" 'index($5, d) == 1 { print $5, $1, $2 }' /proc/self/mountinfo; }`;

batch(test, [
  {
    name: 'json-tree',
    title: '--json: findmnt\'s tree, four keys per filesystem, children below their parent',
    script: `${JSON_SETUP}
tm --json`,
    check: (t, r) => {
      const s = r.steps[0];
      t.is(s.rc, 0);
      t.is(s.stderr, '');
      const j = JSON.parse(s.stdout);
      t.deepEqual(Object.keys(j), ['filesystems']);
      t.true(Array.isArray(j.filesystems));
      // one root; every node has exactly the default columns, plus children when it has any
      t.is(j.filesystems.length, 1);
      const all = below(j.filesystems, '/');
      for (const n of all) {
        t.deepEqual(Object.keys(n).filter((k) => k !== 'children'), ['target', 'source', 'fstype', 'options']);
        if ('children' in n) t.true(n.children.length > 0);
      }
      const mine = below(j.filesystems, '$D/');
      t.deepEqual(mine.map((n) => n.target), ['$D/a', '$D/a/b', '$D/c', '$D/e']);
      const a = mine[0];
      t.like(a, { target: '$D/a', source: 'mc-ja', fstype: 'tmpfs', options: 'rw,relatime,size=1024k' });
      t.deepEqual(a.children, [{ target: '$D/a/b', source: 'mc-jb', fstype: 'tmpfs', options: 'rw,nosuid,relatime,size=1024k' }]);
      t.deepEqual(mine[2], { target: '$D/c', source: 'mc-jc', fstype: 'tmpfs', options: 'rw,relatime,size=1024k' });
      t.like(mine[3], { target: '$D/e', fstype: 'ext2', options: 'rw,relatime' });
      // findmnt's layout: three-space indentation
      t.true(s.stdout.startsWith('{\n   "filesystems": [\n      {\n'));
    },
  },
  {
    name: 'json-list',
    title: '--json --list -o target,id,parent,label: a flat list, numbers for id/parent, null for no label',
    script: `${JSON_SETUP}
tm --json --list -o target,id,parent,label
st_cmd ids ids`,
    check: (t, r) => {
      const s = r.steps[0];
      t.is(s.rc, 0);
      const j = JSON.parse(s.stdout);
      t.deepEqual(Object.keys(j), ['filesystems']);
      for (const n of j.filesystems) {
        t.deepEqual(Object.keys(n), ['target', 'id', 'parent', 'label']);
        t.true(Number.isInteger(n.id) && Number.isInteger(n.parent));
        t.true(n.label === null || typeof n.label === 'string');
      }
      const mine = j.filesystems.filter((n) => n.target.startsWith('$D/'));
      const ids = r.checks.ids.split(' | ').map((l) => l.split(' '));
      t.deepEqual(mine.map((n) => [n.target, String(n.id), String(n.parent)]), ids, 'ids and parents as in mountinfo');
      t.deepEqual(mine.map((n) => n.label), [null, null, null, 'MYLABEL']);
    },
  },
  {
    name: 'json-target-id',
    title: '--json --list -o target,id: only those two keys',
    script: `${JSON_SETUP}
tm --json --list -o target,id`,
    check: (t, r) => {
      const j = JSON.parse(r.steps[0].stdout);
      const mine = j.filesystems.filter((n) => n.target.startsWith('$D/'));
      t.is(mine.length, 4);
      for (const n of j.filesystems) t.deepEqual(Object.keys(n), ['target', 'id']);
    },
  },
  {
    name: 'by-id',
    title: '--id / --uniq-id: only that mount, classic and --json; no such ID, a bad one, and with a target refused',
    script: `${JSON_SETUP}
IB=$(awk -v t=$D/a/b '$5 == t { print $1 }' /proc/self/mountinfo)
UC=$("$TSM_NODE" -e 'console.log(String(require(process.argv[1]).mountIdOf(process.argv[2])))' "$(dirname "$TSM_BIN_MOUNT")/../dist/sys/statmount.js" $D/c)
tm --id $IB
tm --json --uniq-id $UC -o target,source,propagation
tm --id 4000000000
tm --uniq-id 12x
tm --id $IB $D/c`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0, 1, 1, 1]);
      t.deepEqual(r.steps[0].out, ['mc-jb on $D/a/b type tmpfs (rw,nosuid,relatime,size=1024k)']);
      t.deepEqual(JSON.parse(r.steps[1].stdout), { filesystems: [{ target: '$D/c', source: 'mc-jc', propagation: 'shared' }] });
      t.is(r.steps[2].stderr, 'tsmount: no mount with ID 4000000000\n');
      t.is(r.steps[3].stderr, "tsmount: invalid mount ID: '12x'\n");
      t.regex(r.steps[4].stderr, /^tsmount: bad usage\n/);
    },
  },
  {
    name: 'idmap-columns',
    title: 'UIDMAP/GIDMAP: an ID-mapped mount\'s mappings (statmount, 6.15+); empty for others; without statmount: empty and said once',
    script: `mkdir a b c; smount -t tmpfs mc-ma $D/a
tm -B -o X-mount.idmap='u:0:1000:1 g:0:2000:5 u:1:100000:10' $D/a $D/b
tm -B $D/a $D/c
tm --json --list -o target,uidmap,gidmap -t tmpfs
TSMOUNT_FAULT=statmount=ENOSYS tm --output TARGET,UIDMAP -t tmpfs`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0, 0, 0]);
      const mine = JSON.parse(r.steps[2].stdout).filesystems.filter((n) => n.target.startsWith('$D/'));
      t.deepEqual(mine, [
        { target: '$D/a', uidmap: null, gidmap: null },
        { target: '$D/b', uidmap: '0:1000:1,1:100000:10', gidmap: '0:2000:5' },
        { target: '$D/c', uidmap: null, gidmap: null },
      ]);
      const rows = r.steps[3].out.filter((l) => l.startsWith('$D/'));
      t.deepEqual(rows, ['$D/a', '$D/b', '$D/c']);
      t.is(r.steps[3].stderr, 'tsmount: UIDMAP, GIDMAP: statmount(2) cannot report ID mappings before Linux 6.15; left empty\n');
    },
  },
  {
    name: 'json-type-filter',
    title: '--json -t ext2: the filtered list, label and uuid columns',
    script: `${JSON_SETUP}
tm --json -t ext2 -o target,fstype,label,uuid`,
    check: (t, r) => {
      const j = JSON.parse(r.steps[0].stdout);
      const mine = j.filesystems.filter((n) => n.target.startsWith('$D/'));
      t.is(mine.length, 1);
      t.like(mine[0], { target: '$D/e', fstype: 'ext2', label: 'MYLABEL' });
      t.regex(mine[0].uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      t.true(j.filesystems.every((n) => n.fstype === 'ext2'));
    },
  },
  {
    name: 'output-table',
    title: '--output TARGET,PROPAGATION: a header and one aligned row per mount',
    script: `${JSON_SETUP}
tm --output TARGET,PROPAGATION`,
    check: (t, r) => {
      const s = r.steps[0];
      t.is(s.rc, 0);
      t.is(s.stderr, '');
      const [header, ...rows] = s.out;
      t.regex(header, /^TARGET +PROPAGATION$/);
      const col = header.indexOf('PROPAGATION');
      for (const row of rows) {
        t.regex(row, /^\S+ +(shared|private)(,slave)?(,unbindable)?$/, row);
        // aligned (rows whose path was not shortened by the $W/$D normalisation)
        if (!row.includes('$')) t.regex(row.slice(col), /^(shared|private)/, row);
      }
      const mine = rows.filter((l) => l.startsWith('$D/')).map((l) => l.split(/ +/));
      t.deepEqual(mine, [['$D/a', 'private'], ['$D/a/b', 'private'], ['$D/c', 'shared'], ['$D/e', 'private']]);
    },
  },
  {
    name: 'findmnt-agrees',
    title: 'the system findmnt agrees: --output table byte for byte, --json values (layout aside)',
    script: `${JSON_SETUP}
tm --output TARGET,PROPAGATION
tm --json --list -o target,id,parent,label
tm --json
st_cmd "findmnt table" sh -c "findmnt -l -o TARGET,PROPAGATION > $D/.f1 && echo ok"
st_cmd "findmnt list" sh -c "findmnt --json --list -o TARGET,ID,PARENT,LABEL | tr -d '\\n'"
st_cmd "findmnt tree" sh -c "findmnt --json | tr -d '\\n'"
st_file $D/.f1`,
    check: (t, r) => {
      if (r.checks['findmnt table'] !== 'ok') {
        t.log('no findmnt here');
        t.pass();
        return;
      }
      t.is(r.steps[0].stdout.trimEnd().split('\n').join(' | '), r.checks['file $D/.f1']);
      const fm = JSON.parse(r.checks['findmnt list'].replace(/ \| /g, ''));
      const ts = JSON.parse(r.steps[1].stdout);
      t.deepEqual(ts, fm);
      // the tree: the same nodes for this case's tmpfs mounts (findmnt shows loop devices and bind
      // roots in SOURCE, mount(8)'s listing the backing file and the plain source)
      const sub = (j) => below(JSON.parse(j).filesystems, '$D/').filter((n) => n.fstype === 'tmpfs');
      t.deepEqual(sub(r.steps[2].stdout), sub(r.checks['findmnt tree'].replace(/ \| /g, '')));
    },
  },
  {
    name: 'output-bad-column',
    title: '--output with an unknown column: an error, rc 1',
    script: 'tm --output TARGET,BOGUS',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --output TARGET,BOGUS',
      'rc 1',
      '2> mount: unknown column: BOGUS',
      '== final state',
    ]),
  },
], { executors: [{ name: 'fd', env: {} }] });

// ---- --dry-run: exact lines --------------------------------------------------------------------

batch(test, [
  {
    name: 'dry-tmpfs',
    title: '--dry-run of a tmpfs mount',
    script: `mkdir m
tm --dry-run -t tmpfs -o size=1m,mode=0700,nosuid,noatime mc-d $D/m`,
    check: (t, r, ex) => t.deepEqual(r.transcript, [
      '$ mount --dry-run -t tmpfs -o size=1m,mode=0700,nosuid,noatime mc-d $D/m',
      'rc 0',
      ...(ex === 'fd' ? [
        '1> open("$D/m", O_PATH|O_CLOEXEC) = 3',
        '1> fsopen("tmpfs", FSOPEN_CLOEXEC) = 4',
        '1> fsconfig(4, FSCONFIG_SET_STRING, "source", "mc-d", 0)',
        '1> fsconfig(4, FSCONFIG_SET_STRING, "size", "1m", 0)',
        '1> fsconfig(4, FSCONFIG_SET_STRING, "mode", "0700", 0)',
        '1> fsconfig(4, FSCONFIG_CMD_CREATE, NULL, NULL, 0)',
        '1> fsmount(4, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID|MOUNT_ATTR_NOATIME) = 5',
        '1> move_mount(5, "", 3, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)',
        '1> close(5)',
        '1> close(4)',
        '1> close(3)',
      ] : [
        '1> open("$D/m", O_PATH|O_CLOEXEC) = 3',
        '1> mount("mc-d", "/proc/self/fd/3", "tmpfs", MS_NOSUID|MS_NOATIME, "size=1m,mode=0700")',
        '1> close(3)',
      ]),
      '== final state',
    ]),
  },
  {
    name: 'dry-bind-ro',
    title: '--dry-run of -o bind,ro',
    script: `mkdir src b
tm --dry-run -o bind,ro $D/src $D/b`,
    check: (t, r, ex) => t.deepEqual(r.transcript, [
      '$ mount --dry-run -o bind,ro $D/src $D/b',
      'rc 0',
      ...(ex === 'fd' ? [
        '1> open("$D/b", O_PATH|O_CLOEXEC) = 3',
        '1> open_tree(AT_FDCWD, "$D/src", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC) = 4',
        '1> mount_setattr(4, "", AT_EMPTY_PATH, {attr_set=MOUNT_ATTR_RDONLY, attr_clr=0, propagation=0, userns_fd=0}, 32)',
        '1> move_mount(4, "", 3, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)',
        '1> close(4)',
        '1> close(3)',
      ] : [
        '1> open("$D/b", O_PATH|O_CLOEXEC) = 3',
        '1> mount("$D/src", "/proc/self/fd/3", NULL, MS_BIND, NULL)',
        '1> mount("none", "$D/b", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL)',
        '1> close(3)',
      ]),
      '== final state',
    ]),
  },
  {
    name: 'dry-remount',
    title: '--dry-run of -o remount,ro,size=2m (the mount\'s own options re-sent first)',
    script: `mkdir r
smount -t tmpfs -o size=1m,mode=0700,nosuid mc-r $D/r
tm --dry-run -o remount,ro,size=2m $D/r`,
    check: (t, r, ex) => t.deepEqual(r.transcript, [
      '$ mount --dry-run -o remount,ro,size=2m $D/r',
      'rc 0',
      ...(ex === 'fd' ? [
        '1> fspick(AT_FDCWD, "$D/r", FSPICK_CLOEXEC|FSPICK_NO_AUTOMOUNT) = 3',
        '1> fsconfig(3, FSCONFIG_SET_STRING, "size", "1024k", 0)',
        '1> fsconfig(3, FSCONFIG_SET_STRING, "mode", "700", 0)',
        '1> fsconfig(3, FSCONFIG_SET_STRING, "size", "2m", 0)',
        '1> fsconfig(3, FSCONFIG_SET_FLAG, "ro", NULL, 0)',
        '1> fsconfig(3, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0)',
        '1> close(3)',
        '1> mount_setattr(AT_FDCWD, "$D/r", 0, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID, attr_clr=MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC|MOUNT_ATTR_NOATIME|MOUNT_ATTR_STRICTATIME|MOUNT_ATTR_NOSYMFOLLOW|MOUNT_ATTR__ATIME, propagation=0, userns_fd=0}, 32)',
      ] : [
        '1> mount("mc-r", "$D/r", "tmpfs", MS_RDONLY|MS_NOSUID|MS_REMOUNT|MS_RELATIME, "size=1024k,mode=700,size=2m")',
      ]),
      // still rw, still 1m: nothing was done
      '== final state',
      '= mi $D/r / rw,nosuid,relatime private tmpfs mc-r rw,size=1024k,mode=700',
    ]),
  },
  {
    name: 'dry-propagation',
    title: '--dry-run of --make-rshared',
    script: `mkdir p
smount -t tmpfs -o size=1m mc-p $D/p
tm --dry-run --make-rshared $D/p`,
    check: (t, r, ex) => t.deepEqual(r.transcript, [
      '$ mount --dry-run --make-rshared $D/p',
      'rc 0',
      ex === 'fd' ? '1> mount_setattr(AT_FDCWD, "$D/p", AT_RECURSIVE, {attr_set=0, attr_clr=0, propagation=MS_SHARED, userns_fd=0}, 32)'
        : '1> mount("none", "$D/p", NULL, MS_REC|MS_SHARED, NULL)',
      '== final state',
      '= mi $D/p / rw,relatime private tmpfs mc-p rw,size=1024k',
    ]),
  },
  {
    name: 'dry-verbose',
    title: '--dry-run -v: the calls, then the usual success line; -f -v alone: only the success line',
    executors: ['fd'],
    script: `mkdir m
tm --dry-run -v -t tmpfs mc-v $D/m
tm -f -v -t tmpfs mc-v $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --dry-run -v -t tmpfs mc-v $D/m',
      'rc 0',
      '1> open("$D/m", O_PATH|O_CLOEXEC) = 3',
      '1> fsopen("tmpfs", FSOPEN_CLOEXEC) = 4',
      '1> fsconfig(4, FSCONFIG_SET_STRING, "source", "mc-v", 0)',
      '1> fsconfig(4, FSCONFIG_CMD_CREATE, NULL, NULL, 0)',
      '1> fsmount(4, FSMOUNT_CLOEXEC, 0) = 5',
      '1> move_mount(5, "", 3, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)',
      '1> close(5)',
      '1> close(4)',
      '1> close(3)',
      '1> mount: mc-v mounted on $D/m.',
      '$ mount -f -v -t tmpfs mc-v $D/m',
      'rc 0',
      '1> mount: mc-v mounted on $D/m.',
      '== final state',
    ]),
  },
  {
    name: 'dry-nothing-done',
    title: '--dry-run makes no mount and creates no directory (X-mount.mkdir), even for a bad option',
    script: `mkdir m src b
tm --dry-run -t tmpfs -o X-mount.mkdir=0700 mc-n $D/new/dir
st_test "new exists" test -e $D/new
tm --dry-run -t tmpfs -o foo mc-n $D/m
tm --dry-run --bind $D/src $D/b
tm --dry-run -o rbind,ro=recursive $D/src $D/b
st_cmd "mounts below" sh -c "grep -c ' $D/' /proc/self/mountinfo"`,
    check: (t, r) => {
      t.deepEqual(r.steps.map((s) => s.rc), [0, 0, 0, 0]);
      t.is(r.steps[0].out[0], 'mkdir("$D/new/dir", 0700)  # and its missing parents');
      t.is(r.checks['new exists'], 'no');
      t.is(r.checks['mounts below'], '0');
      t.deepEqual(r.mountinfo, []);
    },
  },
]);

// ---- the dry-run against strace of the real run -------------------------------------------------
// For each command: `tsmount --dry-run ARGS`, then `tsmount ARGS` under strace. The mount-API
// calls the dry-run lists (names; for mount(2) also the flags) must be the ones the kernel saw.
const TRACED = 'mount,fsopen,fsconfig,fsmount,move_mount,open_tree,fspick,mount_setattr';
const CALL = /^(mount|fsopen|fsconfig|fsmount|move_mount|open_tree|fspick|mount_setattr)\((.*)\)(\s+= -?\d+.*)?$/;

/** One line per call: the name, and for mount(2) the flags argument. */
function calls(lines) {
  const out = [];
  for (const l of lines) {
    const m = CALL.exec(l.trim());
    if (!m) continue;
    if (m[1] === 'mount') {
      const args = m[2].split(', ');
      out.push(`mount ${args[3]}`);
    } else out.push(m[1]);
  }
  return out;
}

const LONG_LOWER = Array.from({ length: 8 }, (_, i) => `$D/ov/lower-layer-with-a-long-name-${i + 1}`);
const COMPARE_SETUP = `mkdir -p src b m m2 r ov/upper ov/work ov/merged
smount -t tmpfs -o size=1m mc-src $D/src; mkdir src/sub; smount -t tmpfs -o size=1m mc-sub $D/src/sub
smount -t tmpfs -o size=1m,nosuid mc-r $D/r
L=
for d in ${LONG_LOWER.join(' ')}; do mkdir -p $d; echo x > $d/f; L=\${L:+$L:}$d; done
cmp_run() { # NAME ARGS...: the dry-run (recorded as a step), then the real run under strace
  local name=$1; shift
  tm --dry-run "$@"
  strace -f -qq -e trace=${TRACED} -o $D/.trace "$TSM_NODE" $TSM_BIN_MOUNT "$@" >/dev/null 2>&1
  local rc=$?
  st_cmd "rc $name" echo $rc
  st_cmd "real $name" sh -c "grep -v '^[0-9]* +++\\|^[0-9]* ---' $D/.trace | sed 's/^[0-9]* //'"
}`;

const COMPARED = [
  { name: 'tmpfs', args: '-t tmpfs -o size=1m,nosuid mc-c $D/m' },
  { name: 'bind-ro', args: '-o bind,ro $D/src $D/b' },
  { name: 'remount', args: '-o remount,ro,size=2m $D/r' },
  { name: 'remount-bind', args: '-o remount,bind,rw $D/r' },
  { name: 'propagation', args: '--make-rshared $D/r' },
  { name: 'move', args: '--move $D/b $D/m2' },
  // known discrepancies: the mount(2) executor's per-mount remounts for VFSFLAG=recursive and
  // the fd executor's recursive mount_setattr of a remount,bind are not in the dry-run
  { name: 'rbind-ro-recursive', args: '-o rbind,ro=recursive $D/src $D/b' },
  { name: 'remount-bind-noexec-recursive', args: '-o remount,bind,noexec=recursive $D/b' },
  { name: 'overlay-long-lowerdir', args: '-t overlay -o lowerdir=$L,upperdir=$D/ov/upper,workdir=$D/ov/work mc-ovl $D/ov/merged' },
];

const compareRuns = {};
function compareRun(ex) {
  if (!compareRuns[ex]) {
    const script = `${COMPARE_SETUP}\n${COMPARED.map((c) => `cmp_run ${c.name} ${c.args}`).join('\n')}`;
    compareRuns[ex] = runInNamespace(script, { env: ex === 'mount2' ? { TSMOUNT_FORCE_MOUNT2: 'always' } : { TSMOUNT_FORCE_MOUNT2: undefined } });
  }
  return compareRuns[ex];
}

for (const ex of ['fd', 'mount2']) {
  COMPARED.forEach((c, i) => {
    const failing = (c.failing || []).includes(ex);
    const title = `[${ex}] --dry-run lists the mount calls the real run makes: ${c.name}`;
    if (!hasStrace) {
      test.skip(title, () => {});
      return;
    }
    (failing ? test.serial.failing : test.serial)(title, (t) => {
      const r = compareRun(ex);
      const step = r.steps[i];
      t.is(step.rc, 0, describe(r));
      t.is(r.checks[`rc ${c.name}`], '0', 'the real run worked');
      const real = (r.checks[`real ${c.name}`] || '').split(' | ');
      const dry = calls(step.out);
      t.true(dry.length > 0, step.stdout);
      t.deepEqual(dry, calls(real), `dry-run:\n${step.stdout}\nstrace:\n${real.join('\n')}`);
    });
  });
}

// The exact dry-run of the long overlay: one fsconfig("lowerdir+") per layer (Linux 6.8), as the
// real run makes them (the strace comparison above checks the names).
test.serial('[fd] --dry-run of an overlay whose lowerdir= exceeds 256 bytes shows one lowerdir+ call per layer', (t) => {
  const r = compareRun('fd');
  const i = COMPARED.findIndex((c) => c.name === 'overlay-long-lowerdir');
  t.deepEqual(r.steps[i].out, [
    'open("$W/ov/merged", O_PATH|O_CLOEXEC) = 3',
    'fsopen("overlay", FSOPEN_CLOEXEC) = 4',
    'fsconfig(4, FSCONFIG_SET_STRING, "source", "mc-ovl", 0)',
    ...LONG_LOWER.map((l) => `fsconfig(4, FSCONFIG_SET_STRING, "lowerdir+", "${l.replace('$D', '$W')}", 0)`),
    'fsconfig(4, FSCONFIG_SET_STRING, "upperdir", "$W/ov/upper", 0)',
    'fsconfig(4, FSCONFIG_SET_STRING, "workdir", "$W/ov/work", 0)',
    'fsconfig(4, FSCONFIG_CMD_CREATE, NULL, NULL, 0)',
    'fsmount(4, FSMOUNT_CLOEXEC, 0) = 5',
    'move_mount(5, "", 3, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)',
    'close(5)',
    'close(4)',
    'close(3)',
  ]);
});
