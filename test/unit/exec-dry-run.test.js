'use strict';
// The dry run: the real executors over the recording sys layer (sys/syscalls.ts recordCalls).
// Nothing here reaches the kernel: every call is recorded, fds are numbers from 3.
const test = require('./ava');
const { parseOptions } = require('../../dist/options/parse');
const { resolveOptions } = require('../../dist/options/resolve');
const { readSettings } = require('../../dist/options/settings');
const { planMount } = require('../../dist/plan/planner');
const { requestKind } = require('../../dist/plan/kind');
const { dryRunCalls } = require('../../dist/exec/dry-run');
const { recordCalls, isRecording, koffiLoaded } = require('../../dist/sys/syscalls');

const ids = { userId: () => 0, groupId: () => 0 };
/** @param {string} o @param {Partial<import('../../dist/plan/planner').PlanInput>} extra */
const plan = (o, extra) => {
  const options = resolveOptions(parseOptions(o));
  return planMount({ target: '/mnt/x', types: [], guessing: false, options, settings: readSettings(options.userspace, ids),
    kind: requestKind(options, extra.source, extra.types?.[0]), ...extra });
};

test('a tmpfs mount through the fd-based executor: the calls, fds numbered as a fresh process gets them', (t) => {
  t.deepEqual(dryRunCalls(plan('size=1m,nosuid', { source: 'x', types: ['tmpfs'] }), 'fd'), [
    'open("/mnt/x", O_PATH|O_CLOEXEC) = 3',
    'fsopen("tmpfs", FSOPEN_CLOEXEC) = 4',
    'fsconfig(4, FSCONFIG_SET_STRING, "source", "x", 0)',
    'fsconfig(4, FSCONFIG_SET_STRING, "size", "1m", 0)',
    'fsconfig(4, FSCONFIG_CMD_CREATE, NULL, NULL, 0)',
    'fsmount(4, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID) = 5',
    'move_mount(5, "", 3, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)',
    'close(5)',
    'close(4)',
    'close(3)',
  ]);
});

test('the same request through mount(2)', (t) => {
  t.deepEqual(dryRunCalls(plan('size=1m,nosuid', { source: 'x', types: ['tmpfs'] }), 'mount2'), [
    'open("/mnt/x", O_PATH|O_CLOEXEC) = 3',
    'mount("x", "/proc/self/fd/3", "tmpfs", MS_NOSUID, "size=1m")',
    'close(3)',
  ]);
});

test('a type list: every type it would try, a helper ends it; mkdir, owner and propagation recorded, not made', (t) => {
  const p = plan('X-mount.mkdir=0700,X-mount.mode=0750,shared', { source: 'x', types: ['foo', 'fuse.t', 'tmpfs'], guessing: true,
    listHelpers: { 'fuse.t': '/sbin/mount.fuse.t' } });
  const calls = dryRunCalls(p, 'fd');
  t.deepEqual(calls.slice(0, 2), ['mkdir("/mnt/x", 0700)  # and its missing parents', 'open("/mnt/x", O_PATH|O_CLOEXEC) = 3']);
  t.true(calls.includes('# on EINVAL or ENODEV, the next type:'));
  t.true(calls.includes('execve("/sbin/mount.fuse.t", ["/sbin/mount.fuse.t", "x", "/mnt/x", "-o", "rw"], {PATH=...})'));
  t.true(calls.includes('# the helper ends the list'));
  t.false(calls.some((c) => c.startsWith('fsopen("tmpfs"')), 'the helper ended the list');
  t.is(calls.at(-1), 'close(3)');
});

test('a bind of a read-only tree with mount(2): the second call carries the flags', (t) => {
  t.deepEqual(dryRunCalls(plan('bind,ro', { source: '/src' }), 'mount2'), [
    'open("/mnt/x", O_PATH|O_CLOEXEC) = 3',
    'mount("/src", "/proc/self/fd/3", NULL, MS_BIND, NULL)',
    'mount("none", "/mnt/x", NULL, MS_RDONLY|MS_REMOUNT|MS_BIND, NULL)',
    'close(3)',
  ]);
});

test('recording is scoped: nothing is recorded or loaded outside it', (t) => {
  const { result, calls } = recordCalls(() => isRecording());
  t.true(result);
  t.deepEqual(calls, []);
  t.false(isRecording());
  t.false(koffiLoaded(), 'a dry run never loads koffi');
});

test('overlay lowerdir= lists: layers split as overlayfs reads them (escapes, "::" data-only layers)', (t) => {
  const { splitLowerdir, layeredLowerdir } = require('../../dist/exec/overlay-layers');
  t.deepEqual(splitLowerdir('/a:/b\\:c:/d\\\\e::/data1::/data2'), [
    { key: 'lowerdir+', path: '/a' }, { key: 'lowerdir+', path: '/b:c' }, { key: 'lowerdir+', path: '/d\\e' },
    { key: 'datadir+', path: '/data1' }, { key: 'datadir+', path: '/data2' },
  ]);
  t.is(layeredLowerdir('overlay', 'lowerdir', '/a:/b'), undefined, 'a short list goes whole, as lowerdir=');
  t.is(layeredLowerdir('overlay', 'lowerdir', `/${'x'.repeat(300)}`).length, 1);
  t.is(layeredLowerdir('tmpfs', 'lowerdir', `/${'x'.repeat(300)}`), undefined);
});

test('a long overlay layer list in the dry run: one lowerdir+ per layer, no mount(2)', (t) => {
  const layers = Array.from({ length: 40 }, (_, i) => `/layers/a-rather-long-layer-directory-name-${i}`);
  const calls = dryRunCalls(plan(`lowerdir=${layers.join(':')},upperdir=/u,workdir=/w`, { source: 'ovl', types: ['overlay'] }), 'auto');
  t.is(calls.filter((c) => c.includes('"lowerdir+"')).length, 40);
  t.false(calls.some((c) => c.startsWith('mount(')));
});
