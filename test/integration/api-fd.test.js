// fd-level API (src/api/fd.ts): FsContext, MountFd, mountAt/unmountAt, detached mounts.
// Every scenario that mounts runs in a mount namespace of its own on a scratch tmpfs (see
// helpers/run.js and helpers/in-namespace.js); the assertions are about what the kernel shows
// there: /proc/self/mountinfo lines, file contents, errno codes and fs-context messages.
// The scenario scripts are the examples of docs/api-fd.md, verbatim (checked below).
const test = require('ava');
const fs = require('fs');
const path = require('path');
const { runScenario, cannotMount, hostMountsMatching, SCENARIOS } = require('./helpers/run.js');
const lib = require('../../dist/index.js');

const why = cannotMount();
const mountTest = why ? test.skip : test;
if (why) test('mount scenarios skipped', (t) => t.log(`skipped: ${why}`) || t.pass());

/** Run a scenario, fail with its stderr unless it printed a JSON result and exited 0. */
async function scenario(t, name, args) {
  const r = await runScenario(name, args);
  if (r.code !== 0 || r.result === undefined) t.log(`exit ${r.code} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
  t.false(r.timedOut, 'scenario timed out');
  t.is(r.code, 0);
  t.truthy(r.result);
  // Nothing leaked into the test's own namespace.
  t.deepEqual(hostMountsMatching('tsmount-it-'), []);
  return r.result;
}

/** A mountinfo line as { point, vfs: Set, fstype, source, sb: Set }. */
function parse(line) {
  const [left, right] = line.split(' - ');
  const l = left.split(' ');
  const r = right.split(' ');
  return { root: l[3], point: l[4], vfs: new Set(l[5].split(',')), optional: l.slice(6), fstype: r[0], source: r[1], sb: new Set(r[2].split(',')) };
}

test('the fd API is exported from the package entry point', (t) => {
  for (const name of ['FsContext', 'MountFd', 'mountAt', 'unmountAt', 'mountFuse', 'mountAttrFor']) t.is(typeof lib[name], 'function', name);
  t.is(typeof lib.FsContext.open, 'function');
  t.is(typeof lib.FsContext.pick, 'function');
  t.is(typeof lib.MountFd.openTree, 'function');
  t.is(lib.MOUNT_ATTR.NOEXEC, 0x8);
  t.is(lib.MNT.DETACH, 2);
  t.is(lib.AT.FDCWD, -100);
});

test('mountAttrFor applies the atime and idmap rules of mount_setattr', (t) => {
  const { MOUNT_ATTR } = lib;
  t.deepEqual(lib.mountAttrFor({ set: MOUNT_ATTR.RDONLY }), { attrSet: 1, attrClr: 0, propagation: 0, usernsFd: 0 });
  // Atime is an enum: choosing a mode clears the whole field.
  t.deepEqual(lib.mountAttrFor({ atime: 'noatime' }), { attrSet: MOUNT_ATTR.NOATIME, attrClr: MOUNT_ATTR._ATIME, propagation: 0, usernsFd: 0 });
  t.deepEqual(lib.mountAttrFor({ atime: 'relatime' }), { attrSet: 0, attrClr: MOUNT_ATTR._ATIME, propagation: 0, usernsFd: 0 });
  t.is(lib.mountAttrFor({ set: MOUNT_ATTR.STRICTATIME }).attrClr, MOUNT_ATTR._ATIME);
  // propagation takes MS_* values.
  t.is(lib.mountAttrFor({ propagation: 'private' }).propagation, 1 << 18);
  t.is(lib.mountAttrFor({ propagation: 'shared' }).propagation, 1 << 20);
  const idmap = lib.mountAttrFor({ usernsFd: 7 });
  t.is(idmap.attrSet, MOUNT_ATTR.IDMAP);
  t.is(idmap.usernsFd, 7);
});

test('unmountAt refuses a bad dir fd without calling the kernel', (t) => {
  const e = t.throws(() => lib.unmountAt(-5, 'x'), { instanceOf: lib.MountError });
  t.is(e.code, 'EBADF');
  t.is(e.syscall, 'umount2');
});

mountTest('tmpfs through FsContext: size/mode, populated while detached, attached, reconfigured', async (t) => {
  const r = await scenario(t, 'fd-tmpfs');
  t.deepEqual(r.mountsWhileDetached, [], 'a detached mount is in no mount table');
  t.is(r.mounts.length, 1);
  const m = parse(r.mounts[0]);
  t.is(m.point, './mnt');
  t.true(m.vfs.has('nosuid') && m.vfs.has('nodev') && m.vfs.has('rw'), r.mounts[0]);
  t.is(m.fstype, 'tmpfs');
  t.is(m.source, 'demo');
  t.true(m.sb.has('size=8192k'), 'reconfigured from 4m to 8m');
  t.true(m.sb.has('mode=750'));
  t.is(r.content, 'written before attaching\n');
  t.deepEqual(r.entries, ['hello.txt', 'sub']);
  t.is(r.rootMode, '750');
});

mountTest('errors are MountError with syscall, code and kernel messages', async (t) => {
  const r = await scenario(t, 'fd-errors');
  const by = Object.fromEntries(r.results.map((x) => [x.what, x]));
  t.is(by['bad value'].syscall, 'fsconfig');
  t.is(by['bad value'].code, 'EINVAL');
  t.true(by['bad value'].kernelMessages.includes("e tmpfs: Bad value for 'size'"));
  t.is(by['bad value'].message, "fsconfig() failed: tmpfs: Bad value for 'size'");
  t.deepEqual(by['unknown parameter'].kernelMessages, ["e tmpfs: Unknown parameter 'bogus_option'"]);
  t.like(by['unknown filesystem type'], { syscall: 'fsopen', code: 'ENODEV' });
  t.like(by['fsmount before create'], { syscall: 'fsmount', code: 'EINVAL' });
  t.like(by['set after create'], { syscall: 'fsconfig', code: 'EBUSY' });
  t.like(by['fspick on a directory that is not a mount point'], { syscall: 'fspick', code: 'EINVAL' });
  t.like(by['beneath where nothing is mounted'], { syscall: 'move_mount', code: 'EINVAL' });
  t.like(by['open_tree of a missing path'], { syscall: 'open_tree', code: 'ENOENT' });
  t.like(by['use after close'], { syscall: 'fsconfig', code: 'EBADF', errno: 9 });
  t.true(r.closedByDispose);
  t.is(r.fdAfterClose, -1);
  t.is(r.hasDispose, typeof Symbol.dispose === 'symbol');
  t.is(r.fdsLeaked, 0, 'every object closed, failed calls included');
});

mountTest('read-only recursive bind via MountFd.openTree + setAttr + moveTo, then a move', async (t) => {
  const r = await scenario(t, 'fd-bind-ro');
  t.deepEqual(r.writes, { roFile: 'EROFS', roSubInner: 'EROFS', dataFile: 'ok' });
  const after = r.mountsAfterBind.map(parse);
  const ro = after.find((m) => m.point === './ro');
  const roSub = after.find((m) => m.point === './ro/sub');
  t.truthy(ro, r.mountsAfterBind.join('\n'));
  t.is(ro.root, '/data', 'a bind of the scratch tmpfs subdirectory');
  t.true(ro.vfs.has('ro') && ro.vfs.has('noexec') && ro.vfs.has('noatime'));
  t.true(ro.optional.includes('unbindable'), 'propagation set through the fd after attaching');
  t.truthy(roSub, 'recursive: the submount was copied');
  t.true(roSub.vfs.has('ro') && roSub.vfs.has('noexec'), 'recursive attributes');
  t.true(after.find((m) => m.point === './data/sub').vfs.has('rw'), 'the original stays writable');
  const moved = r.mountsAfterMove.map(parse);
  t.falsy(moved.find((m) => m.point === './ro'));
  t.truthy(moved.find((m) => m.point === './moved' && m.vfs.has('ro')));
  t.truthy(moved.find((m) => m.point === './moved/sub'));
  t.is(r.movedContent, 'inner file\n');
});

mountTest('MOVE_MOUNT_BENEATH: the new mount appears when the top one is unmounted', async (t) => {
  const r = await scenario(t, 'fd-beneath');
  t.is(r.before.reads, 'top\n');
  t.deepEqual([...r.before.mounts].sort(), ['tmpfs beneath rw', 'tmpfs top rw']);
  t.is(r.after.reads, 'beneath\n');
  t.deepEqual(r.after.mounts, ['tmpfs beneath rw']);
});

mountTest('mountAt/unmountAt relative to a directory fd that was renamed', async (t) => {
  const r = await scenario(t, 'fd-at');
  t.is(r.mounted.length, 1);
  t.like(parse(r.mounted[0]), { point: './b/mnt', fstype: 'tmpfs', source: 'at-demo' });
  t.deepEqual(r.unmounted, []);
  t.deepEqual(r.again, { code: 'EINVAL', syscall: 'umount2' });
  t.deepEqual(r.afterDetach, [], 'empty relPath: the mount dirFd is the root of');
});

mountTest('seed example: run programs from a detached overlay through /proc/self/fd', async (t) => {
  const r = await scenario(t, 'fd-overlay-exec');
  t.deepEqual(r.overlayFiles, ['hello.sh', 'true'], 'both lower layers merged');
  t.false(r.attached, 'the overlay was never attached');
  t.like(r.true, { status: 0 });
  t.like(r.script, { status: 0, stdout: 'hello from a detached overlay (run as /proc/self/fd/3)\n' });
});

test('docs/api-fd.md shows the scenario scripts verbatim', (t) => {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/api-fd.md'), 'utf8');
  for (const file of fs.readdirSync(SCENARIOS).filter((f) => f.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(SCENARIOS, file), 'utf8');
    t.true(doc.includes(`\`\`\`js\n${code}\`\`\``), `${file} is not in docs/api-fd.md as it is`);
  }
});
