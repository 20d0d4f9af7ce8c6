'use strict';
// Issue 5: the library API (dist/index.js) as a program uses it -- mount, remount, bind
// (recursive, readOnly), move, setPropagation, umount (also recursive), listMounts, findMount --
// run inside a private mount namespace on a scratch tmpfs (helpers/ns.js: private /etc/fstab,
// LIBMOUNT_UTAB in the scratch dir), once with each executor; the errors it throws (MountError
// with syscall, errno, code, kernelMessages, target, and the MS_* flags by name for mount(2);
// MountFailure and UmountFailure around them; RequestError, with a code, for bad requests); and the pure
// parsers (parseOptions, parseMountinfo, parseFstab), which need no namespace.
const test = require('ava');
const path = require('path');
const { runInNamespace, noLoopLeak, describe } = require('../helpers/ns');

const ROOT = path.resolve(__dirname, '..', '..');
const DEVICES_PRELUDE = require('fs').readFileSync(path.join(__dirname, 'devices-prelude.sh'), 'utf8');
const lib = require(path.join(ROOT, 'dist/index.js'));

test.afterEach.always(noLoopLeak);

// Prelude of every library script: `out` is printed as one JSON line at the end; err(fn) turns a
// thrown error into a plain object with every field the tests look at.
const PRELUDE = `
const lib = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
const fs = require('fs');
const D = process.cwd();
const executor = process.env.LIB_EXECUTOR || undefined;
const out = {};
const mine = () => fs.readFileSync('/proc/self/mountinfo', 'utf8').trim().split('\\n')
  .map((l) => l.split(' ')).filter((f) => f[4].startsWith(D + '/') && !f[4].startsWith(D + '/.h'))
  .map((f) => { const s = f.indexOf('-', 6); return [f[4], f[3], f[5], f.slice(6, s).join(' ').replace(/:\\d+/g, ':N') || 'private', f[s + 1], f[s + 2], f[s + 3]].join(' '); });
const plainError = (e) => e === undefined ? undefined : {
  class: e.constructor.name, name: e.name, message: e.message, syscall: e.syscall, errno: e.errno, code: e.code,
  kernelMessages: e.kernelMessages, kernelErrors: e.kernelErrors, target: e.target, source: e.source, flags: e.flags,
  isMountError: e instanceof lib.MountError,
};
const err = (fn) => {
  try { fn(); return 'no error'; } catch (e) {
    const o = plainError(e);
    o.isMountFailure = e instanceof lib.MountFailure;
    o.isUmountFailure = e instanceof lib.UmountFailure;
    o.isRequestError = e instanceof lib.RequestError;
    o.problem = e.problem; o.spec = e.spec; o.kind = e.kind; o.step = e.step && e.step.op; o.fstype = e.fstype;
    o.error = plainError(e.error);
    return o;
  }
};
const write = (p) => { try { fs.writeFileSync(p, 'x'); fs.unlinkSync(p); return 'ok'; } catch (e) { return e.code; } };
`;

/** Run `body` (JavaScript, after PRELUDE) with node in a private namespace; returns {out, r}. */
function runLib(body, env = {}, setup = '') {
  const script = `${setup}
mkdir -p .lib
cat > .lib/script.js <<'__JS__'
${PRELUDE}
try {
${body}
} catch (e) { out.uncaught = String(e && e.stack || e); }
console.log(JSON.stringify(out));
__JS__
"$TSM_NODE" .lib/script.js > .lib/out.json 2> .lib/err.txt
st_file $D/.lib/out.json
st_file $D/.lib/err.txt`;
  const r = runInNamespace(script, { env });
  const text = r.checks['file $W/.lib/out.json'];
  let out;
  try {
    out = JSON.parse(text);
  } catch {
    throw new Error(`library script printed no JSON: ${text}\nstderr: ${r.checks['file $W/.lib/err.txt']}\n${describe(r)}`);
  }
  return { out, r };
}

