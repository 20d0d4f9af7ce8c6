'use strict';
// /proc/self/mountinfo parsing and the MountTable indexes. fixtures/mountinfo/tree.txt was
// checked against util-linux (`findmnt -F fixtures/mountinfo/tree.txt`).
const test = require('./ava');
const path = require('path');
const fs = require('fs');
const { parseMountinfo, mountinfoNewestFirst, MountTable, MountinfoParseError, mergedOptions, propagationOf } = require('../../dist/tables/mountinfo');

const FIX = path.join(__dirname, '..', '..', 'fixtures', 'mountinfo');
const TREE = path.join(FIX, 'tree.txt');
const MALFORMED = path.join(FIX, 'malformed.txt');
const treeText = fs.readFileSync(TREE, 'utf8');
const table = () => new MountTable(parseMountinfo(treeText));

test('every field of a plain line', (t) => {
  const [e] = parseMountinfo('24 21 0:5 / /dev rw,nosuid,relatime shared:3 - devtmpfs udev rw,size=4000k,mode=755\n');
  t.deepEqual(e, {
    id: 24, parent: 21, devno: '0:5', root: '/', target: '/dev', vfsOptions: 'rw,nosuid,relatime',
    optional: ['shared:3'], fstype: 'devtmpfs', source: 'udev', fsOptions: 'rw,size=4000k,mode=755',
  });
});

test('the fixture parses completely, in order', (t) => {
  const list = parseMountinfo(treeText);
  t.is(list.length, 16);
  t.deepEqual(list.map((e) => e.id), [21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36]);
});

test('\\ooo escapes in root, target, source and options are decoded', (t) => {
  const byId = new Map(parseMountinfo(treeText).map((e) => [e.id, e]));
  t.is(byId.get(26).target, '/mnt/my dir');
  t.is(byId.get(26).source, 'my src');
  t.is(byId.get(27).target, '/mnt/tab\tand\nnl\\bs');
  t.is(byId.get(36).fsOptions, 'rw,lowerdir=/low er,upperdir=/up');
  const [r] = parseMountinfo('40 21 8:1 /with\\040space /mnt/r rw - ext4 /dev/sda1 rw\n');
  t.is(r.root, '/with space');
});

test('optional fields: none, one, several', (t) => {
  const byId = new Map(parseMountinfo(treeText).map((e) => [e.id, e]));
  t.deepEqual(byId.get(26).optional, []);
  t.deepEqual(byId.get(27).optional, ['master:7']);
  t.deepEqual(byId.get(28).optional, ['shared:9', 'master:2', 'propagate_from:1']);
  t.deepEqual(byId.get(31).optional, ['unbindable']);
  t.is(byId.get(28).root, '/srv/data', 'a bind mount shows its fs root');
  t.is(byId.get(28).fstype, 'ext4', 'the separator is found after the optional fields');
});

test('an empty source (two blanks) is an empty string', (t) => {
  const e = parseMountinfo(treeText).find((x) => x.id === 34);
  t.is(e.source, '');
  t.is(e.fstype, 'autofs');
  t.is(e.fsOptions, 'rw,fd=5,pgrp=1');
});

test('a target containing " - " as an escaped name is not taken for the separator', (t) => {
  const [e] = parseMountinfo('50 21 0:40 / /mnt/a\\040-\\040b rw shared:5 - tmpfs x rw\n');
  t.is(e.target, '/mnt/a - b');
  t.deepEqual(e.optional, ['shared:5']);
  t.is(e.fstype, 'tmpfs');
});

test('malformed lines throw MountinfoParseError with the line number', (t) => {
  const text = fs.readFileSync(MALFORMED, 'utf8');
  const e = t.throws(() => parseMountinfo(text), { instanceOf: MountinfoParseError });
  t.is(e.line, 2);
  t.is(e.message, 'mountinfo: parse error at line 2');
  for (const [bad, why] of [
    ['garbage line', 'too few fields'],
    ['22 21 0:21 / /proc rw,relatime no-separator-here proc proc rw', 'no separator'],
    ['x 21 0:22 / /sys rw - sysfs sysfs rw', 'id not a number'],
    ['23 x 0:22 / /sys rw - sysfs sysfs rw', 'parent not a number'],
    ['23 21 nodevno / /sys rw - sysfs sysfs rw', 'no maj:min'],
    ['24 21 0:23 / /short rw - tmpfs', 'source and options missing'],
  ]) {
    t.throws(() => parseMountinfo(`${bad}\n`), { instanceOf: MountinfoParseError }, why);
  }
});

test('skipBad skips malformed lines and blank lines, keeping the good ones', (t) => {
  const list = parseMountinfo(fs.readFileSync(MALFORMED, 'utf8'), true);
  t.deepEqual(list.map((e) => [e.id, e.target]), [[21, '/'], [25, '/ok']]);
});

