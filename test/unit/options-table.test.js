'use strict';
// The option table, entry by entry, against libmount's optmap.c (util-linux 2.42):
// class, MS_* flag, MOUNT_ATTR_* bit, inversion, negation, value rule, and the
// MNT_NOHLPS (noHelper) / MNT_NOMTAB (noUtab) masks.
const test = require('./ava');
const { lookupOption, allOptions } = require('../../dist/options/table');
const { MS, MOUNT_ATTR } = require('../../dist/sys/constants');

/** @typedef {import('../../dist/options/table').OptionClass} OptionClass */
/** @typedef {import('../../dist/options/table').ValueRule} ValueRule */
// name: [cls, ms, invert, attr, negation, noHelper, noUtab, value]
/** @type {Record<string, [OptionClass, number, boolean, number, string | undefined, boolean, boolean, ValueRule]>} */
const LINUX_MAP = {
  ro: ['rdonly', MS.RDONLY, false, MOUNT_ATTR.RDONLY, 'rw', false, false, 'optional'],
  rw: ['rdonly', MS.RDONLY, true, MOUNT_ATTR.RDONLY, 'ro', false, false, 'optional'],
  nosuid: ['vfs', MS.NOSUID, false, MOUNT_ATTR.NOSUID, 'suid', false, false, 'none'],
  suid: ['vfs', MS.NOSUID, true, MOUNT_ATTR.NOSUID, 'nosuid', false, false, 'none'],
  nodev: ['vfs', MS.NODEV, false, MOUNT_ATTR.NODEV, 'dev', false, false, 'none'],
  dev: ['vfs', MS.NODEV, true, MOUNT_ATTR.NODEV, 'nodev', false, false, 'none'],
  noexec: ['vfs', MS.NOEXEC, false, MOUNT_ATTR.NOEXEC, 'exec', false, false, 'none'],
  exec: ['vfs', MS.NOEXEC, true, MOUNT_ATTR.NOEXEC, 'noexec', false, false, 'none'],
  nosymfollow: ['vfs', MS.NOSYMFOLLOW, false, MOUNT_ATTR.NOSYMFOLLOW, 'symfollow', false, false, 'none'],
  symfollow: ['vfs', MS.NOSYMFOLLOW, true, MOUNT_ATTR.NOSYMFOLLOW, 'nosymfollow', false, false, 'none'],
  nodiratime: ['vfs', MS.NODIRATIME, false, MOUNT_ATTR.NODIRATIME, 'diratime', false, false, 'none'],
  diratime: ['vfs', MS.NODIRATIME, true, MOUNT_ATTR.NODIRATIME, 'nodiratime', false, false, 'none'],
  sync: ['superblock', MS.SYNCHRONOUS, false, 0, 'async', false, false, 'none'],
  async: ['superblock', MS.SYNCHRONOUS, true, 0, 'sync', false, false, 'none'],
  dirsync: ['superblock', MS.DIRSYNC, false, 0, undefined, false, false, 'none'],
  mand: ['superblock', MS.MANDLOCK, false, 0, 'nomand', false, false, 'none'],
  nomand: ['superblock', MS.MANDLOCK, true, 0, 'mand', false, false, 'none'],
  lazytime: ['superblock', MS.LAZYTIME, false, 0, 'nolazytime', false, false, 'none'],
  nolazytime: ['superblock', MS.LAZYTIME, true, 0, 'lazytime', false, false, 'none'],
  silent: ['ignored', MS.SILENT, false, 0, 'loud', false, false, 'none'],
  loud: ['ignored', MS.SILENT, true, 0, 'silent', false, false, 'none'],
  iversion: ['ignored', MS.I_VERSION, false, 0, 'noiversion', false, false, 'none'],
  noiversion: ['ignored', MS.I_VERSION, true, 0, 'iversion', false, false, 'none'],
  noatime: ['atime', MS.NOATIME, false, MOUNT_ATTR.NOATIME, 'atime', false, false, 'none'],
  atime: ['atime', MS.NOATIME, true, 0, 'noatime', false, false, 'none'],
  relatime: ['atime', MS.RELATIME, false, MOUNT_ATTR.RELATIME, 'norelatime', false, false, 'none'],
  norelatime: ['atime', MS.RELATIME, true, 0, 'relatime', false, false, 'none'],
  strictatime: ['atime', MS.STRICTATIME, false, MOUNT_ATTR.STRICTATIME, 'nostrictatime', false, false, 'none'],
  nostrictatime: ['atime', MS.STRICTATIME, true, 0, 'strictatime', false, false, 'none'],
  remount: ['operation', MS.REMOUNT, false, 0, undefined, false, true, 'none'],
  bind: ['operation', MS.BIND, false, 0, undefined, false, false, 'none'],
  rbind: ['operation', MS.BIND | MS.REC, false, 0, undefined, false, false, 'none'],
  move: ['operation', MS.MOVE, false, 0, undefined, true, true, 'none'],
  unbindable: ['propagation', MS.UNBINDABLE, false, 0, undefined, true, true, 'none'],
  runbindable: ['propagation', MS.UNBINDABLE | MS.REC, false, 0, undefined, true, true, 'none'],
  private: ['propagation', MS.PRIVATE, false, 0, undefined, true, true, 'none'],
  rprivate: ['propagation', MS.PRIVATE | MS.REC, false, 0, undefined, true, true, 'none'],
  slave: ['propagation', MS.SLAVE, false, 0, undefined, true, true, 'none'],
  rslave: ['propagation', MS.SLAVE | MS.REC, false, 0, undefined, true, true, 'none'],
  shared: ['propagation', MS.SHARED, false, 0, undefined, true, true, 'none'],
  rshared: ['propagation', MS.SHARED | MS.REC, false, 0, undefined, true, true, 'none'],
};

