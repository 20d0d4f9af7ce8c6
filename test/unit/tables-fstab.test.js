'use strict';
// fstab parsing as libmount's tab_parse.c does it. The expectations for the fixture files were
// checked against util-linux's own parser (`findmnt -F FILE`).
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseFstab, readFstab, formatFstabEntry, versionCompare } = require('../../dist/tables/fstab');
const { RequestError } = require('../../dist/sys/error');

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'fstab');
const VALID = path.join(FIX, 'valid.fstab');
const BROKEN = path.join(FIX, 'broken.fstab');
const DIR = path.join(FIX, 'fstab.d');

const row = (e) => [e.source, e.target, e.fstype, e.options, e.freq, e.passno, e.line];

test('valid.fstab: every entry, with escapes decoded and optional fields defaulted', (t) => {
  const tab = readFstab(VALID, true);
  t.deepEqual(tab.errors, []);
  t.deepEqual(tab.entries.map(row), [
    ['LABEL=root', '/', 'ext4', 'errors=remount-ro', 0, 1, 5], // tab separated
    ['/dev/vdb1', '/srv/my data', 'xfs', 'noatime,nodev', 0, 2, 6], // \040
    ['/dev/vdb2', '/srv/tab\tname', 'ext2', 'defaults', 1, 0, 7], // \011, passno missing
    ['/dev/vdb3', '/srv/new\nline', 'ext2', 'ro', 0, 0, 8], // \012, freq and passno missing
    ['/srv/back\\slash', '/mnt/bs', 'none', 'bind', 0, 0, 9], // \134
    ['tmpfs', '/tmp', 'tmpfs', 'size=64m,mode=1777', 0, 0, 10], // leading and repeated blanks
    ['proc', '/proc', 'proc', 'defaults', 0, 0, 11], // CRLF
    ['sysfs', '/sys', 'sysfs', 'nosuid,nodev,noexec', 0, 0, 12], // trailing "# comment" after field 6
    ['server:/export', '/mnt/nfs', 'nfs4', '_netdev,x-systemd.automount', 0, 0, 13], // junk after field 6 ignored
    ['UUID=0a1b-2c3d', '/boot/efi', 'vfat', 'umask=0077', 1, -2, 14], // signed numbers (strtol)
    ['x#y', '/odd#target', 't#y', 'o#p', 0, 0, 15], // '#' inside a field is not a comment
    ['overlay', '/merged', 'overlay', 'lowerdir=/a,b,upperdir=/u', 0, 0, 16], // \054 in options
    ['/dev/vdc', '/mnt/nul', 'ext4', 'defaults', 0, 0, 18], // \000 ends the field
    ['none', '/mnt/last', 'tmpfs', '', 0, 0, 19], // three fields only
  ]);
  for (const e of tab.entries) t.is(e.file, VALID);
});

test('broken.fstab: bad lines are reported with file and line and skipped, good ones kept', (t) => {
  const tab = readFstab(BROKEN, true);
  t.deepEqual(tab.errors, [2, 3, 5, 6, 7, 8, 12].map((line) => ({ file: BROKEN, line })));
  t.deepEqual(tab.entries.map(row), [
    ['/dev/vda2', '/ok1', 'ext4', 'defaults', 0, 0, 4],
    ['/dev/vda6', '/ok2', 'ext4', 'ro', 0, 2, 10],
    ['three', 'fields', 'here', '', 0, 0, 11], // any three words are an entry
  ]);
});

test('one and two field lines are errors', (t) => {
  t.deepEqual(parseFstab('bug\n', 'f').errors, [{ file: 'f', line: 1 }]);
  t.deepEqual(parseFstab('/dev/x /mnt\n', 'f').errors, [{ file: 'f', line: 1 }]);
  t.is(parseFstab('/dev/x /mnt\n', 'f').entries.length, 0);
});

test('non-numeric freq or passno is an error', (t) => {
  for (const l of ['a /b c d x', 'a /b c d 0 x', 'a /b c d 1x', 'a /b c d 0 2y', 'a /b c d 0x10 0', 'a /b c d # comment']) {
    const r = parseFstab(l + '\n', 'f');
    t.is(r.entries.length, 0, l);
    t.deepEqual(r.errors, [{ file: 'f', line: 1 }], l);
  }
});

test('comments and blank lines are skipped but still counted for line numbers', (t) => {
  const text = '# c1\n\n   \n\t# c2\na /b c\n';
  const r = parseFstab(text, 'x');
  t.deepEqual(r.errors, []);
  t.is(r.entries.length, 1);
  t.is(r.entries[0].line, 5);
});

test('no final newline, CRLF everywhere, empty text', (t) => {
  t.deepEqual(parseFstab('a /b c d 1 2', 'f').entries.map(row), [['a', '/b', 'c', 'd', 1, 2, 1]]);
  const crlf = parseFstab('# x\r\na /b c d 1 2\r\ne /f g\r\n', 'f');
  t.deepEqual(crlf.entries.map(row), [['a', '/b', 'c', 'd', 1, 2, 2], ['e', '/f', 'g', '', 0, 0, 3]]);
  t.deepEqual(parseFstab('', 'f'), { entries: [], errors: [] });
  t.deepEqual(parseFstab('\n\n', 'f'), { entries: [], errors: [] });
});