// ---- mount, remount, bind, move, setPropagation, listMounts, findMount, umount -----------------

const SEQUENCE = `
for (const d of ['t', 'src', 'b', 'rb', 'mv1', 'mv2', 'x']) fs.mkdirSync(D + '/' + d);
const res = (r) => ({ kind: r.kind, source: r.source, target: r.target, fstype: r.fstype, messages: r.messages, roFallback: r.roFallback });

out.mount = res(lib.mount('lib-t', D + '/t', 'tmpfs', { options: 'size=1m,mode=0700,nosuid', executor }));
out.find = lib.findMount(D + '/t');
out.remount = res(lib.remount(D + '/t', { options: 'ro', executor }));
out.findAfterRemount = lib.findMount(D + '/t');
out.writeAfterRemount = write(D + '/t/f');
out.remountList = res(lib.remount(D + '/t', { options: ['rw', 'size=2m'], executor }));
out.writeAfterRemountRw = write(D + '/t/f');

lib.mount('lib-src', D + '/src', 'tmpfs', { options: 'size=1m', executor });
fs.mkdirSync(D + '/src/sub');
lib.mount('lib-sub', D + '/src/sub', 'tmpfs', { options: ['size=1m', 'noexec'], executor });
out.bindRo = res(lib.bind(D + '/src', D + '/b', { readOnly: true, executor }));
out.bindRoWrite = write(D + '/b/f');
out.sourceWrite = write(D + '/src/f');
out.bindHasSub = fs.readdirSync(D + '/b/sub').length === 0 ? 'empty (not recursive)' : 'submount';
out.rbind = res(lib.bind(D + '/src', D + '/rb', { recursive: true, readOnly: true, executor }));
out.rbindWrite = write(D + '/rb/f');
out.rbindSubWrite = write(D + '/rb/sub/f');
out.remountBind = res(lib.remount(D + '/rb/sub', { bindOnly: true, options: 'ro', executor }));
out.rbindSubWriteAfter = write(D + '/rb/sub/f');
out.srcSubWrite = write(D + '/src/sub/f');

lib.mount('lib-mv', D + '/mv1', 'tmpfs', { executor });
fs.writeFileSync(D + '/mv1/moved', 'yes');
out.move = res(lib.move(D + '/mv1', D + '/mv2', { executor }));
out.movedFile = fs.readFileSync(D + '/mv2/moved', 'utf8');
out.oldPlace = lib.findMount(D + '/mv1') === undefined ? 'not a mount point' : 'still mounted';
out.shared = res(lib.setPropagation(D + '/mv2', 'shared', { executor }));
out.runbindable = res(lib.setPropagation(D + '/rb', 'unbindable', { recursive: true, executor }));

lib.mount('lib-x', D + '/x', 'tmpfs', { options: 'x-app=demo,size=1m', executor });
out.mi = mine();
out.list = lib.listMounts().filter((m) => m.entry.target.startsWith(D + '/'))
  .map((m) => ({ target: m.entry.target, source: m.source, fstype: m.entry.fstype, options: m.options, userOptions: m.userOptions }));
out.listTmpfsCount = lib.listMounts({ types: 'tmpfs' }).filter((m) => m.entry.target.startsWith(D + '/')).length;
out.listNotTmpfs = lib.listMounts({ types: 'notmpfs' }).filter((m) => m.entry.target.startsWith(D + '/')).length;
out.utab = fs.readFileSync(process.env.LIBMOUNT_UTAB, 'utf8').replace(/ID=\\d+/g, 'ID=N');

out.umountRecursive = lib.umount(D + '/rb', { recursive: true });
out.umount = lib.umount(D + '/mv2');
out.umountX = lib.umount(D + '/x');
out.utabAfter = fs.readFileSync(process.env.LIBMOUNT_UTAB, 'utf8');
out.miAfter = mine();
`;

const runs = {};
function sequence(executor) {
  if (!runs[executor]) runs[executor] = runLib(SEQUENCE, { LIB_EXECUTOR: executor === 'auto' ? '' : executor });
  return runs[executor];
}

