// Superblock probing (src/devices/probe.ts) against images made at test time in a temp dir.
// Images come from the real mkfs tools when they are installed (see .ci/packages.txt); LUKS and
// swap headers are hand-crafted. Regular files only: no loop devices, nothing is mounted.
// Where util-linux's blkid is present, its answer (TYPE, LABEL, UUID) is checked as well.
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { probeFile, probeAll, probeSafe, PROBERS } = require('../../dist/devices/probe.js');

const ENV = { ...process.env, PATH: `${process.env.PATH || ''}:/usr/local/sbin:/usr/sbin:/sbin` };
const MiB = 1024 * 1024;

let tmp;
test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-probe-'));
});
test.after.always(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function which(tool) {
  for (const dir of ENV.PATH.split(':')) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, tool), fs.constants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

/** test() when every tool is installed; otherwise a test that passes with a note saying why. */
function withTools(...tools) {
  const missing = tools.filter((x) => !which(x));
  if (missing.length === 0) return test;
  return (title) => test(title, (t) => {
    t.log(`skipped: ${missing.join(', ')} not installed`);
    t.pass();
  });
}

/** The first installed tool of a list, or undefined. */
const firstOf = (...tools) => tools.find(which);

let seq = 0;
function imgPath(name) {
  return path.join(tmp, `${seq++}-${name}`);
}

/** A sparse file of `size` bytes. */
function sparse(name, size) {
  const p = imgPath(name);
  fs.writeFileSync(p, '');
  fs.truncateSync(p, size);
  return p;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { env: ENV, encoding: 'utf8', input: '', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** A small directory tree to pack into read-only images. */
function contentDir() {
  const d = imgPath('content');
  fs.mkdirSync(path.join(d, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(d, 'hello.txt'), 'hello\n');
  fs.writeFileSync(path.join(d, 'sub', 'data.bin'), Buffer.alloc(5000, 7));
  return d;
}

/** blkid's low-level probe of the file, or undefined when blkid is missing or finds nothing. */
function blkid(file) {
  if (!which('blkid')) return undefined;
  const tag = (name) => {
    const r = spawnSync('blkid', ['-p', '-s', name, '-o', 'value', file], { env: ENV, encoding: 'utf8' });
    if (r.status !== 0) return null;
    const v = r.stdout.replace(/\n$/, '');
    return v === '' ? undefined : v;
  };
  const type = tag('TYPE');
  if (type === null) return undefined;
  return { type, label: tag('LABEL'), uuid: tag('UUID') };
}

/** probeFile() says `expected`; blkid, where installed, agrees on type, label and uuid. */
function check(t, file, expected) {
  const r = probeFile(file);
  t.truthy(r, `nothing recognised in ${path.basename(file)}`);
  if (!r) return undefined;
  for (const [k, v] of Object.entries(expected)) {
    if (v instanceof RegExp) t.regex(String(r[k]), v, k);
    else t.is(r[k], v, k);
  }
  const all = probeAll(file);
  t.is(all[0]?.type, r.type, 'probeAll starts with the probeFile answer');
  const b = blkid(file);
  if (b) t.deepEqual({ type: r.type, label: r.label, uuid: r.uuid }, b, 'same answer as blkid -p');
  return r;
}

// ---------------------------------------------------------------------------------------------
// ext2/3/4

for (const kind of ['ext2', 'ext3', 'ext4']) {
  withTools(`mkfs.${kind}`)(`${kind}: type, LABEL and UUID`, (t) => {
    const img = sparse(`${kind}.img`, 16 * MiB);
    const uuid = `0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1${kind === 'ext2' ? 'f0' : kind === 'ext3' ? 'f1' : 'f2'}`;
    run(`mkfs.${kind}`, ['-q', '-F', '-L', `lab-${kind}`, '-U', uuid, img]);
    check(t, img, { type: kind, label: `lab-${kind}`, uuid, usage: 'filesystem' });
  });
}

withTools('mkfs.ext4')('ext4 at an offset inside a bigger image (probeFile offset)', (t) => {
  const fsimg = sparse('inner.img', 8 * MiB);
  run('mkfs.ext4', ['-q', '-F', '-L', 'inner', fsimg]);
  const outer = imgPath('outer.img');
  const fd = fs.openSync(outer, 'w');
  fs.ftruncateSync(fd, MiB);
  const head = Buffer.alloc(64 * 1024);
  const src = fs.openSync(fsimg, 'r');
  fs.readSync(src, head, 0, head.length, 0);
  fs.closeSync(src);
  fs.writeSync(fd, head, 0, head.length, MiB);
  fs.ftruncateSync(fd, 9 * MiB);
  fs.closeSync(fd);
  t.is(probeFile(outer), undefined);
  const r = probeFile(outer, MiB);
  t.is(r?.type, 'ext4');
  t.is(r?.label, 'inner');
});

withTools('mkfs.ext4')('ext4: a metadata_csum superblock with a bad checksum is rejected', (t) => {
  const img = sparse('csum.img', 8 * MiB);
  run('mkfs.ext4', ['-q', '-F', '-O', 'metadata_csum', '-L', 'good', img]);
  t.is(probeFile(img)?.type, 'ext4');
  const fd = fs.openSync(img, 'r+');
  fs.writeSync(fd, Buffer.from('evil'), 0, 4, 1024 + 120); // the volume name, checksum unchanged
  fs.closeSync(fd);
  t.is(probeFile(img), undefined);
});

// ---------------------------------------------------------------------------------------------
// FAT

const FAT_CASES = [
  { bits: '12', size: 4 * MiB, label: 'FAT12LAB', id: '1234ABCD', uuid: '1234-ABCD' },
  { bits: '16', size: 32 * MiB, label: 'FAT16LAB', id: 'deadbeef', uuid: 'DEAD-BEEF' },
  { bits: '32', size: 64 * MiB, label: 'FAT32LAB', id: '0badcafe', uuid: '0BAD-CAFE' },
];
for (const c of FAT_CASES) {
  withTools('mkfs.vfat')(`vfat FAT${c.bits}: LABEL and XXXX-XXXX volume ID`, (t) => {
    const img = sparse(`fat${c.bits}.img`, c.size);
    run('mkfs.vfat', ['-F', c.bits, '-n', c.label, '-i', c.id, img]);
    check(t, img, { type: 'vfat', label: c.label, uuid: c.uuid, version: `FAT${c.bits}` });
  });
}

withTools('mkfs.vfat')('vfat without a label: no LABEL ("NO NAME" is not one)', (t) => {
  const img = sparse('nolabel.img', 4 * MiB);
  run('mkfs.vfat', ['-i', '01020304', img]);
  const r = check(t, img, { type: 'vfat', uuid: '0102-0304' });
  t.is(r?.label, undefined);
});

withTools('mkfs.vfat')('vfat: the boot-sector label stands in when the root directory has none', (t) => {
  const img = sparse('bootlabel.img', 4 * MiB);
  run('mkfs.vfat', ['-F', '12', '-n', 'BOOTONLY', '-i', 'a1b2c3d4', img]);
  const data = fs.readFileSync(img);
  const at = data.indexOf('BOOTONLY', 512); // the root-directory entry (the boot copy is at 0x2b)
  t.true(at > 512);
  data[at] = 0xe5; // mark the volume-label entry deleted
  fs.writeFileSync(img, data);
  const r = probeFile(img);
  t.is(r?.type, 'vfat');
  t.is(r?.label, 'BOOTONLY');
  t.is(r?.uuid, 'A1B2-C3D4');
});

// ---------------------------------------------------------------------------------------------
// xfs, btrfs, f2fs

withTools('mkfs.xfs')('xfs: LABEL and UUID', (t) => {
  const img = sparse('xfs.img', 320 * MiB);
  const uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  run('mkfs.xfs', ['-q', '-f', '-L', 'xfslab', '-m', `uuid=${uuid}`, img]);
  check(t, img, { type: 'xfs', label: 'xfslab', uuid });
});

withTools('mkfs.btrfs')('btrfs: LABEL and UUID (crc32c superblock checksum)', (t) => {
  const img = sparse('btrfs.img', 128 * MiB);
  const uuid = '12345678-1234-4234-9234-123456789abc';
  run('mkfs.btrfs', ['-q', '-f', '-L', 'btrlab', '-U', uuid, img]);
  check(t, img, { type: 'btrfs', label: 'btrlab', uuid });
});

for (const csum of ['xxhash', 'sha256']) {
  withTools('mkfs.btrfs')(`btrfs: ${csum} superblock checksum`, (t) => {
    const img = sparse(`btrfs-${csum}.img`, 128 * MiB);
    const r = spawnSync('mkfs.btrfs', ['-q', '-f', '--csum', csum, '-L', `b-${csum}`, img], { env: ENV, encoding: 'utf8' });
    if (r.status !== 0) {
      t.log(`skipped: this mkfs.btrfs cannot make ${csum} checksums`);
      t.pass();
      return;
    }
    check(t, img, { type: 'btrfs', label: `b-${csum}` });
    const fd = fs.openSync(img, 'r+');
    fs.writeSync(fd, Buffer.from('X'), 0, 1, 0x10000 + 299); // label byte: checksum now wrong
    fs.closeSync(fd);
    t.is(probeFile(img), undefined);
  });
}

withTools('mkfs.f2fs')('f2fs: LABEL (UTF-16) and UUID', (t) => {
  const img = sparse('f2fs.img', 128 * MiB);
  const uuid = 'c0ffee00-1234-4567-89ab-cdef01234567';
  run('mkfs.f2fs', ['-q', '-f', '-l', 'f2lab-ü', '-U', uuid, img]);
  check(t, img, { type: 'f2fs', label: 'f2lab-ü', uuid });
});

// ---------------------------------------------------------------------------------------------
// exfat, ntfs

withTools('mkfs.exfat')('exfat: LABEL from the root directory and XXXX-XXXX serial', (t) => {
  const img = sparse('exfat.img', 16 * MiB);
  run('mkfs.exfat', ['-L', 'exlab-é', img]);
  check(t, img, { type: 'exfat', label: 'exlab-é', uuid: /^[0-9A-F]{4}-[0-9A-F]{4}$/ });
});

withTools('mkfs.ntfs')('ntfs: LABEL from $Volume and 64-bit serial as UUID', (t) => {
  const img = sparse('ntfs.img', 16 * MiB);
  run('mkfs.ntfs', ['-q', '-F', '-f', '-L', 'ntlab €', img]);
  check(t, img, { type: 'ntfs', label: 'ntlab €', uuid: /^[0-9A-F]{16}$/ });
});

// ---------------------------------------------------------------------------------------------
// read-only formats: squashfs, erofs, iso9660, udf

withTools('mksquashfs')('squashfs: type and version (no label or uuid in the format)', (t) => {
  const img = imgPath('sq.img');
  run('mksquashfs', [contentDir(), img, '-noappend', '-quiet']);
  const r = check(t, img, { type: 'squashfs', version: '4.0' });
  t.is(r?.label, undefined);
  t.is(r?.uuid, undefined);
});

withTools('mkfs.erofs')('erofs: UUID (and LABEL where mkfs.erofs has -L)', (t) => {
  const img = imgPath('erofs.img');
  const uuid = 'bbbbbbbb-1111-4222-8333-444444444444';
  const help = spawnSync('mkfs.erofs', ['--help'], { env: ENV, encoding: 'utf8' });
  const hasLabel = /^\s*-L\b/m.test(`${help.stdout}${help.stderr}`);
  run('mkfs.erofs', [...(hasLabel ? ['-L', 'eroflab'] : []), `-U${uuid}`, img, contentDir()]);
  check(t, img, { type: 'erofs', uuid, ...(hasLabel ? { label: 'eroflab' } : {}) });
});

const ISO_TOOL = firstOf('genisoimage', 'xorriso');
function mkiso(out, args) {
  if (ISO_TOOL === 'genisoimage') run('genisoimage', ['-quiet', ...args, '-o', out, contentDir()]);
  else run('xorriso', ['-as', 'mkisofs', '-quiet', ...args, '-o', out, contentDir()]);
}

withTools(ISO_TOOL ?? 'genisoimage')('iso9660: LABEL is the volume id, UUID the volume date', (t) => {
  const img = imgPath('plain.iso');
  mkiso(img, ['-V', 'ISO_LABEL']);
  check(t, img, { type: 'iso9660', label: 'ISO_LABEL', uuid: /^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d\d$/ });
});

withTools(ISO_TOOL ?? 'genisoimage')('iso9660 + Joliet: the long volume id is rebuilt from both descriptors', (t) => {
  const img = imgPath('joliet.iso');
  mkiso(img, ['-J', '-V', 'A_VERY_LONG_LABEL_OVER_16_CHARS']);
  check(t, img, { type: 'iso9660', label: 'A_VERY_LONG_LABEL_OVER_16_CHARS', version: 'Joliet Extension' });
});

withTools('mkudffs')('udf: LABEL (logical volume id) and UUID (volume set id)', (t) => {
  const img = sparse('udf.img', 16 * MiB);
  run('mkudffs', ['--label=udflab', '--uuid=0123456789abcdef', img]);
  check(t, img, { type: 'udf', label: 'udflab', uuid: '0123456789abcdef', version: /^\d\.\d\d$/ });
});

for (const bs of ['512', '4096']) {
  withTools('mkudffs')(`udf with ${bs}-byte blocks`, (t) => {
    const img = sparse(`udf${bs}.img`, 16 * MiB);
    run('mkudffs', [`--blocksize=${bs}`, '--label=Ünïcødé', img]);
    check(t, img, { type: 'udf', label: 'Ünïcødé' });
  });
}

withTools('genisoimage')('udf + iso9660 bridge disc: both found, not ambiguous, udf reported', (t) => {
  const img = imgPath('bridge.iso');
  run('genisoimage', ['-quiet', '-udf', '-V', 'BRIDGE', '-o', img, contentDir()]);
  t.deepEqual(probeAll(img).map((r) => r.type), ['udf', 'iso9660']);
  const s = probeSafe(img);
  t.false(s.ambiguous);
  t.is(s.result?.type, 'udf');
  t.is(s.result?.label, 'BRIDGE');
});

// ---------------------------------------------------------------------------------------------
// swap and LUKS (refused by mount)

withTools('mkswap')('swap from mkswap: LABEL and UUID', (t) => {
  const img = sparse('swap.img', 2 * MiB);
  fs.chmodSync(img, 0o600);
  const uuid = '99999999-8888-4777-8666-555555555555';
  run('mkswap', ['-L', 'swlab', '-U', uuid, img]);
  check(t, img, { type: 'swap', label: 'swlab', uuid, usage: 'other' });
});

/** A hand-made swap area: v1 header at 1024, signature in the last 10 bytes of the page. */
function swapImage(name, { page = 4096, magic = 'SWAPSPACE2', label, uuid, size = 64 * 1024 } = {}) {
  const b = Buffer.alloc(size);
  b.writeUInt32LE(1, 1024); // version
  b.writeUInt32LE(size / page - 1, 1028); // last page
  if (uuid) Buffer.from(uuid.replace(/-/g, ''), 'hex').copy(b, 1036);
  if (label) b.write(label, 1052);
  b.write(magic, page - 10, 'latin1');
  const p = imgPath(name);
  fs.writeFileSync(p, b);
  return p;
}

test('swap: hand-made SWAPSPACE2 header with LABEL and UUID', (t) => {
  const uuid = '01234567-89ab-cdef-0123-456789abcdef';
  const img = swapImage('swap1.img', { label: 'handswap', uuid });
  check(t, img, { type: 'swap', label: 'handswap', uuid, version: '1', usage: 'other' });
});

test('swap: old SWAP-SPACE signature (v0, no label or uuid)', (t) => {
  const img = swapImage('swap0.img', { magic: 'SWAP-SPACE', label: 'ignored' });
  const r = check(t, img, { type: 'swap', version: '0' });
  t.is(r?.label, undefined);
});

test('swap: signature for 8 KiB and 64 KiB pages', (t) => {
  t.is(probeFile(swapImage('swap8k.img', { page: 8192 }))?.type, 'swap');
  t.is(probeFile(swapImage('swap64k.img', { page: 65536, size: 128 * 1024 }))?.type, 'swap');
});

test('swap: an area smaller than 10 pages, or a zero last page, is not swap', (t) => {
  t.is(probeFile(swapImage('swapsmall.img', { size: 36 * 1024 })), undefined);
  const img = swapImage('swapzero.img');
  const b = fs.readFileSync(img);
  b.writeUInt32LE(0, 1028);
  fs.writeFileSync(img, b);
  t.is(probeFile(img), undefined);
});

/** A hand-made LUKS header (cryptsetup luksFormat is too slow for a unit test). */
function luksImage(name, version, { uuid, label, hdrOffset = 0n } = {}) {
  const b = Buffer.alloc(MiB);
  b.write('LUKS\xba\xbe', 0, 'latin1');
  b.writeUInt16BE(version, 6);
  if (version === 1) {
    b.write('aes', 8);
    b.write('xts-plain64', 40);
    b.write('sha256', 72);
    b.writeUInt32BE(4096, 104); // payload offset
    b.writeUInt32BE(64, 108); // key bytes
    b.writeUInt32BE(1000, 164); // digest iterations
  } else {
    b.writeBigUInt64BE(16384n, 8); // header size
    b.writeBigUInt64BE(1n, 16); // seqid
    if (label) b.write(label, 24);
    b.write('sha256', 72);
    b.writeBigUInt64BE(hdrOffset, 256);
  }
  if (uuid) b.write(uuid, 168);
  const p = imgPath(name);
  fs.writeFileSync(p, b);
  return p;
}

test('LUKS1: hand-made header is crypto_LUKS with its UUID', (t) => {
  const uuid = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
  check(t, luksImage('luks1.img', 1, { uuid }), { type: 'crypto_LUKS', uuid, version: '1', usage: 'crypto' });
});

test('LUKS2: hand-made header is crypto_LUKS with LABEL and UUID', (t) => {
  const uuid = '11112222-3333-4444-5555-666677778888';
  check(t, luksImage('luks2.img', 2, { uuid, label: 'mylukslabel' }),
    { type: 'crypto_LUKS', uuid, label: 'mylukslabel', version: '2', usage: 'crypto' });
});

test('LUKS2 header claiming another offset is not a primary header', (t) => {
  t.is(probeFile(luksImage('luks2off.img', 2, { uuid: 'x', hdrOffset: 4096n })), undefined);
});

test('LUKS over a filesystem signature: crypto wins, not ambiguous', (t) => {
  const img = luksImage('luksfs.img', 1, { uuid: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9' });
  const b = fs.readFileSync(img);
  b.write('SWAPSPACE2', 4086, 'latin1');
  b.writeUInt32LE(1, 1024);
  b.writeUInt32LE(10, 1028);
  fs.writeFileSync(img, Buffer.concat([b, Buffer.alloc(MiB)]));
  const s = probeSafe(img);
  t.false(s.ambiguous);
  t.is(s.result?.type, 'crypto_LUKS');
});

// ---------------------------------------------------------------------------------------------
// ambiguity (util-linux "more filesystems detected")

/** squashfs 4 superblock at 0 and a swap signature at 4086 on the same image. */
function twoSignatures(name, size) {
  const b = Buffer.alloc(size);
  b.write('hsqs', 0, 'latin1');
  b.writeUInt32LE(4096 * 32, 12); // block size
  b.writeUInt16LE(4, 28); // version 4.0
  b.writeUInt32LE(1, 1024);
  b.writeUInt32LE(9, 1028);
  b.write('SWAPSPACE2', 4086, 'latin1');
  const p = imgPath(name);
  fs.writeFileSync(p, b);
  return p;
}

test('two signatures: probeAll lists both, probeSafe reports the ambiguity', (t) => {
  const img = twoSignatures('amb.img', 2 * MiB);
  t.deepEqual(probeAll(img).map((r) => r.type), ['swap', 'squashfs']);
  t.is(probeFile(img)?.type, 'swap');
  const s = probeSafe(img);
  t.true(s.ambiguous);
  t.is(s.result, undefined);
  t.is(s.matches.length, 2);
});

test('two signatures on a floppy-sized image: the first wins, as in blkid', (t) => {
  const s = probeSafe(twoSignatures('ambsmall.img', 1024 * 1024));
  t.false(s.ambiguous);
  t.is(s.result?.type, 'swap');
});

withTools('mkfs.btrfs', 'mkfs.ext2')('btrfs with a stale ext2 superblock: ambiguous', (t) => {
  const img = sparse('ambbtrfs.img', 128 * MiB);
  run('mkfs.btrfs', ['-q', '-f', '-L', 'b', img]);
  const e2 = sparse('ambe2.img', 8 * MiB);
  run('mkfs.ext2', ['-q', '-F', e2]);
  const sb = Buffer.alloc(1024);
  const fd0 = fs.openSync(e2, 'r');
  fs.readSync(fd0, sb, 0, 1024, 1024);
  fs.closeSync(fd0);
  const fd = fs.openSync(img, 'r+');
  fs.writeSync(fd, sb, 0, 1024, 1024); // btrfs leaves the first 64 KiB alone
  fs.closeSync(fd);
  t.deepEqual(probeAll(img).map((r) => r.type), ['ext2', 'btrfs']);
  t.true(probeSafe(img).ambiguous);
});

// ---------------------------------------------------------------------------------------------
// bad input: undefined, never a throw

/** Deterministic pseudo-random bytes (xorshift32). */
function noise(n, seed = 0x9e3779b9) {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

test('bad input: empty file, 100 random bytes, missing file, a directory', (t) => {
  const empty = imgPath('empty.img');
  fs.writeFileSync(empty, '');
  const rnd = imgPath('random.img');
  fs.writeFileSync(rnd, noise(100));
  for (const f of [empty, rnd, path.join(tmp, 'does-not-exist'), tmp]) {
    t.is(probeFile(f), undefined, f);
    t.deepEqual(probeAll(f), [], f);
    t.deepEqual(probeSafe(f), { ambiguous: false, matches: [] }, f);
  }
});

test('bad input: a megabyte of noise is nothing', (t) => {
  const rnd = imgPath('noise.img');
  fs.writeFileSync(rnd, noise(MiB, 12345));
  t.is(probeFile(rnd), undefined);
});

test('bad input: truncated superblocks are nothing', (t) => {
  // ext: magic in place, but the image ends inside the superblock
  const ext = Buffer.alloc(1024 + 200);
  ext.writeUInt16LE(0xef53, 1024 + 56);
  const e = imgPath('trunc-ext.img');
  fs.writeFileSync(e, ext);
  t.is(probeFile(e), undefined);
  // xfs: magic and nothing else, and a file under blkid's 1 KiB floor
  const x = imgPath('trunc-xfs.img');
  fs.writeFileSync(x, Buffer.concat([Buffer.from('XFSB'), Buffer.alloc(96)]));
  t.is(probeFile(x), undefined);
  // btrfs: magic at 64 KiB + 64, image cut short after it
  const bt = Buffer.alloc(2 * MiB);
  bt.write('_BHRfS_M', 0x10040, 'latin1');
  const b = imgPath('trunc-btrfs.img');
  fs.writeFileSync(b, bt.subarray(0, 0x10040 + 100));
  t.is(probeFile(b), undefined);
  // iso9660: a primary volume descriptor cut in half
  const iso = Buffer.alloc(0x8000 + 400);
  iso[0x8000] = 1;
  iso.write('CD001', 0x8001, 'latin1');
  const i = imgPath('trunc-iso.img');
  fs.writeFileSync(i, iso);
  t.is(probeFile(i), undefined);
  // f2fs and erofs: magic at 1 KiB, the rest of the superblock missing
  const f2 = Buffer.alloc(1024 + 200);
  f2.writeUInt32LE(0xf2f52010, 1024);
  const f = imgPath('trunc-f2fs.img');
  fs.writeFileSync(f, f2);
  t.is(probeFile(f), undefined);
  const er = Buffer.alloc(1024 + 64);
  er.writeUInt32LE(0xe0f5e1e2, 1024);
  er[1024 + 12] = 12;
  const r = imgPath('trunc-erofs.img');
  fs.writeFileSync(r, er);
  t.is(probeFile(r), undefined);
  // LUKS: a header under blkid's 1 KiB floor
  const lk = imgPath('trunc-luks.img');
  fs.writeFileSync(lk, Buffer.concat([Buffer.from('LUKS\xba\xbe', 'latin1'), Buffer.alloc(300)]));
  t.is(probeFile(lk), undefined);
});

withTools('mkfs.ext4', 'mkfs.vfat')('bad input: real images cut at every sector of their first 8 KiB never throw', (t) => {
  const ext = sparse('cut-ext4.img', 8 * MiB);
  run('mkfs.ext4', ['-q', '-F', ext]);
  const fat = sparse('cut-fat.img', 4 * MiB);
  run('mkfs.vfat', [fat]);
  for (const src of [ext, fat]) {
    const data = fs.readFileSync(src).subarray(0, 8192);
    const cut = imgPath('cut.img');
    for (let n = 0; n <= 8192; n += 512) {
      fs.writeFileSync(cut, data.subarray(0, n));
      t.notThrows(() => probeAll(cut));
    }
    fs.writeFileSync(cut, data.subarray(0, 1536)); // ext superblock half there
    if (src === ext) t.is(probeFile(cut), undefined);
  }
});

test('PROBERS is a list of functions in libblkid order', (t) => {
  t.true(Array.isArray(PROBERS));
  t.true(PROBERS.length >= 14);
  for (const p of PROBERS) t.is(typeof p, 'function');
});