test('the default file name is /etc/fstab', (t) => {
  t.is(parseFstab('a /b c\n').entries[0].file, '/etc/fstab');
  t.is(parseFstab('bug\n').errors[0].file, '/etc/fstab');
});

test('a directory: *.fstab files in version order; dot-files, other names and subdirectories ignored', (t) => {
  const tab = readFstab(DIR, true);
  t.deepEqual(tab.entries.map((e) => [e.source, path.basename(e.file), e.line]), [
    ['/dev/d1', '1-first.fstab', 2],
    ['/dev/d2', '2-second.fstab', 1],
    ['/dev/d10', '10-late.fstab', 1],
  ]);
  t.deepEqual(tab.errors, [{ file: '2-second.fstab', line: 2 }], 'libmount names a directory\'s file by its own name');
});

test('readFstab: a missing default file is an empty table, a missing -T path throws', (t) => {
  const missing = path.join(os.tmpdir(), `tsmount-no-such-${process.pid}.fstab`);
  t.deepEqual(readFstab(missing, false), { entries: [], errors: [] });
  const e = t.throws(() => readFstab(missing, true), { instanceOf: RequestError });
  t.deepEqual(e.problem, { code: 'fstab-unreadable', file: missing });
  t.is(e.spec, missing);
});

test('readFstab: an empty directory gives an empty table', (t) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-fstab-'));
  try {
    t.deepEqual(readFstab(d, true), { entries: [], errors: [] });
  } finally {
    fs.rmSync(d, { recursive: true });
  }
});

test('versionCompare is strverscmp(3): digit runs by value, leading zeros first (checked against glibc)', (t) => {
  const names = ['10-a.fstab', '2-b.fstab', '1-c.fstab', 'b.fstab', 'a.fstab', 'a10.fstab', 'a9.fstab', '100.fstab',
    'a-1.fstab', 'a1.fstab', 'x.fstab', 'x1y.fstab', 'x1.fstab', '09.fstab', '9.fstab', '1.fstab', '01.fstab'];
  t.deepEqual(names.sort(versionCompare), ['01.fstab', '09.fstab', '1-c.fstab', '1.fstab', '2-b.fstab', '9.fstab',
    '10-a.fstab', '100.fstab', 'a-1.fstab', 'a.fstab', 'a1.fstab', 'a9.fstab', 'a10.fstab', 'b.fstab', 'x.fstab',
    'x1.fstab', 'x1y.fstab']);
  t.is(versionCompare('x', 'x'), 0);
  t.is(versionCompare('', ''), 0);
  t.true(versionCompare('x1', 'x') > 0);
  t.true(versionCompare('disk.fstab', 'disk2.fstab') < 0, "'.' sorts before a digit");
  t.true(versionCompare('000', '00') < 0);
  t.true(versionCompare('00', '01') < 0);
  t.true(versionCompare('01', '010') < 0);
  t.true(versionCompare('010', '09') < 0);
  t.true(versionCompare('09', '0') < 0);
  t.true(versionCompare('0', '1') < 0);
  t.true(versionCompare('9', '10') < 0);
});

test('formatFstabEntry escapes blanks, backslashes and #, and round-trips', (t) => {
  const entries = [
    { source: '/dev/sda1', target: '/', fstype: 'ext4', options: 'errors=remount-ro', freq: 0, passno: 1 },
    { source: 'LABEL=my disk', target: '/mnt/my data', fstype: 'ext4', options: 'X-mount.idmap=u:0:1000:1 g:0:1000:1', freq: 1, passno: 2 },
    { source: '#hash', target: '/mnt/tab\there', fstype: 'none', options: 'bind', freq: 0, passno: 0 },
    { source: '/src\\dir', target: '/mnt/new\nline', fstype: 'fuse.sshfs', options: 'x-a=#1', freq: 0, passno: 0 },
  ];
  for (const e of entries) {
    const line = formatFstabEntry(e);
    t.false(/[ \t]/.test(line.split(' ').join('')), 'no raw blanks inside fields');
    t.is(line.split(' ').length, 6);
    const back = parseFstab(line + '\n', 'rt');
    t.deepEqual(back.errors, []);
    const { file, line: ln, ...rest } = back.entries[0];
    t.deepEqual(rest, e);
  }
  t.is(formatFstabEntry(entries[1]), 'LABEL=my\\040disk /mnt/my\\040data ext4 X-mount.idmap=u:0:1000:1\\040g:0:1000:1 1 2');
  t.is(formatFstabEntry(entries[2]).split(' ')[0], '\\043hash', 'a leading # would make a comment line');
});

test('formatFstabEntry writes "defaults" for empty options and \\000 for an empty field', (t) => {
  const line = formatFstabEntry({ source: '', target: '/mnt', fstype: 'tmpfs', options: '', freq: 0, passno: 0 });
  t.is(line, '\\000 /mnt tmpfs defaults 0 0');
  const e = parseFstab(line).entries[0];
  t.is(e.source, '');
  t.is(e.options, 'defaults');
});
