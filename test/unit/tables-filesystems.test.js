'use strict';
// /proc/filesystems and /etc/filesystems (libmount utils.c get_filesystems()).
const test = require('./ava');
const path = require('path');
const os = require('os');
const { parseProcFilesystems, readProcFilesystems, parseEtcFilesystems } = require('../../dist/tables/filesystems');

const PROC = 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n\text3\n\text4\n\tvfat\nnodev\tfuse\n\tfuseblk\n';

test('/proc/filesystems: names and the nodev marker', (t) => {
  t.deepEqual(parseProcFilesystems(PROC), [
    { name: 'sysfs', nodev: true },
    { name: 'tmpfs', nodev: true },
    { name: 'proc', nodev: true },
    { name: 'ext3', nodev: false },
    { name: 'ext4', nodev: false },
    { name: 'vfat', nodev: false },
    { name: 'fuse', nodev: true },
    { name: 'fuseblk', nodev: false },
  ]);
});

test('/proc/filesystems: blank lines ignored, a line without a tab is a block filesystem name', (t) => {
  t.deepEqual(parseProcFilesystems('\n\n\tbtrfs\n\nxfs\n'), [{ name: 'btrfs', nodev: false }, { name: 'xfs', nodev: false }]);
  t.deepEqual(parseProcFilesystems(''), []);
});

test('readProcFilesystems: the real file has tmpfs; a missing file is empty', (t) => {
  t.deepEqual(readProcFilesystems(path.join(os.tmpdir(), `tsmount-no-fs-${process.pid}`)), []);
  const real = readProcFilesystems();
  if (real.length) t.true(real.some((f) => f.name === 'tmpfs' && f.nodev));
  else t.pass('no /proc/filesystems here');
});

test('/etc/filesystems: one type per line, comments and nodev lines skipped', (t) => {
  t.deepEqual(parseEtcFilesystems('# try these\next4\nxfs\nnodev proc\n  vfat  \n\nbtrfs extra words\n'), {
    types: ['ext4', 'xfs', 'vfat', 'btrfs'], thenProc: false,
  });
});

test('/etc/filesystems: a "*" line stops the list and says "go on with /proc/filesystems"', (t) => {
  t.deepEqual(parseEtcFilesystems('ext4\n*\nxfs\n'), { types: ['ext4'], thenProc: true });
  t.deepEqual(parseEtcFilesystems('*\n'), { types: [], thenProc: true });
});

test('/etc/filesystems: empty file', (t) => {
  t.deepEqual(parseEtcFilesystems(''), { types: [], thenProc: false });
});