for (const executor of ['auto', 'mount2']) {
  test.serial(`[${executor}] mount / remount / bind / move / setPropagation / listMounts / findMount / umount`, (t) => {
    const { out, r } = sequence(executor);
    t.is(out.uncaught, undefined);
    t.is(r.checks['file $W/.lib/err.txt'], '');
    const M = (target, source) => ({ kind: 'mount', source, target, fstype: 'tmpfs', messages: [], roFallback: false });
    t.deepEqual(out.mount, M('$W/t', 'lib-t'));
    t.like(out.find, {
      root: '/', target: '$W/t', vfsOptions: 'rw,nosuid,relatime', optional: [], fstype: 'tmpfs', source: 'lib-t',
      fsOptions: 'rw,size=1024k,mode=700',
    });
    t.true(Number.isInteger(out.find.id) && Number.isInteger(out.find.parent));
    t.regex(out.find.devno, /^\d+:\d+$/);
    t.like(out.remount, { kind: 'remount', target: '$W/t', messages: [], roFallback: false });
    t.like(out.findAfterRemount, { id: out.find.id, vfsOptions: 'ro,nosuid,relatime', fsOptions: 'ro,size=1024k,mode=700' });
    t.is(out.writeAfterRemount, 'EROFS');
    t.like(out.remountList, { kind: 'remount', target: '$W/t' });
    t.is(out.writeAfterRemountRw, 'ok');

    t.deepEqual(out.bindRo, { kind: 'bind', source: '$W/src', target: '$W/b', messages: [], roFallback: false });
    t.is(out.bindRoWrite, 'EROFS');
    t.is(out.sourceWrite, 'ok');
    t.is(out.bindHasSub, 'empty (not recursive)');
    t.like(out.rbind, { kind: 'bind', source: '$W/src', target: '$W/rb' });
    t.is(out.rbindWrite, 'EROFS');
    t.is(out.rbindSubWrite, 'ok', 'readOnly is not recursive (ro, not ro=recursive)');
    t.like(out.remountBind, { kind: 'remount', target: '$W/rb/sub' });
    t.is(out.rbindSubWriteAfter, 'EROFS');
    t.is(out.srcSubWrite, 'ok');

    t.like(out.move, { kind: 'move', source: '$W/mv1', target: '$W/mv2' });
    t.is(out.movedFile, 'yes');
    t.is(out.oldPlace, 'not a mount point');
    t.like(out.shared, { kind: 'propagation', target: '$W/mv2' });
    t.like(out.runbindable, { kind: 'propagation', target: '$W/rb' });

    t.deepEqual(out.mi, [
      '$W/t / rw,nosuid,relatime private tmpfs lib-t rw,size=2048k,mode=700',
      '$W/src / rw,relatime private tmpfs lib-src rw,size=1024k',
      '$W/src/sub / rw,noexec,relatime private tmpfs lib-sub rw,size=1024k',
      '$W/b / ro,relatime private tmpfs lib-src rw,size=1024k',
      '$W/rb / ro,relatime unbindable tmpfs lib-src rw,size=1024k',
      '$W/rb/sub / ro,noexec,relatime unbindable tmpfs lib-sub rw,size=1024k',
      '$W/mv2 / rw,relatime shared:N tmpfs lib-mv rw',
      '$W/x / rw,relatime private tmpfs lib-x rw,size=1024k',
    ]);
    t.deepEqual(out.list, [
      { target: '$W/t', source: 'lib-t', fstype: 'tmpfs', options: 'rw,nosuid,relatime,size=2048k,mode=700', userOptions: '' },
      { target: '$W/src', source: 'lib-src', fstype: 'tmpfs', options: 'rw,relatime,size=1024k', userOptions: '' },
      { target: '$W/src/sub', source: 'lib-sub', fstype: 'tmpfs', options: 'rw,noexec,relatime,size=1024k', userOptions: '' },
      { target: '$W/b', source: 'lib-src', fstype: 'tmpfs', options: 'ro,relatime,size=1024k', userOptions: '' },
      { target: '$W/rb', source: 'lib-src', fstype: 'tmpfs', options: 'ro,relatime,size=1024k', userOptions: '' },
      { target: '$W/rb/sub', source: 'lib-sub', fstype: 'tmpfs', options: 'ro,noexec,relatime,size=1024k', userOptions: '' },
      { target: '$W/mv2', source: 'lib-mv', fstype: 'tmpfs', options: 'rw,relatime', userOptions: '' },
      // x-* options are kept in utab and merged into the listing, as libmount does
      { target: '$W/x', source: 'lib-x', fstype: 'tmpfs', options: 'rw,relatime,size=1024k,x-app=demo', userOptions: 'x-app=demo' },
    ]);
    t.is(out.listTmpfsCount, 8);
    t.is(out.listNotTmpfs, 0, '-t notmpfs pattern');
    t.is(out.utab, 'ID=N SRC=lib-x TARGET=$W/x ROOT=/ OPTS=x-app=demo\n');

    // umount -R: submounts first
    t.deepEqual(out.umountRecursive.map((u) => u.target), ['$W/rb/sub', '$W/rb']);
    t.deepEqual(out.umount.map((u) => u.target), ['$W/mv2']);
    t.deepEqual(out.umountX.map((u) => u.target), ['$W/x']);
    t.is(out.utabAfter, '', 'the utab entry went with the mount');
    t.deepEqual(out.miAfter, [
      '$W/t / rw,nosuid,relatime private tmpfs lib-t rw,size=2048k,mode=700',
      '$W/src / rw,relatime private tmpfs lib-src rw,size=1024k',
      '$W/src/sub / rw,noexec,relatime private tmpfs lib-sub rw,size=1024k',
      '$W/b / ro,relatime private tmpfs lib-src rw,size=1024k',
    ]);
    t.deepEqual(r.leftLoops, []);
  });
}

