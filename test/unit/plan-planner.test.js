'use strict';
// The pure planner: request + resolved options -> ordered steps.
const test = require('./ava');
const { parseOptions } = require('../../dist/options/parse');
const { resolveOptions } = require('../../dist/options/resolve');
const { planMount, dataOptions, dataString } = require('../../dist/plan/planner');
const { requestKind } = require('../../dist/plan/kind');
const { readSettings } = require('../../dist/options/settings');
const { MS, MOUNT_ATTR } = require('../../dist/sys/constants');

const opts = (s) => resolveOptions(parseOptions(s));
// Numeric names only: the planner's tests read no /etc/passwd.
const ids = { userId: (n) => (/^[0-9]+$/.test(n) ? Number(n) : undefined), groupId: (n) => (/^[0-9]+$/.test(n) ? Number(n) : undefined) };
/** @typedef {import('../../dist/plan/types').Step} Step */
/**
 * Any step's fields, for reading the steps a test just planned without narrowing each one.
 * @typedef {{ op: Step['op'] } & Partial<Omit<import('../../dist/plan/types').LoopStep, 'op'>>
 *   & Partial<Omit<import('../../dist/plan/types').FsMountStep, 'op'>> & Partial<Omit<import('../../dist/plan/types').BindStep, 'op'>>
 *   & Partial<Omit<import('../../dist/plan/types').MoveStep, 'op'>> & Partial<Omit<import('../../dist/plan/types').ReconfigureStep, 'op'>>
 *   & Partial<Omit<import('../../dist/plan/types').PropagateStep, 'op'>> & Partial<Omit<import('../../dist/plan/types').HelperStep, 'op'>>
 *   & Partial<Omit<import('../../dist/plan/types').MkdirStep, 'op'>> & Partial<Omit<import('../../dist/plan/types').OwnerStep, 'op'>>} AnyStep
 */
/**
 * A plan as prepare() would ask for it: the kind decided from the options, the settings read from them.
 * @param {string} o the options
 * @param {Partial<import('../../dist/plan/planner').PlanInput>} [extra]
 * @returns {Omit<import('../../dist/plan/types').Plan, 'steps'> & { steps: AnyStep[] }}
 */
const plan = (o, extra = {}) => {
  const options = opts(o);
  return planMount({ target: '/mnt/x', types: [], guessing: false, options, kind: requestKind(options, extra.source, extra.types?.[0]),
    settings: readSettings(options.userspace, ids), ...extra });
};
const ops = (p) => p.steps.map((s) => s.op);

// ---- a new filesystem ------------------------------------------------------

test('new tmpfs mount: one fsmount step with data, attrs and flags', (t) => {
  const p = plan('size=1m,mode=0700,nosuid,nodev,noatime,x-foo=bar,noauto', { source: 'tmpfs', types: ['tmpfs'] });
  t.is(p.kind, 'mount');
  t.is(p.source, 'tmpfs');
  t.is(p.target, '/mnt/x');
  t.deepEqual(p.steps, [{
    op: 'fsmount', types: ['tmpfs'], guessing: false, source: 'tmpfs', sourceFromLoop: false, target: '/mnt/x',
    data: [{ key: 'size', value: '1m' }, { key: 'mode', value: '0700' }], sbFlags: [], sbReadOnly: false,
    attrSet: MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOATIME, attrClr: MOUNT_ATTR._ATIME,
    recursiveSet: 0, recursiveClr: 0, msFlags: MS.NOSUID | MS.NODEV | MS.NOATIME, dataString: 'size=1m,mode=0700',
    exclusive: false, beneath: false, roFallback: true,
  }]);
  t.is(p.utabOptions, 'x-foo=bar');
});