test('blank lines and a missing final newline are fine', (t) => {
  const list = parseMountinfo('\n1 0 0:1 / / rw - rootfs rootfs rw\n\n2 1 0:2 / /a rw - tmpfs t rw');
  t.deepEqual(list.map((e) => e.id), [1, 2]);
  t.deepEqual(parseMountinfo(''), []);
});

test('mountinfoNewestFirst: the same entries backward, bad and blank lines skipped', (t) => {
  t.deepEqual([...mountinfoNewestFirst(treeText)], parseMountinfo(treeText).reverse());
  t.deepEqual([...mountinfoNewestFirst(fs.readFileSync(MALFORMED, 'utf8'))].map((e) => [e.id, e.target]), [[25, '/ok'], [21, '/']]);
  t.deepEqual([...mountinfoNewestFirst('\n1 0 0:1 / / rw - rootfs rootfs rw\n\n2 1 0:2 / /a rw - tmpfs t rw')].map((e) => e.id), [2, 1]);
  t.deepEqual([...mountinfoNewestFirst('\n\n')], []);
  t.deepEqual([...mountinfoNewestFirst('')], []);
});

test('MountTable.read reads a file (skipping bad lines)', (t) => {
  t.is(MountTable.read(TREE).entries.length, 16);
  t.deepEqual(MountTable.read(MALFORMED).entries.map((e) => e.id), [21, 25]);
});

// ---- indexes ---------------------------------------------------------------

test('byId', (t) => {
  const tb = table();
  t.is(tb.byId(28).target, '/mnt/bind');
  t.is(tb.byId(21).target, '/');
  t.is(tb.byId(999), undefined);
});

test('allAt lists every mount on a mount point, bottom first', (t) => {
  const tb = table();
  t.deepEqual(tb.allAt('/mnt/stack').map((e) => e.id), [29, 30]);
  t.deepEqual(tb.allAt('/dev').map((e) => e.id), [24]);
  t.deepEqual(tb.allAt('/mnt/my dir').map((e) => e.id), [26], 'looked up by the decoded path');
  t.deepEqual(tb.allAt('/mnt/my\\040dir'), []);
  t.deepEqual(tb.allAt('/nowhere'), []);
});

test('topAt returns the topmost mount of a stack', (t) => {
  const tb = table();
  t.is(tb.topAt('/mnt/stack').id, 30);
  t.is(tb.topAt('/proc').id, 22);
  t.is(tb.topAt('/nowhere'), undefined);
});

test('topAt follows the parent chain when a mount was put beneath (listed after the top one)', (t) => {
  // 61 was attached beneath 60 with MOVE_MOUNT_BENEATH: 60's parent is now 61, yet 61 is listed last.
  const tb = new MountTable(parseMountinfo(
    '1 0 0:1 / / rw - rootfs rootfs rw\n'
    + '60 61 0:60 / /mnt/b rw - tmpfs top rw\n'
    + '61 1 0:61 / /mnt/b rw - tmpfs beneath rw\n'));
  t.is(tb.topAt('/mnt/b').source, 'top');
  t.deepEqual(tb.allAt('/mnt/b').map((e) => e.id), [60, 61]);
});

test('topAt with three stacked mounts', (t) => {
  const tb = new MountTable(parseMountinfo(
    '1 0 0:1 / / rw - rootfs rootfs rw\n'
    + '10 1 0:10 / /m rw - tmpfs a rw\n'
    + '11 10 0:11 / /m rw - tmpfs b rw\n'
    + '12 11 0:12 / /m rw - tmpfs c rw\n'
    + '13 12 0:13 / /m/sub rw - tmpfs d rw\n'));
  t.is(tb.topAt('/m').source, 'c');
});

test('children: direct children in table order; a self-parented root is not its own child', (t) => {
  const tb = table();
  t.deepEqual(tb.children(21).map((e) => e.id), [22, 23, 24, 26, 27, 28, 29, 34, 35, 36]);
  t.deepEqual(tb.children(24).map((e) => e.id), [25]);
  t.deepEqual(tb.children(30).map((e) => e.id), [31, 33]);
  t.deepEqual(tb.children(32), []);
  const self = new MountTable(parseMountinfo('5 5 0:1 / / rw - rootfs r rw\n6 5 0:2 / /x rw - tmpfs t rw\n'));
  t.deepEqual(self.children(5).map((e) => e.id), [6]);
});

test('descendants: everything below, deepest first (children before their parents), root excluded', (t) => {
  const tb = table();
  const d = tb.descendants(tb.byId(29));
  t.deepEqual(d.map((e) => e.id), [33, 32, 31, 30]);
  // every mount comes after all of its own descendants: unmounting in this order always works
  const pos = new Map(d.map((e, i) => [e.id, i]));
  for (const e of d) {
    if (pos.has(e.parent)) t.true(pos.get(e.parent) > pos.get(e.id), `${e.id} before its parent ${e.parent}`);
  }
  t.deepEqual(tb.descendants(tb.byId(32)), []);
  t.deepEqual(tb.descendants(tb.byId(24)).map((e) => e.id), [25]);
  const all = tb.descendants(tb.byId(21));
  t.is(all.length, 15);
  t.false(all.some((e) => e.id === 21));
  t.is(all[all.length - 1].id, 22, 'the first child of the root comes last');
});