test.serial('both executors leave the same mount table and return the same results', (t) => {
  const a = sequence('auto').out;
  const b = sequence('mount2').out;
  const strip = (o) => JSON.parse(JSON.stringify(o, (k, v) => (k === 'id' || k === 'parent' || k === 'devno' ? undefined : v)));
  t.deepEqual(strip(a), strip(b));
});

// ---- errors --------------------------------------------------------------------------------------

const ERRORS = `
fs.mkdirSync(D + '/e');
fs.mkdirSync(D + '/b');
out.unknownParameter = err(() => lib.mount('mc-e', D + '/e', 'tmpfs', { options: 'nosuid,foo', executor }));
out.badValue = err(() => lib.mount('mc-e', D + '/e', 'tmpfs', { options: 'size=foo', executor }));
out.unknownType = err(() => lib.mount('mc-e', D + '/e', 'bogusfs', { executor }));
out.missingTarget = err(() => lib.mount('mc-e', D + '/missing', 'tmpfs', { executor }));
out.bindMissingSource = err(() => lib.bind(D + '/missing', D + '/b', { recursive: true, executor }));
out.remountNotMounted = err(() => lib.remount(D + '/e', { options: 'ro', executor }));
out.propagationNotMounted = err(() => lib.setPropagation(D + '/e', 'private', { executor }));
out.umountNotMounted = err(() => lib.umount(D + '/e'));
out.umountMissing = err(() => lib.umount(D + '/missing'));
out.umountGraceful = [lib.umount(D + '/e', { graceful: true }), lib.umount(D + '/missing', { graceful: true }),
  lib.umount(D + '/e', { graceful: true, recursive: true })];
out.byIdMissing = err(() => lib.mountById({ id: 4000000000 }));
out.umountByIdGraceful = lib.umountById({ uniqueId: 5n }, { graceful: true });
lib.mount('mc-byid', D + '/b', 'tmpfs', { executor });
const byIdEntry = lib.mountById({ id: lib.findMount(D + '/b').id });
out.byId = { target: byIdEntry.target, source: byIdEntry.source };
out.umountById = lib.umountById({ id: byIdEntry.id }).map((r) => r.target);
out.badOptionSyntax = err(() => lib.mount('mc-e', D + '/e', 'tmpfs', { options: '=x', executor }));
out.badMode = err(() => lib.mount('mc-e', D + '/e', 'tmpfs', { options: 'X-mount.mode=abc', executor }));
out.unknownOwner = err(() => lib.mount('mc-e', D + '/e', 'tmpfs', { options: 'X-mount.owner=no-such-user-here', executor }));
out.noSourceNotInFstab = err(() => lib.mount(undefined, D + '/e', undefined, { executor }));
out.mi = mine();
`;