test('new mount: ro, superblock flags, read-only fallback rules', (t) => {
  const ro = plan('ro,sync,lazytime', { source: '/dev/sdb1', types: ['ext4'] }).steps[0];
  t.true(ro.sbReadOnly);
  t.deepEqual(ro.sbFlags, ['sync', 'lazytime']);
  t.is(ro.attrSet, MOUNT_ATTR.RDONLY);
  t.is(ro.msFlags, MS.RDONLY | MS.SYNCHRONOUS | MS.LAZYTIME);
  t.false(ro.roFallback, 'already read-only');
  t.true(plan('', { source: '/dev/sdb1', types: ['ext4'] }).steps[0].roFallback);
  t.false(plan('', { source: '/dev/sdb1', types: ['ext4'], rwOnly: true }).steps[0].roFallback, '-w forbids the fallback');
  const vfs = plan('ro=vfs', { source: 'x', types: ['tmpfs'] }).steps[0];
  t.false(vfs.sbReadOnly);
  t.is(vfs.attrSet & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
  const sb = plan('ro=fs', { source: 'x', types: ['tmpfs'] }).steps[0];
  t.true(sb.sbReadOnly);
  t.is(sb.attrSet & MOUNT_ATTR.RDONLY, 0);
});

test('new mount: guessed type lists, exclusive, beneath', (t) => {
  const s = plan('', { source: '/dev/sdc', types: ['ext4', 'xfs', 'vfat'], guessing: true, exclusive: true, beneath: true }).steps[0];
  t.deepEqual(s.types, ['ext4', 'xfs', 'vfat']);
  t.true(s.guessing);
  t.true(s.exclusive);
  t.true(s.beneath);
});

test('new mount: quoted values reach the filesystem unquoted, mount(2) data re-quotes commas', (t) => {
  const s = plan('context="system_u:object_r:tmp_t:s0:c1,c2",lowerdir=/a\\,b,foo=,bar', { source: 'x', types: ['tmpfs'] }).steps[0];
  t.deepEqual(s.data, [
    { key: 'context', value: 'system_u:object_r:tmp_t:s0:c1,c2' }, { key: 'lowerdir', value: '/a,b' },
    { key: 'foo', value: '' }, { key: 'bar', value: undefined },
  ]);
  t.is(s.dataString, 'context="system_u:object_r:tmp_t:s0:c1,c2",lowerdir="/a,b",foo=,bar');
});

test('dataOptions and dataString directly', (t) => {
  const d = dataOptions(parseOptions('a=1,b,c="x,y",d='));
  t.deepEqual(d, [{ key: 'a', value: '1' }, { key: 'b', value: undefined }, { key: 'c', value: 'x,y' }, { key: 'd', value: '' }]);
  t.is(dataString(d), 'a=1,b,c="x,y",d=');
  t.is(dataString([]), '');
});

test('new mount with propagation: propagate steps after the mount, in order', (t) => {
  const p = plan('shared,runbindable', { source: 'tmpfs', types: ['tmpfs'] });
  t.deepEqual(ops(p), ['fsmount', 'propagate', 'propagate']);
  t.deepEqual(p.steps.slice(1), [
    { op: 'propagate', target: '/mnt/x', flags: MS.SHARED },
    { op: 'propagate', target: '/mnt/x', flags: MS.UNBINDABLE | MS.REC },
  ]);
  t.is(p.kind, 'mount');
  t.is(p.utabOptions, '', 'propagation is never stored in utab');
});

test('-n: no utab options', (t) => {
  t.is(plan('x-foo', { source: 'tmpfs', types: ['tmpfs'], noMtab: true }).utabOptions, '');
});

// ---- loop, mkdir, owner ----------------------------------------------------

test('loop: a loop step first, then fsmount takes its device', (t) => {
  const p = plan('loop,offset=512', { source: '/img/disk.img', types: ['ext4'], loop: { offset: 512, sizelimit: 4096 } });
  t.deepEqual(ops(p), ['loop', 'fsmount']);
  t.deepEqual(p.steps[0], { op: 'loop', file: '/img/disk.img', offset: 512, sizelimit: 4096, readOnly: false, device: undefined });
  t.true(p.steps[1].sourceFromLoop);
  t.deepEqual(p.steps[1].data, [], 'loop options never reach the filesystem');
  const ro = plan('ro,loop=/dev/loop7', { source: '/img/x.img', types: ['ext2'], loop: { offset: 0, sizelimit: 0, device: '/dev/loop7' } });
  t.true(ro.steps[0].readOnly);
  t.is(ro.steps[0].device, '/dev/loop7');
  t.is(ro.utabOptions, '', 'loop= is not kept for an autoclear device');
});

test('X-mount.mkdir: a mkdir step comes first', (t) => {
  const p = plan('X-mount.mkdir=0700', { source: 'tmpfs', types: ['tmpfs'] });
  t.deepEqual(ops(p), ['mkdir', 'fsmount']);
  t.deepEqual(p.steps[0], { op: 'mkdir', path: '/mnt/x', mode: 0o700 });
  t.is(p.utabOptions, '', 'X-* is not stored in utab');
  t.deepEqual(ops(plan('bind,X-mount.mkdir', { source: '/src' })), ['mkdir', 'bind']);
  t.deepEqual(plan('bind,X-mount.mkdir', { source: '/src' }).steps[0].mode, 0o755, 'the default mode');
  t.deepEqual(plan('x-mount.mkdir=0711,X-mount.mkdir=0700', { source: 'tmpfs', types: ['tmpfs'] }).steps[0].mode, 0o700,
    'X-mount.mkdir wins over the deprecated x- spelling wherever it is');
  t.deepEqual(ops(plan('shared,X-mount.mkdir', {})), ['propagate'], 'a propagation change creates nothing');
  t.deepEqual(ops(plan('', { source: 'tmpfs', types: ['tmpfs'] })), ['fsmount'], 'no mkdir unless asked');
});

test('X-mount.owner/group/mode: an owner step comes last, after propagation', (t) => {
  const p = plan('private,X-mount.owner=1000,X-mount.group=100,X-mount.mode=0750', { source: 'tmpfs', types: ['tmpfs'] });
  t.deepEqual(ops(p), ['fsmount', 'propagate', 'owner']);
  t.deepEqual(p.steps[2], { op: 'owner', target: '/mnt/x', uid: 1000, gid: 100, mode: 0o750 });
  t.deepEqual(ops(plan('', { source: 'tmpfs', types: ['tmpfs'] })), ['fsmount'], 'nothing to change, no step');
  const b = plan('bind,X-mount.mode=1777', { source: '/src' });
  t.deepEqual(ops(b), ['bind', 'owner']);
  t.deepEqual(b.steps[1], { op: 'owner', target: '/mnt/x', uid: undefined, gid: undefined, mode: 0o1777 });
});

test('mkdir, loop, fsmount, propagate, owner all together keep that order', (t) => {
  const p = plan('rslave,X-mount.mkdir,X-mount.owner=0', { source: '/img', types: ['ext4'], loop: { offset: 0, sizelimit: 0 } });
  t.deepEqual(ops(p), ['mkdir', 'loop', 'fsmount', 'propagate', 'owner']);
});

// ---- bind --------------------------------------------------------------------

test('bind: one bind step, not recursive, no attrs', (t) => {
  const p = plan('bind', { source: '/srv/data' });
  t.is(p.kind, 'bind');
  t.deepEqual(p.steps, [{
    op: 'bind', source: '/srv/data', target: '/mnt/x', recursive: false, attrSet: 0, attrClr: 0,
    recursiveSet: 0, recursiveClr: 0, msFlags: 0, beneath: false,
  }]);
  t.is(p.utabOptions, '');
});

test('bind,ro,nosuid: flags applied to the detached tree in the same step', (t) => {
  const [s] = plan('bind,ro,nosuid', { source: '/srv/data' }).steps;
  t.is(s.op, 'bind');
  t.is(s.attrSet, MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID);
  t.is(s.msFlags, MS.RDONLY | MS.NOSUID, 'per-mount MS flags for the legacy second mount(2)');
});

test('bind: superblock and ignored flags never reach the per-mount MS flags', (t) => {
  const [s] = plan('bind,sync,silent,noexec', { source: '/a' }).steps;
  t.is(s.msFlags, MS.NOEXEC);
});

test('rbind,ro=recursive,noexec: recursive clone, RDONLY recursively, NOEXEC on the top', (t) => {
  const p = plan('rbind,ro=recursive,noexec', { source: '/srv' });
  t.is(p.kind, 'bind');
  const [s] = p.steps;
  t.true(s.recursive);
  t.is(s.recursiveSet, MOUNT_ATTR.RDONLY);
  t.is(s.attrSet & MOUNT_ATTR.NOEXEC, MOUNT_ATTR.NOEXEC);
  t.is(s.recursiveSet & MOUNT_ATTR.NOEXEC, 0);
});

test('bind with x- options records them in utab; with --beneath and propagation', (t) => {
  const p = plan('bind,x-keep,private', { source: '/a', beneath: true });
  t.is(p.utabOptions, 'x-keep');
  t.true(p.steps[0].beneath);
  t.deepEqual(ops(p), ['bind', 'propagate']);
});

// ---- move ------------------------------------------------------------------

test('move: a move step, nothing in utab', (t) => {
  const p = plan('move,x-ignored', { source: '/mnt/old' });
  t.is(p.kind, 'move');
  t.deepEqual(p.steps, [{ op: 'move', source: '/mnt/old', target: '/mnt/x', beneath: false, attrSet: 0, attrClr: 0 }]);
  t.is(p.utabOptions, '');
  t.deepEqual(ops(plan('move,shared', { source: '/mnt/old' })), ['move', 'propagate']);
});

// ---- remount ---------------------------------------------------------------

test('remount: a reconfigure step re-sending fs data, with superblock ro', (t) => {
  const p = plan('rw,nosuid,relatime,size=1024k,mode=755,remount,ro,size=2m', { source: 'tmpfs', fstype: 'tmpfs' });
  t.is(p.kind, 'remount');
  t.deepEqual(p.steps, [{
    op: 'reconfigure', source: 'tmpfs', target: '/mnt/x', fstype: 'tmpfs',
    data: [{ key: 'size', value: '1024k' }, { key: 'mode', value: '755' }, { key: 'size', value: '2m' }],
    sbFlags: [], sbReadOnly: true, attrSet: MOUNT_ATTR.NOSUID | MOUNT_ATTR.RDONLY, attrClr: MOUNT_ATTR._ATIME,
    recursiveSet: 0, recursiveClr: 0, msFlags: MS.RDONLY | MS.NOSUID | MS.RELATIME,
    dataString: 'size=1024k,mode=755,size=2m',
  }]);
});

test('remount,rw: superblock rw, RDONLY cleared', (t) => {
  const [s] = plan('remount,rw').steps;
  t.is(s.op, 'reconfigure');
  t.false(s.sbReadOnly);
  t.is(s.attrClr & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
  t.deepEqual(s.data, []);
  t.is(s.dataString, '');
});

test('remount,ro=vfs only touches the mount; remount,ro=fs only the superblock', (t) => {
  const [v] = plan('remount,ro=vfs').steps;
  t.false(v.sbReadOnly);
  t.is(v.attrSet & MOUNT_ATTR.RDONLY, MOUNT_ATTR.RDONLY);
  const [f] = plan('remount,ro=fs').steps;
  t.true(f.sbReadOnly);
  t.is(f.attrSet & MOUNT_ATTR.RDONLY, 0);
});

test('remount keeps utab options', (t) => {
  t.is(plan('remount,x-a=1,_netdev').utabOptions, 'x-a=1,_netdev');
});

test('remount,bind: a setattr step only (no superblock change)', (t) => {
  const p = plan('remount,bind,ro,nodev,sync,size=1m');
  t.is(p.kind, 'remount');
  t.deepEqual(p.steps, [{
    op: 'setattr', target: '/mnt/x', attrSet: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NODEV, attrClr: 0, recursiveSet: 0,
    recursiveClr: 0, msFlags: MS.RDONLY | MS.NODEV,
  }]);
});

test('remount,bind with a recursive flag', (t) => {
  const [s] = plan('remount,bind,nosuid=recursive').steps;
  t.is(s.recursiveSet, MOUNT_ATTR.NOSUID);
  t.is(s.attrSet, 0);
});

test('remount with propagation', (t) => {
  t.deepEqual(ops(plan('remount,ro,shared')), ['reconfigure', 'propagate']);
});

// ---- propagation only ------------------------------------------------------

test('propagation only: one step per flag, in order', (t) => {
  const p = plan('slave,unbindable');
  t.is(p.kind, 'propagation');
  t.is(p.target, '/mnt/x');
  t.deepEqual(p.steps, [
    { op: 'propagate', target: '/mnt/x', flags: MS.SLAVE },
    { op: 'propagate', target: '/mnt/x', flags: MS.UNBINDABLE },
  ]);
  t.is(p.utabOptions, '');
});

test('propagation only also with source "none"; r-forms carry MS_REC', (t) => {
  const p = plan('rprivate', { source: 'none' });
  t.is(p.kind, 'propagation');
  t.deepEqual(p.steps, [{ op: 'propagate', target: '/mnt/x', flags: MS.PRIVATE | MS.REC }]);
});

test('propagation with a real source and type is a mount, not propagation only', (t) => {
  const p = plan('shared', { source: 'tp', types: ['tmpfs'] });
  t.is(p.kind, 'mount');
  t.deepEqual(ops(p), ['fsmount', 'propagate']);
});

// ---- helpers -----------------------------------------------------------------

test('helper argv: SOURCE TARGET -o OPTS, options start with rw/ro and drop NOHLPS options', (t) => {
  const p = plan('noauto,x-foo,comment=c,user,_netdev,vers=4.2,defaults,nofail', {
    source: 'srv:/export', types: ['nfs4'], helper: '/sbin/mount.nfs4', helperType: 'nfs4',
  });
  t.is(p.kind, 'helper');
  t.deepEqual(p.steps, [{
    op: 'helper', program: '/sbin/mount.nfs4',
    argv: ['srv:/export', '/mnt/x', '-o', 'rw,user,noexec,nosuid,nodev,_netdev,vers=4.2,nofail'],
  }]);
  // Recorded after the helper only where its own entry lacks them (util-linux 2.40+).
  t.is(p.utabOptions, 'x-foo,user,_netdev');
});

test('helper argv: -s -f -n -v in that order, before -o', (t) => {
  const [s] = plan('ro', {
    source: 'src', types: ['cifs'], helper: '/sbin/mount.cifs', helperType: 'cifs', sloppy: true, fake: true, noMtab: true, verbose: true,
  }).steps;
  t.deepEqual(s.argv, ['src', '/mnt/x', '-s', '-f', '-n', '-v', '-o', 'ro']);
  const [v] = plan('', { source: 'src', types: ['cifs'], helper: '/sbin/mount.cifs', helperType: 'cifs', verbose: true }).steps;
  t.deepEqual(v.argv, ['src', '/mnt/x', '-v', '-o', 'rw']);
});

test('helper argv: -t TYPE only for a dotted type whose helper path does not end with it', (t) => {
  const sub = plan('', { source: 'src3', types: ['fuse.other'], helper: '/sbin/mount.fuse', helperType: 'fuse.other' }).steps[0];
  t.deepEqual(sub.argv, ['src3', '/mnt/x', '-o', 'rw', '-t', 'fuse.other']);
  const exact = plan('allow_other', { source: 'src2', types: ['fuse.ulxsub'], helper: '/sbin/mount.fuse.ulxsub', helperType: 'fuse.ulxsub' }).steps[0];
  t.deepEqual(exact.argv, ['src2', '/mnt/x', '-o', 'rw,allow_other']);
  const plain = plan('', { source: 's', types: ['nfs'], helper: '/sbin/fs.d/mount.nfs', helperType: 'nfs' }).steps[0];
  t.false(plain.argv.includes('-t'), 'no dot, no -t');
  const other = plan('', { source: 's', types: ['nfs4'], helper: '/sbin/mount.nfs', helperType: 'nfs4' }).steps[0];
  t.false(other.argv.includes('-t'), 'no dot, no -t, even when the helper name differs');
  const parent = plan('', { source: 's', types: ['fuse.sshfs'], helper: '/sbin/fs.d/mount.fuse', helperType: 'fuse.sshfs' }).steps[0];
  t.deepEqual(parent.argv.slice(-2), ['-t', 'fuse.sshfs']);
});

test('helper: a missing source becomes "none"; propagation is applied after the helper', (t) => {
  const p = plan('rshared', { types: ['fuse.x'], helper: '/sbin/mount.fuse.x', helperType: 'fuse.x' });
  t.deepEqual(p.steps[0].argv, ['none', '/mnt/x', '-o', 'rw']);
  t.deepEqual(ops(p), ['helper', 'propagate']);
  t.is(p.steps[1].flags, MS.SHARED | MS.REC);
});

test('helper: loop, propagation and X-/x- options never reach the helper', (t) => {
  const s = plan('loop=/dev/loop0,offset=1,X-mount.mkdir,x-a,shared,ro,uid=0', {
    source: 's', types: ['fuse.t'], helper: '/sbin/mount.fuse.t', helperType: 'fuse.t',
  }).steps.find((st) => st.op === 'helper');
  t.deepEqual(s.argv, ['s', '/mnt/x', '-o', 'ro,uid=0']);
});