// name: [negation, noHelper, noUtab, value]   (all class 'userspace', ms 0, attr 0)
/** @type {Record<string, [string | undefined, boolean, boolean, ValueRule]>} */
const USERSPACE_MAP = {
  defaults: [undefined, true, true, 'none'], // id 0: never reaches utab
  noauto: ['auto', true, true, 'none'],
  auto: ['noauto', true, true, 'none'],
  user: ['nouser', false, false, 'optional'],
  nouser: ['user', false, true, 'none'],
  users: ['nousers', false, true, 'none'],
  nousers: ['users', false, true, 'none'],
  owner: ['noowner', false, true, 'none'],
  noowner: ['owner', false, true, 'none'],
  group: ['nogroup', false, true, 'none'],
  nogroup: ['group', false, true, 'none'],
  _netdev: [undefined, false, false, 'none'],
  comment: [undefined, true, true, 'required'],
  loop: [undefined, true, false, 'optional'],
  offset: [undefined, true, true, 'required'],
  sizelimit: [undefined, true, true, 'required'],
  encryption: [undefined, true, true, 'required'],
  nofail: [undefined, false, true, 'none'],
  uhelper: [undefined, false, false, 'required'],
  helper: [undefined, false, false, 'required'],
  'verity.hashdevice': [undefined, true, true, 'required'],
  'verity.roothash': [undefined, true, true, 'required'],
  'verity.hashoffset': [undefined, true, true, 'required'],
  'verity.roothashfile': [undefined, true, true, 'required'],
  'verity.fecdevice': [undefined, true, true, 'required'],
  'verity.fecoffset': [undefined, true, true, 'required'],
  'verity.fecroots': [undefined, true, true, 'required'],
  'verity.roothashsig': [undefined, true, true, 'required'],
  'verity.oncorruption': [undefined, true, true, 'required'],
};

// prefix entries: [noHelper, noUtab]
const PREFIXES = { 'x-': [true, false], 'X-': [true, true] };