const errRuns = {};
function errors(executor) {
  if (!errRuns[executor]) errRuns[executor] = runLib(ERRORS, { LIB_EXECUTOR: executor === 'auto' ? '' : executor });
  return errRuns[executor];
}

/** What every MountFailure of a mount request shares. */
function failure(t, o, { kind, step, syscall, code, errno }) {
  t.like(o, { class: 'MountFailure', name: 'MountFailure', isMountFailure: true, isRequestError: false, kind, step });
  t.like(o.error, { class: 'MountError', name: 'MountError', isMountError: true, syscall, code, errno });
  t.is(o.message, o.error.message, 'the MountFailure message is the MountError message');
}

test.serial('[auto] kernel errors: MountFailure around a MountError with syscall, errno, code, kernel messages, target', (t) => {
  const { out, r } = errors('auto');
  t.is(out.uncaught, undefined);
  failure(t, out.unknownParameter, { kind: 'mount', step: 'fsmount', syscall: 'fsconfig', code: 'EINVAL', errno: 22 });
  t.like(out.unknownParameter, { target: '$W/e', source: 'mc-e', fstype: 'tmpfs' });
  t.like(out.unknownParameter.error, {
    target: '$W/e', source: 'mc-e',
    kernelMessages: ["e tmpfs: Unknown parameter 'foo'"], kernelErrors: ["tmpfs: Unknown parameter 'foo'"],
    message: "fsconfig() failed for $W/e: tmpfs: Unknown parameter 'foo'",
  });
  t.is(out.unknownParameter.error.flags, undefined, 'no mount(2) flags with the fd API');
  failure(t, out.badValue, { kind: 'mount', step: 'fsmount', syscall: 'fsconfig', code: 'EINVAL', errno: 22 });
  t.deepEqual(out.badValue.error.kernelMessages, ["e tmpfs: Bad value for 'size'"]);
  failure(t, out.unknownType, { kind: 'mount', step: 'fsmount', syscall: 'fsopen', code: 'ENODEV', errno: 19 });
  t.is(out.unknownType.fstype, 'bogusfs');
  t.is(out.unknownType.error.message, 'fsopen() failed: No such device');
  failure(t, out.missingTarget, { kind: 'mount', step: 'fsmount', syscall: 'move_mount', code: 'ENOENT', errno: 2 });
  t.is(out.missingTarget.error.target, '$W/missing');
  failure(t, out.bindMissingSource, { kind: 'bind', step: 'bind', syscall: 'open_tree', code: 'ENOENT', errno: 2 });
  t.like(out.bindMissingSource.error, { source: '$W/missing', target: '$W/b' });
  failure(t, out.remountNotMounted, { kind: 'remount', step: 'reconfigure', syscall: 'fspick', code: 'EINVAL', errno: 22 });
  failure(t, out.propagationNotMounted, { kind: 'propagation', step: 'propagate', syscall: 'mount_setattr', code: 'EINVAL', errno: 22 });
  t.deepEqual(out.mi, [], 'no failed request left a mount behind');
  t.deepEqual(r.leftLoops, []);
});