test('withSource: mounts of one source in table order', (t) => {
  const tb = table();
  t.deepEqual(tb.withSource('/dev/vda').map((e) => e.id), [21, 28]);
  t.deepEqual(tb.withSource('tmpfs').map((e) => e.id), [27, 33]);
  t.deepEqual(tb.withSource('my src').map((e) => e.id), [26]);
  t.deepEqual(tb.withSource('').map((e) => e.id), [34]);
  t.deepEqual(tb.withSource('/dev/none'), []);
});

// ---- derived views ---------------------------------------------------------

test('mergedOptions: one leading rw/ro, VFS options, then fs options (util-linux merge_optstr)', (t) => {
  t.is(mergedOptions({ vfsOptions: 'rw,nosuid,relatime', fsOptions: 'rw,size=1024k,mode=755' }), 'rw,nosuid,relatime,size=1024k,mode=755');
  t.is(mergedOptions({ vfsOptions: 'rw,relatime', fsOptions: 'rw' }), 'rw,relatime');
  t.is(mergedOptions({ vfsOptions: 'ro,relatime', fsOptions: 'rw,discard' }), 'ro,relatime,discard');
  t.is(mergedOptions({ vfsOptions: 'rw,nodev,relatime', fsOptions: 'ro,errors=continue' }), 'ro,nodev,relatime,errors=continue',
    'a read-only superblock makes the listing ro');
  t.is(mergedOptions({ vfsOptions: 'ro', fsOptions: 'ro' }), 'ro');
  t.is(mergedOptions({ vfsOptions: 'rw', fsOptions: '' }), 'rw');
});

test('mergedOptions over the fixture matches findmnt', (t) => {
  const tb = table();
  t.is(mergedOptions(tb.byId(24)), 'rw,nosuid,relatime,size=4000k,nr_inodes=1000,mode=755');
  t.is(mergedOptions(tb.byId(28)), 'ro,nosuid,relatime,discard');
  t.is(mergedOptions(tb.byId(35)), 'ro,nodev,relatime,errors=continue');
  t.is(mergedOptions(tb.byId(36)), 'rw,relatime,lowerdir=/low er,upperdir=/up');
});

test('propagationOf as findmnt shows it', (t) => {
  t.is(propagationOf({ optional: [] }), 'private');
  t.is(propagationOf({ optional: ['shared:1'] }), 'shared');
  t.is(propagationOf({ optional: ['master:2'] }), 'private,slave');
  t.is(propagationOf({ optional: ['shared:9', 'master:2', 'propagate_from:1'] }), 'shared,slave');
  t.is(propagationOf({ optional: ['unbindable'] }), 'private,unbindable');
  const tb = table();
  t.is(propagationOf(tb.byId(27)), 'private,slave');
  t.is(propagationOf(tb.byId(31)), 'private,unbindable');
});

test('readMountinfoText reads a table whole, however big (its buffer doubles), bytes kept as they are', (t) => {
  const { readMountinfoText } = require('../../dist/tables/mountinfo');
  const { decodeBytes } = require('../../dist/sys/bytes');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-mi-'));
  try {
    const file = path.join(dir, 'mountinfo');
    // ~700 KiB: past the first 256 KiB buffer twice; a byte that is not UTF-8 in one line
    const line = (k) => Buffer.concat([Buffer.from(`${k} 1 0:${k} / /m/${'x'.repeat(k % 300)}`), Buffer.from([0xe9]), Buffer.from(' rw - tmpfs t rw\n')]);
    const bytes = Buffer.concat(Array.from({ length: 3000 }, (_, k) => line(k)));
    t.true(bytes.length > 2 * 256 * 1024);
    // as procfs reads: at most a page per read(2), so a short read is not the end
    const readSync = fs.readSync;
    for (const pageSized of [false, true]) {
      if (pageSized) {
        /** @type {any} */ (fs).readSync = (/** @type {number} */ fd, /** @type {Buffer} */ buf, /** @type {number} */ off, /** @type {number} */ len, /** @type {null} */ pos) => readSync(fd, buf, off, Math.min(len, 4096), pos);
      }
      try {
        for (const b of [bytes, bytes.subarray(0, 256 * 1024), Buffer.alloc(0)]) {
          fs.writeFileSync(file, b);
          t.is(readMountinfoText(file), decodeBytes(b), `${b.length} bytes${pageSized ? ', a page per read' : ''}`);
        }
      } finally {
        fs.readSync = readSync;
      }
    }
    // the kernel's own table: every line of one read of it
    const ids = (/** @type {string} */ text) => text.split('\n').filter(Boolean).map((l) => l.split(' ')[0]);
    t.deepEqual(ids(readMountinfoText()), ids(fs.readFileSync('/proc/self/mountinfo', 'latin1')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
