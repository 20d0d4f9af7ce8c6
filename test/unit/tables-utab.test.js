'use strict';
// /run/mount/utab lines (libmount tab_parse.c mnt_parse_utab_line / tab_update.c fprintf_utab_fs).
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { parseUtab, formatUtabEntry, utabPath, readUtab, updateUtab, UtabIndex, UtabUpdateError } = require('../../dist/tables/utab');

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
    { id: 3, uniqueId: 123456n, target: '/t', options: '_netdev' },
  ]);
});

test("util-linux 2.42's UNIQID written without its blank is read as master reads it", (t) => {
  t.deepEqual(parseUtab('ID=66 UNIQID=2147510357SRC=t TARGET=/a ROOT=/ OPTS=x-foo=1\n'), [
    { id: 66, uniqueId: 2147510357n, source: 't', target: '/a', root: '/', options: 'x-foo=1' },
  ]);
});

test('a number that does not parse spoils the line, as in libmount', (t) => {
  t.deepEqual(parseUtab('ID=NaN TARGET=/a\nID=4x TARGET=/b\nID=5 TARGET=/c\n'), [{ id: 5, target: '/c' }]);
});

test('format writes UNIQID after ID and ATTRS before OPTS, as util-linux master', (t) => {
  t.is(formatUtabEntry({ id: 1, uniqueId: 2147483649n, source: 's', target: '/t', root: '/', attrs: 'a', options: 'x-b' }),
    'ID=1 UNIQID=2147483649 SRC=s TARGET=/t ROOT=/ ATTRS=a OPTS=x-b');
});

test('LIBMOUNT_UTAB counts for root only', (t) => {
  t.is(utabPath({ LIBMOUNT_UTAB: '/tmp/u' }, true), '/tmp/u');
  t.is(utabPath({ LIBMOUNT_UTAB: '/tmp/u' }, false), '/run/mount/utab');
});

test('UtabIndex: an entry lends its options only to the mount with its ID on its target (and unique ID)', (t) => {
  const idx = new UtabIndex([
    { id: 5, target: '/a', options: 'x-a' },
    { id: 6, uniqueId: 100n, target: '/b', options: 'x-b' },
    { target: '/f', options: 'x-fake' },
  ]);
  t.is(idx.find(5, '/a')?.options, 'x-a');
  t.is(idx.find(5, '/elsewhere'), undefined, 'stale: the ID now names a mount somewhere else');
  t.is(idx.find(6, '/b', 100n)?.options, 'x-b');
  t.is(idx.find(6, '/b', 101n), undefined, 'stale: same ID and place, another mount');
  t.is(idx.find(6, '/b')?.options, 'x-b', 'unique ID unknown: ID and target decide');
  t.is(idx.find(9, '/f')?.options, 'x-fake', 'entries without ID by target');
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
  t.is(utabPath({}, true), '/run/mount/utab');
  t.is(utabPath({ LIBMOUNT_UTAB: '/tmp/u' }, true), '/tmp/u');
  t.is(utabPath({ LIBMOUNT_UTAB: '' }, true), '/run/mount/utab');
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
    t.deepEqual(fs.readdirSync(path.dirname(file)).sort(), ['utab', 'utab.event', 'utab.lock'], 'no temporary file left behind; utab.event for monitors');
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

function scratch(t, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-utab-'));
  try {
    fn(path.join(dir, 'utab'), dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("other tools' lines survive an update byte for byte, in their place: Latin-1 paths, lines we cannot parse", (t) => {
  scratch(t, (file) => {
    const latin1 = Buffer.concat([Buffer.from('ID=91 SRC=u TARGET=/mnt/caf'), Buffer.of(0xe9), Buffer.from(' ROOT=/ OPTS=x-ul=1\n')]);
    const original = Buffer.concat([Buffer.from('# intro\n'), latin1, Buffer.from('ID=NaN junk\nID=7 TARGET=/x OPTS=x-q\n')]);
    fs.writeFileSync(file, original);
    updateUtab((list) => [...list, { id: 8, source: 's', target: '/y', root: '/', options: 'x-n' }], () => {}, file);
    t.deepEqual(fs.readFileSync(file), Buffer.concat([original, Buffer.from('ID=8 SRC=s TARGET=/y ROOT=/ OPTS=x-n\n')]));
    updateUtab((list) => list.filter((e) => e.id !== 7), () => {}, file);
    t.deepEqual(fs.readFileSync(file), Buffer.concat([Buffer.from('# intro\n'), latin1, Buffer.from('ID=NaN junk\nID=8 SRC=s TARGET=/y ROOT=/ OPTS=x-n\n')]));
    const [e] = readUtab(file);
    t.deepEqual(Buffer.from(e.target.replace(/[\udc80-\udcff]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xdc00)), 'latin1'),
      Buffer.concat([Buffer.from('/mnt/caf'), Buffer.of(0xe9)]), 'the path read keeps its byte');
  });
});

test('the temporary file is created exclusively under an unpredictable name: a planted symlink is never followed', (t) => {
  scratch(t, (file, dir) => {
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'precious\n');
    // What an attacker who can write the directory plants: the old predictable names, and a lock symlink.
    for (const n of [`utab.${process.pid}.tmp`, 'utab.tmp', 'utab.XXXXXX']) fs.symlinkSync(victim, path.join(dir, n));
    updateUtab((list) => [...list, { id: 1, target: '/t' }], () => {}, file);
    t.is(fs.readFileSync(victim, 'utf8'), 'precious\n');
    t.is(fs.readFileSync(file, 'utf8'), 'ID=1 TARGET=/t\n');
    t.false(fs.lstatSync(file).isSymbolicLink());
    t.is(fs.statSync(file).mode & 0o777, 0o644);
    fs.rmSync(`${file}.lock`);
    fs.symlinkSync(victim, `${file}.lock`);
    const err = t.throws(() => updateUtab((list) => [...list, { id: 2, target: '/u' }], () => {}, file), { instanceOf: UtabUpdateError });
    t.is(err.stage, 'lock');
    t.is(fs.readFileSync(file, 'utf8'), 'ID=1 TARGET=/t\n', 'utab as it was');
  });
});

test('a failed write leaves utab as it was and no temporary file', (t) => {
  scratch(t, (file, dir) => {
    fs.writeFileSync(file, 'ID=1 TARGET=/t\n');
    const err = t.throws(() => updateUtab(() => { throw new UtabUpdateError('write', 'ENOSPC', file); }, () => {}, file), { instanceOf: UtabUpdateError });
    t.is(err.errno, 'ENOSPC');
    t.is(fs.readFileSync(file, 'utf8'), 'ID=1 TARGET=/t\n');
    t.deepEqual(fs.readdirSync(dir).sort(), ['utab', 'utab.lock']);
  });
});
