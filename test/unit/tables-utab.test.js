'use strict';
// /run/mount/utab lines (libmount tab_parse.c mnt_parse_utab_line / tab_update.c fprintf_utab_fs).
const test = require('ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseUtab, formatUtabEntry, utabPath, readUtab, updateUtab } = require('../../dist/tables/utab');

test('parse a libmount-written line', (t) => {
  t.deepEqual(parseUtab('ID=65 SRC=tmpfs-a TARGET=/mnt/x/m3 ROOT=/ OPTS=x-foo=bar\n'), [
    { id: 65, source: 'tmpfs-a', target: '/mnt/x/m3', root: '/', options: 'x-foo=bar' },
  ]);
});

test('parse all fields, mangled values decoded', (t) => {
  const [e] = parseUtab('ID=7 SRC=/dev/my\\040disk TARGET=/mnt/a\\011b ROOT=/sub\\134dir BINDSRC=/src\\040dir '
    + 'ATTRS=foo=bar OPTS=user=bob,x-a=1\\0402\n');
  t.deepEqual(e, {
    id: 7, source: '/dev/my disk', target: '/mnt/a\tb', root: '/sub\\dir', bindSource: '/src dir', attrs: 'foo=bar',
    options: 'user=bob,x-a=1 2',
  });
});

test('old-style lines without ID are kept; comments, blank and empty lines skipped', (t) => {
  const text = '# comment\n\nSRC=/dev/sdb1 TARGET=/mnt/bar ROOT=/ OPTS=user\n   \n'
    + 'SRC=/dev/sda2 TARGET=/mnt/xyz ROOT=/ OPTS=loop=/dev/loop0,uhelper=hal\n';
  t.deepEqual(parseUtab(text), [
    { source: '/dev/sdb1', target: '/mnt/bar', root: '/', options: 'user' },
    { source: '/dev/sda2', target: '/mnt/xyz', root: '/', options: 'loop=/dev/loop0,uhelper=hal' },
  ]);
});

test('unknown keys and bare words are ignored; a line with neither ID nor TARGET is dropped', (t) => {
  t.deepEqual(parseUtab('ID=3 UNIQID=123456 FOO=bar junk TARGET=/t OPTS=_netdev\nSRC=only\n'), [
    { id: 3, target: '/t', options: '_netdev' },
  ]);
});

test('format writes ID SRC TARGET ROOT BINDSRC then options, mangling blanks and backslashes', (t) => {
  t.is(formatUtabEntry({ id: 65, source: 'tmpfs-a', target: '/mnt/x/m3', root: '/', options: 'x-foo=bar' }),
    'ID=65 SRC=tmpfs-a TARGET=/mnt/x/m3 ROOT=/ OPTS=x-foo=bar');
  const line = formatUtabEntry({ id: 9, source: 'a b', target: '/m\tn', root: '/r\\s', bindSource: '/b\nc', options: 'x-a=1 2', attrs: 'k' });
  t.false(/[\t\n]/.test(line));
  t.is(line.split(' ').length, 7, 'one blank between fields, none inside');
  t.true(line.startsWith('ID=9 SRC=a\\040b TARGET=/m\\011n ROOT=/r\\134s BINDSRC=/b\\012c '));
});

test('format leaves out absent and empty fields', (t) => {
  t.is(formatUtabEntry({ target: '/t' }), 'TARGET=/t');
  t.is(formatUtabEntry({ id: 1, target: '/t', options: '', attrs: '' }), 'ID=1 TARGET=/t');
});

test('parse(format(e)) round-trips', (t) => {
  const entries = [
    { id: 65, source: 'tmpfs', target: '/mnt/x', root: '/', options: 'x-foo=bar' },
    { id: 120, source: '/dev/loop0', target: '/mnt/with space', root: '/', options: 'loop=/dev/loop0,_netdev' },
    { id: 2, source: '/src dir', target: '/dst\\dir', root: '/sub\ndir', bindSource: '/src dir', options: 'user=me', attrs: 'a b' },
  ];
  const text = entries.map((e) => formatUtabEntry(e) + '\n').join('');
  t.deepEqual(parseUtab(text), entries);
});

test('utabPath honours LIBMOUNT_UTAB', (t) => {
  t.is(utabPath({}), '/run/mount/utab');
  t.is(utabPath({ LIBMOUNT_UTAB: '/tmp/u' }), '/tmp/u');
  t.is(utabPath({ LIBMOUNT_UTAB: '' }), '/run/mount/utab');
});

test('readUtab of a missing file is empty', (t) => {
  t.deepEqual(readUtab(path.join(os.tmpdir(), `tsmount-no-utab-${process.pid}`)), []);
});

test('updateUtab rewrites the file under the lock, creating the directory', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-utab-'));
  try {
    const file = path.join(dir, 'run', 'mount', 'utab');
    let locked = -1;
    updateUtab((list) => [...list, { id: 5, source: 's', target: '/t 1', root: '/', options: 'x-a' }], (fd) => { locked = fd; }, file);
    t.true(locked >= 0, 'the lock callback got an fd');
    t.true(fs.existsSync(`${file}.lock`));
    t.is(fs.readFileSync(file, 'utf8'), 'ID=5 SRC=s TARGET=/t\\0401 ROOT=/ OPTS=x-a\n');
    updateUtab((list) => [...list.filter((e) => e.id !== 5), { id: 6, target: '/u', options: '_netdev' }], () => {}, file);
    t.deepEqual(readUtab(file), [{ id: 6, target: '/u', options: '_netdev' }]);
    t.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['utab', 'utab.lock'], 'no temporary file left behind');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