test.serial('[mount2] kernel errors: syscall mount, no kernel messages, the MS_* flags by name in the message', (t) => {
  const { out } = errors('mount2');
  t.is(out.uncaught, undefined);
  failure(t, out.unknownParameter, { kind: 'mount', step: 'fsmount', syscall: 'mount', code: 'EINVAL', errno: 22 });
  t.deepEqual(out.unknownParameter.error.kernelMessages, []);
  t.is(out.unknownParameter.error.flags, 0x2);
  t.regex(out.unknownParameter.error.message, /^mount\(\) failed for \S+: Invalid argument \(flags MS_NOSUID\)$/);
  failure(t, out.badValue, { kind: 'mount', step: 'fsmount', syscall: 'mount', code: 'EINVAL', errno: 22 });
  t.regex(out.badValue.error.message, /: Invalid argument \(flags 0\)$/);
  failure(t, out.unknownType, { kind: 'mount', step: 'fsmount', syscall: 'mount', code: 'ENODEV', errno: 19 });
  failure(t, out.bindMissingSource, { kind: 'bind', step: 'bind', syscall: 'mount', code: 'ENOENT', errno: 2 });
  t.is(out.bindMissingSource.error.flags, 0x1000 | 0x4000);
  t.regex(out.bindMissingSource.error.message, /: No such file or directory \(flags MS_BIND\|MS_REC\)$/);
  t.is(out.bindMissingSource.error.source, '$W/missing');
  failure(t, out.remountNotMounted, { kind: 'remount', step: 'reconfigure', syscall: 'mount', code: 'EINVAL', errno: 22 });
  t.regex(out.remountNotMounted.error.message, /^mount\(\) failed for \$W\/e: Invalid argument \(flags MS_RDONLY\|MS_REMOUNT\b/);
  failure(t, out.propagationNotMounted, { kind: 'propagation', step: 'propagate', syscall: 'mount', code: 'EINVAL', errno: 22 });
  t.is(out.propagationNotMounted.error.message, 'mount() failed for $W/e: Invalid argument (flags MS_PRIVATE)');
  t.deepEqual(out.mi, []);
});

// mount(2) is called on /proc/self/fd/N (the target pinned when it was checked); the error should
// still name the target the caller asked for, as the fd-based executor's errors do.
test('[mount2] MountError.target and message name the requested target, not the pinned /proc/self/fd/N', (t) => {
  const { out } = errors('mount2');
  t.is(out.unknownParameter.error.target, '$W/e');
  t.is(out.unknownParameter.error.message, 'mount() failed for $W/e: Invalid argument (flags MS_NOSUID)');
  t.is(out.bindMissingSource.error.target, '$W/b');
  t.is(out.bindMissingSource.error.message, 'mount() failed for $W/b: No such file or directory (flags MS_BIND|MS_REC)');
});

for (const executor of ['auto', 'mount2']) {
  test.serial(`[${executor}] UmountFailure and RequestError`, (t) => {
    const { out } = errors(executor);
    t.like(out.umountNotMounted, { class: 'UmountFailure', isUmountFailure: true, target: '$W/e', message: 'umount2() failed for $W/e: Invalid argument' });
    t.like(out.umountNotMounted.error, { class: 'MountError', syscall: 'umount2', code: 'EINVAL', errno: 22, target: '$W/e' });
    t.like(out.umountMissing.error, { syscall: 'umount2', code: 'ENOENT', errno: 2 });
    t.deepEqual(out.umountGraceful, [[], [], []], 'graceful: nothing mounted there is no error');
    t.like(out.byIdMissing, { class: 'RequestError', code: 'no-such-mount-id' });
    t.deepEqual(out.umountByIdGraceful, []);
    t.deepEqual(out.byId, { target: '$W/b', source: 'mc-byid' });
    t.deepEqual(out.umountById, ['$W/b']);
    const refused = (o, problem, spec) => {
      t.like(o, { class: 'RequestError', name: 'RequestError', isRequestError: true, isMountFailure: false, code: problem.code, spec });
      t.deepEqual(o.problem, problem);
    };
    refused(out.badOptionSyntax, { code: 'unsupported-option-format', options: '=x' }, undefined);
    // option errors name the target, as util-linux's "mount: TGT: failed to parse mount options ..." does
    refused(out.badMode, { code: 'bad-options', options: 'rw,X-mount.mode=abc' }, '$W/e');
    refused(out.unknownOwner, { code: 'bad-options', options: 'rw,X-mount.owner=no-such-user-here', errnoText: 'Invalid argument' }, '$W/e');
    refused(out.noSourceNotInFstab, { code: 'no-fstab-target', fstab: '/etc/fstab' }, '$W/e');
  });
}

test('MountError built directly: code from errno, flags by name, kernel errors first', (t) => {
  const e = new lib.MountError({ syscall: 'mount', errno: 16, source: 'src', target: '/t', flags: 0x1000 | 0x4000 | 0x1 });
  t.true(e instanceof Error);
  t.is(e.name, 'MountError');
  t.is(e.code, 'EBUSY');
  t.is(e.message, 'mount() failed for /t: Device or resource busy (flags MS_RDONLY|MS_BIND|MS_REC)');
  t.deepEqual(e.kernelMessages, []);
  const k = new lib.MountError({ syscall: 'fsconfig', errno: 22, kernelMessages: ['w tmpfs: a warning', 'e tmpfs: Bad value for \'size\''] });
  t.is(k.message, "fsconfig() failed: tmpfs: Bad value for 'size'");
  t.deepEqual(k.kernelErrors, ["tmpfs: Bad value for 'size'"]);
  t.is(new lib.MountError({ syscall: 'mount', errno: 22, flags: 0 }).message, 'mount() failed: Invalid argument (flags 0)');
  const u = new lib.RequestError({ code: 'tag-not-found', tag: 'LABEL=x' }, '/mnt');
  t.is(u.code, 'tag-not-found');
  t.is(u.name, 'RequestError');
  t.is(u.message, '/mnt: tag-not-found (tag="LABEL=x")');
});

// ---- pure parsers --------------------------------------------------------------------------------

test('parseOptions: quotes, \\, escapes, empty items, values with "="', (t) => {
  t.deepEqual(lib.parseOptions('ro,,size=1m,,'), [{ name: 'ro' }, { name: 'size', raw: '1m' }]);
  t.deepEqual(lib.parseOptions('context="a,b",x'), [{ name: 'context', raw: '"a,b"' }, { name: 'x' }]);
  t.deepEqual(lib.parseOptions('a=b=c'), [{ name: 'a', raw: 'b=c' }]);
  t.deepEqual(lib.parseOptions('a\\,b,c'), [{ name: 'a\\,b' }, { name: 'c' }]);
  t.deepEqual(lib.parseOptions('k='), [{ name: 'k', raw: '' }]);
  t.deepEqual(lib.parseOptions('X-mount.idmap=u:1:2:3 g:4:5:6'), [{ name: 'X-mount.idmap', raw: 'u:1:2:3 g:4:5:6' }]);
  t.deepEqual(lib.parseOptions('ok,a="b,c'), [{ name: 'ok' }], 'an unterminated quote drops the rest');
  t.deepEqual(lib.parseOptions(''), []);
  const e = t.throws(() => lib.parseOptions('ro,=x'), { instanceOf: lib.RequestError });
  t.deepEqual(e.problem, { code: 'unsupported-option-format', options: 'ro,=x' });
});

test('parseMountinfo: fields, optional fields, \\ooo escapes, the separator found by scanning', (t) => {
  const text = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro',
    '35 22 0:30 /sub /mnt/with\\040space rw,nosuid master:3 propagate_from:2 unbindable - tmpfs my\\011src rw,size=1024k',
    '36 22 0:31 / /mnt/x ro - tmpfs none ro',
    '',
  ].join('\n');
  const l = lib.parseMountinfo(text);
  t.is(l.length, 3);
  t.deepEqual(l[0], {
    id: 22, parent: 1, devno: '8:1', root: '/', target: '/', vfsOptions: 'rw,relatime', optional: ['shared:1'],
    fstype: 'ext4', source: '/dev/sda1', fsOptions: 'rw,errors=remount-ro',
  });
  t.like(l[1], { root: '/sub', target: '/mnt/with space', source: 'my\tsrc', optional: ['master:3', 'propagate_from:2', 'unbindable'] });
  t.deepEqual(l[2].optional, []);
  t.is(lib.propagationOf(l[0]), 'shared');
  t.is(lib.propagationOf(l[1]), 'private,slave,unbindable');
  t.is(lib.propagationOf(l[2]), 'private');
  t.is(lib.mergedOptions(l[1]), 'rw,nosuid,size=1024k');
  t.is(lib.mergedOptions(l[2]), 'ro');
  t.throws(() => lib.parseMountinfo('garbage line\n'));
  t.deepEqual(lib.parseMountinfo('garbage line\n36 22 0:31 / /mnt/x ro - tmpfs none ro\n', true).map((e) => e.id), [36]);
});

