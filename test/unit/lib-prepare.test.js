'use strict';
// The prepared request (lib/prepare.ts): the stages' result for requests that need no device —
// the kind decided once, the settings the options ask for, fstab lookups, errors as codes. Targets
// are directories of a temp dir (prepare opens them O_PATH, nothing more; nothing is mounted).
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { prepare } = require('../../dist/lib/prepare');
const { Tables } = require('../../dist/lib/tables');
const { unpin } = require('../../dist/exec/pin');
const { RequestError } = require('../../dist/sys/error');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-prepare-'));
fs.mkdirSync(path.join(dir, 'm'));
fs.mkdirSync(path.join(dir, 'src'));
fs.symlinkSync('m', path.join(dir, 'link'));
const fstab = path.join(dir, 'fstab');
fs.writeFileSync(fstab, `fromtab ${dir}/m tmpfs size=2m,x-t=1,X-mount.mode=0711 0 0\n`);
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

/** @param {import('../../dist/lib/mount').MountRequest} req */
function prep(req) {
  const p = prepare(req, new Tables([fstab]));
  unpin(p.pin);
  return p;
}

test('a new tmpfs: kind mount, one type, the settings of its options, the target pinned and canonical', (t) => {
  const p = prep({ source: 'x', target: `${dir}/link`, types: 'tmpfs', options: 'size=1m,X-mount.owner=0,X-mount.mode=0750,nofail' });
  t.is(p.kind, 'mount');
  t.is(p.input.kind, 'mount');
  t.deepEqual(p.input.types, ['tmpfs']);
  t.is(p.input.target, `${dir}/m`, 'the symlink followed, as util-linux canonicalizes');
  t.deepEqual(p.input.settings, { ownerUid: 0, rootMode: 0o750, nofail: true });
  t.true(p.nofail);
  t.truthy(p.pin);
});

test('the kind is decided once, from the merged options', (t) => {
  t.is(prep({ source: `${dir}/src`, target: `${dir}/m`, options: 'bind' }).kind, 'bind');
  t.is(prep({ source: `${dir}/src`, target: `${dir}/m`, options: ['rbind', 'ro'] }).kind, 'bind');
  t.is(prep({ source: `${dir}/src`, target: `${dir}/m`, options: 'move' }).kind, 'move');
  t.is(prep({ target: `${dir}/m`, options: 'remount,ro' }).kind, 'remount');
  t.is(prep({ target: `${dir}/m`, options: 'shared' }).kind, 'propagation');
  t.is(prep({ source: 'x', target: `${dir}/m`, types: 'tmpfs', options: 'shared' }).kind, 'mount', 'a mount made shared is a mount');
});

test('fstab completes a target given alone; its options come first, the command line\'s after', (t) => {
  const p = prep({ target: `${dir}/m`, options: 'nosuid' });
  t.is(p.input.source, 'fromtab');
  t.deepEqual(p.input.types, ['tmpfs']);
  t.deepEqual(p.input.options.items.map((i) => i.name), ['size', 'x-t', 'X-mount.mode', 'nosuid']);
  t.is(p.input.settings.rootMode, 0o711);
});

test('refusals are codes with data, about the path as given', (t) => {
  const e1 = t.throws(() => prep({ target: `${dir}/src` }), { instanceOf: RequestError });
  t.deepEqual([e1.code, e1.spec], ['no-fstab-target', `${dir}/src`]);
  const e2 = t.throws(() => prep({ source: 'x', target: `${dir}/m`, types: 'tmpfs', options: 'X-mount.mode=9' }), { instanceOf: RequestError });
  t.deepEqual(e2.problem, { code: 'bad-options', options: 'rw,X-mount.mode=9' });
  const e3 = t.throws(() => prep({ source: 'x', target: `${dir}/m`, types: 'tmpfs', options: 'X-mount.owner=no-such-user-here' }), { instanceOf: RequestError });
  t.is(e3.problem.code === 'bad-options' && e3.problem.errnoText, 'Invalid argument');
  const e4 = t.throws(() => prep({ source: 'LABEL=no-such-label-anywhere', target: `${dir}/m`, types: 'ext2' }), { instanceOf: RequestError });
  t.deepEqual(e4.problem, { code: 'tag-not-found', tag: 'LABEL=no-such-label-anywhere' });
});

test('X-mount.nocanonicalize=target keeps the symlink itself as the target', (t) => {
  const p = prep({ source: 'x', target: `${dir}/link`, types: 'tmpfs', options: 'X-mount.nocanonicalize=target' });
  t.is(p.input.target, `${dir}/link`);
  t.true(p.targetNoFollow);
  t.deepEqual(p.input.settings.noCanonicalize, { source: false, target: true });
});