// Options of the x-/X- families that mean something to a request: their own entries (with the
// setting they fill), behaving for helpers, utab and the merge exactly as their prefix entry.
/** @type {Record<string, keyof import('../../dist/options/setting-specs').MountSettings>} */
const MEANINGFUL = {
  'X-mount.mkdir': 'mkdir', 'x-mount.mkdir': 'mkdir', 'X-mount.owner': 'ownerUid', 'X-mount.group': 'ownerGid',
  'X-mount.mode': 'rootMode', 'X-mount.subdir': 'subdir', 'X-mount.idmap': 'idmap', 'X-mount.nocanonicalize': 'noCanonicalize',
  'X-mount.noloop': 'noLoop', 'X-mount.auto-fstypes': 'autoFstypes',
};

test('X-mount.* entries fill their setting and behave as the x-/X- prefix does', (t) => {
  for (const [name, field] of Object.entries(MEANINGFUL)) {
    const d = lookupOption(name);
    t.is(d.name, name);
    t.is(d.setting.field, field, name);
    const [noHelper, noUtab] = PREFIXES[name.slice(0, 2)];
    t.is(d.noHelper, noHelper, `${name} noHelper`);
    t.is(d.noUtab, noUtab, `${name} noUtab`);
    t.true(d.keepsAll, `${name}: every occurrence kept, the first read`);
  }
  t.is(lookupOption('loop').setting.field, 'loop');
  t.is(lookupOption('nofail').setting.field, 'nofail');
  t.is(lookupOption('helper').setting.field, 'helper');
  t.is(lookupOption('verity.roothash').setting.field, 'refused');
  t.is(lookupOption('encryption').setting.field, 'refused');
  t.is(lookupOption('X-mount.other'), lookupOption('X-'), 'other X-mount.* names are plain X- options');
});

test('the table holds exactly the util-linux names, nothing more, nothing less', (t) => {
  const names = allOptions().map((d) => d.name).sort();
  const expected = [...Object.keys(LINUX_MAP), ...Object.keys(USERSPACE_MAP), ...Object.keys(PREFIXES), ...Object.keys(MEANINGFUL)].sort();
  t.deepEqual(names, expected);
  t.is(new Set(names).size, names.length, 'no duplicate entries');
});

for (const [name, [cls, ms, invert, attr, negation, noHelper, noUtab, value]] of Object.entries(LINUX_MAP)) {
  test(`linux map: ${name}`, (t) => {
    const d = lookupOption(name);
    t.truthy(d, `${name} must be known`);
    t.is(d.name, name);
    t.is(d.cls, cls, 'class');
    t.is(d.ms, ms, 'MS_* flag');
    t.is(d.invert, invert, 'MNT_INVERT');
    t.is(d.attr, attr, 'MOUNT_ATTR_* bit');
    t.is(d.negation, negation, 'negation');
    t.is(d.noHelper, noHelper, 'MNT_NOHLPS');
    t.is(d.noUtab, noUtab, 'MNT_NOMTAB');
    t.is(d.value, value, 'value rule');
    t.false(d.prefix);
    if (negation) {
      const n = lookupOption(negation);
      t.is(n.negation, name, 'negation is symmetric');
      // (the undoing atime forms are groups of their own: they undo only their counterpart)
      if (cls !== 'atime') t.is(n.group, d.group, 'an option and its negation cancel each other (one group)');
      t.is(n.ms, d.ms, 'an option and its negation act on the same MS_* bit');
      if (cls !== 'atime') t.not(n.invert, d.invert, 'exactly one of the pair inverts');
    }
  });
}