test('parseFstab: comments, blanks, \\040, optional freq/passno, broken lines reported, round trip', (t) => {
  const text = [
    '# comment',
    '',
    '   \t',
    'LABEL=root / ext4 defaults 0 1',
    'tmpfs /mnt/with\\040space tmpfs size=1m,mode=0700',
    'only two',
    'proc /proc proc',
    'a /b c d notanumber 0',
    'crlf /crlf tmpfs defaults 0 0\r',
  ].join('\n');
  const f = lib.parseFstab(text, '/some/fstab');
  t.deepEqual(f.entries.map((e) => [e.source, e.target, e.fstype, e.options, e.freq, e.passno, e.line]), [
    ['LABEL=root', '/', 'ext4', 'defaults', 0, 1, 4],
    ['tmpfs', '/mnt/with space', 'tmpfs', 'size=1m,mode=0700', 0, 0, 5],
    ['proc', '/proc', 'proc', '', 0, 0, 7],
    ['crlf', '/crlf', 'tmpfs', 'defaults', 0, 0, 9],
  ]);
  t.is(f.entries[0].file, '/some/fstab');
  t.deepEqual(f.errors, [{ file: '/some/fstab', line: 6 }, { file: '/some/fstab', line: 8 }]);
  const again = lib.parseFstab(f.entries.map((e) => lib.formatFstabEntry(e)).join('\n'));
  t.deepEqual(again.entries.map((e) => [e.source, e.target, e.fstype]), f.entries.map((e) => [e.source, e.target, e.fstype]));
  t.deepEqual(again.errors, []);
});

// ---- helpers: a failing /sbin/mount.TYPE throws (the commands exit with its status instead) -------

test('a failing mount helper throws HelperFailure with its program and status', (t) => {
  const { out } = runLib(`
fs.mkdirSync(D + '/h');
out.failing = err(() => lib.mount('src', D + '/h', 'tsmhelp'));
const e = (() => { try { lib.mount('src', D + '/h', 'tsmhelp'); } catch (x) { return x; } })();
out.fields = { isHelperFailure: e instanceof lib.HelperFailure, program: e.program, status: e.status, execFailed: e.execFailed, target: e.target };
out.ok = lib.mount('src', D + '/h', 'tsmhelpok').helperStatus;
`, {}, `${DEVICES_PRELUDE}
fake_helper mount.tsmhelp 3
fake_helper mount.tsmhelpok 0`);
  t.is(out.uncaught, undefined);
  t.like(out.fields, { isHelperFailure: true, program: '/sbin/mount.tsmhelp', status: 3, execFailed: false });
  t.true(out.fields.target.endsWith('/h'));
  t.is(out.failing.class, 'HelperFailure');
  t.is(out.ok, 0, 'a helper that succeeds returns a result');
});