for (const [name, [negation, noHelper, noUtab, value]] of Object.entries(USERSPACE_MAP)) {
  test(`userspace map: ${name}`, (t) => {
    const d = lookupOption(name);
    t.truthy(d, `${name} must be known`);
    t.is(d.cls, 'userspace');
    t.is(d.ms, 0, 'never an MS_* flag');
    t.is(d.attr, 0, 'never a MOUNT_ATTR_* bit');
    t.is(d.negation, negation, 'negation');
    t.is(d.noHelper, noHelper, 'MNT_NOHLPS');
    t.is(d.noUtab, noUtab, 'MNT_NOMTAB');
    t.is(d.value, value, 'value rule');
    t.false(d.prefix);
    if (negation) t.is(lookupOption(negation).group, d.group, 'an option and its negation share a group');
  });
}

for (const [prefix, [noHelper, noUtab]] of Object.entries(PREFIXES)) {
  test(`prefix entry ${prefix}`, (t) => {
    const d = allOptions().find((o) => o.name === prefix);
    t.truthy(d);
    t.true(d.prefix);
    t.is(d.cls, 'userspace');
    t.is(d.noHelper, noHelper);
    t.is(d.noUtab, noUtab);
    t.is(d.ms, 0);
  });
}

test('the choosing atime options share one group (last wins); the undoing ones and nodiratime are apart', (t) => {
  for (const n of ['noatime', 'relatime', 'strictatime']) t.is(lookupOption(n).group, 'atime', n);
  for (const n of ['atime', 'norelatime', 'nostrictatime']) t.not(lookupOption(n).group, 'atime', n);
  t.not(lookupOption('nodiratime').group, 'atime');
  t.not(lookupOption('lazytime').group, 'atime');
});

test('MOUNT_ATTR constants are the kernel values', (t) => {
  t.is(MOUNT_ATTR.RDONLY, 0x1);
  t.is(MOUNT_ATTR.NOSUID, 0x2);
  t.is(MOUNT_ATTR.NODEV, 0x4);
  t.is(MOUNT_ATTR.NOEXEC, 0x8);
  t.is(MOUNT_ATTR._ATIME, 0x70);
  t.is(MOUNT_ATTR.RELATIME, 0);
  t.is(MOUNT_ATTR.NOATIME, 0x10);
  t.is(MOUNT_ATTR.STRICTATIME, 0x20);
  t.is(MOUNT_ATTR.NODIRATIME, 0x80);
  t.is(MOUNT_ATTR.NOSYMFOLLOW, 0x200000);
  t.is(MS.BIND | MS.REC, 0x5000);
  t.is(MS.RELATIME, 1 << 21);
});

test('x- and X- are prefix matches, case-sensitive, and the full name is kept', (t) => {
  t.is(lookupOption('x-systemd.automount').name, 'x-');
  t.is(lookupOption('x-foo').noUtab, false, 'x-* is stored in utab');
  t.is(lookupOption('X-mount.foo').name, 'X-');
  t.is(lookupOption('X-mount.owner').noUtab, true, 'X-* is fstab-only');
  t.is(lookupOption('x-').name, 'x-', 'the bare prefix matches too');
  t.is(lookupOption('x'), undefined);
  t.is(lookupOption('X'), undefined);
  t.is(lookupOption('xfoo'), undefined, 'the dash is part of the prefix');
  t.is(lookupOption('y-foo'), undefined);
});

test('unknown names are filesystem options: lookup returns undefined', (t) => {
  for (const n of ['size', 'mode', 'uid', 'errors', 'lowerdir', 'context', 'discard', 'RO', 'Bind', 'noaTime',
    'sub', 'nosub', 'verity', 'verity.other', 'comment2', 'loops', 'nouid', '', 'defaults2', 'users=x']) {
    t.is(lookupOption(n), undefined, JSON.stringify(n));
  }
});

test('lookup is by name only: a value is never part of the name looked up', (t) => {
  // parse.ts splits "name=value"; the table knows names without '='.
  t.is(lookupOption('comment=foo'), undefined);
  t.truthy(lookupOption('comment'));
  t.is(lookupOption('x-foo=bar').name, 'x-', 'prefix entries match whatever follows');
});
