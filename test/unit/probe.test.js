// Probing through libblkid (src/devices/blkid.ts, src/devices/identify.ts) against images made at
// test time in a temp dir: mkfs.ext2/ext4/vfat/xfs and mkswap where installed, hand-made LUKS and
// ambiguous images. Regular files only: no loop devices, nothing is mounted (PARTUUID/PARTLABEL
// of a real partition are in test/integration/devices-tags.test.js). Where util-linux's blkid
// is installed, its answer (TYPE, LABEL, UUID) is checked as well.
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { probeFile, probeSafe, probeTags, probeForListing } = require('../../dist/devices/identify.js');
const { knownFsType } = require('../../dist/devices/blkid.js');
const { encodeBytes } = require('../../dist/sys/bytes.js');

const ENV = { ...process.env, PATH: `${process.env.PATH || ''}:/usr/local/sbin:/usr/sbin:/sbin` };
const MiB = 1024 * 1024;
const DIST = path.join(__dirname, '..', '..', 'dist');

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
  t.deepEqual(probeSafe(file), { result: r, ambiguous: false }, 'probeSafe gives the same answer');
  const b = blkid(file);
  if (b) t.deepEqual({ type: r.type, label: r.label, uuid: r.uuid }, b, 'same answer as blkid -p');
  return r;
}

/** Run `code` in a fresh node (own environment, own module state); its stdout parsed as JSON. */
function child(code, env = {}) {
  const r = spawnSync(process.execPath, ['-e', code], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: DIST });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------
// filesystems

withTools('mkfs.ext2')('ext2: type, LABEL, UUID, VERSION and USAGE', (t) => {
  const img = sparse('ext2.img', 16 * MiB);
  const uuid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
  run('mkfs.ext2', ['-q', '-F', '-L', 'lab-ext2', '-U', uuid, img]);
  check(t, img, { type: 'ext2', label: 'lab-ext2', uuid, version: '1.0', usage: 'filesystem' });
});

withTools('mkfs.ext4')('ext4 at an offset inside a bigger image (probeFile offset)', (t) => {
  const fsimg = sparse('inner.img', 8 * MiB);
  run('mkfs.ext4', ['-q', '-F', '-L', 'inner', fsimg]);
  const outer = imgPath('outer.img');
  const fd = fs.openSync(outer, 'w');
  fs.ftruncateSync(fd, MiB);
  const src = fs.readFileSync(fsimg);
  fs.writeSync(fd, src, 0, src.length, MiB);
  fs.closeSync(fd);
  t.is(probeFile(outer), undefined);
  const r = probeFile(outer, MiB);
  t.is(r?.type, 'ext4');
  t.is(r?.label, 'inner');
});

withTools('mkfs.ext2')('a label that is not UTF-8 keeps its bytes (escaped as sys/bytes.ts does)', (t) => {
  const img = sparse('latin1.img', 8 * MiB);
  const raw = Buffer.from('caf\xe9', 'latin1'); // Latin-1 "café": not valid UTF-8
  run('mkfs.ext2', ['-q', '-F', img]);
  // s_volume_name, written in place (an argv cannot carry bytes that are not UTF-8 from Node);
  // ext2 keeps no checksum without metadata_csum
  const fd = fs.openSync(img, 'r+');
  fs.writeSync(fd, raw, 0, raw.length, 1024 + 120);
  fs.closeSync(fd);
  const label = probeFile(img)?.label;
  t.truthy(label);
  t.deepEqual(encodeBytes(label), raw);
});

const FAT_CASES = [
  { bits: '12', size: 4 * MiB, label: 'FAT12LAB', id: '1234ABCD', uuid: '1234-ABCD' },
  { bits: '32', size: 64 * MiB, label: 'FAT32LAB', id: '0badcafe', uuid: '0BAD-CAFE' },
];
for (const c of FAT_CASES) {
  withTools('mkfs.vfat')(`vfat FAT${c.bits}: LABEL, XXXX-XXXX volume ID, VERSION`, (t) => {
    const img = sparse(`fat${c.bits}.img`, c.size);
    run('mkfs.vfat', ['-F', c.bits, '-n', c.label, '-i', c.id, img]);
    check(t, img, { type: 'vfat', label: c.label, uuid: c.uuid, version: `FAT${c.bits}`, usage: 'filesystem' });
  });
}

withTools('mkfs.xfs')('xfs: LABEL and UUID', (t) => {
  const img = sparse('xfs.img', 320 * MiB);
  const uuid = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
  run('mkfs.xfs', ['-q', '-f', '-L', 'xfslab', '-m', `uuid=${uuid}`, img]);
  check(t, img, { type: 'xfs', label: 'xfslab', uuid });
});

// ---------------------------------------------------------------------------------------------
// swap and LUKS (refused by mount)

withTools('mkswap')('swap from mkswap: LABEL, UUID, USAGE other', (t) => {
  const img = sparse('swap.img', 2 * MiB);
  fs.chmodSync(img, 0o600);
  const uuid = '99999999-8888-4777-8666-555555555555';
  run('mkswap', ['-L', 'swlab', '-U', uuid, img]);
  check(t, img, { type: 'swap', label: 'swlab', uuid, version: '1', usage: 'other' });
});

/** A hand-made LUKS1 header (cryptsetup luksFormat is too slow for a unit test). */
function luksImage(name, uuid) {
  const b = Buffer.alloc(MiB);
  b.write('LUKS\xba\xbe', 0, 'latin1');
  b.writeUInt16BE(1, 6);
  b.write('aes', 8);
  b.write('xts-plain64', 40);
  b.write('sha256', 72);
  b.writeUInt32BE(4096, 104); // payload offset
  b.writeUInt32BE(64, 108); // key bytes
  b.write(uuid, 168);
  const p = imgPath(name);
  fs.writeFileSync(p, b);
  return p;
}

test('LUKS1: a hand-made header is crypto_LUKS, USAGE crypto, with its UUID', (t) => {
  const uuid = '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9';
  check(t, luksImage('luks1.img', uuid), { type: 'crypto_LUKS', uuid, version: '1', usage: 'crypto' });
});

// ---------------------------------------------------------------------------------------------
// ambiguity (util-linux "more filesystems detected")

/** A squashfs 4 superblock at 0 and a swap signature at 4086 on the same image. */
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

test('two signatures: probeSafe reports the ambiguity (blkid_do_safeprobe -2), probeFile finds nothing', (t) => {
  const img = twoSignatures('amb.img', 4 * MiB);
  t.deepEqual(probeSafe(img), { ambiguous: true });
  t.is(probeFile(img), undefined);
  t.deepEqual(probeTags(img), {}, 'an ambiguous device carries no tags (as libmount\'s cache)');
  if (which('blkid')) t.is(spawnSync('blkid', ['-p', img], { env: ENV }).status, 8, 'blkid -p: ambivalent result');
});

withTools('mkswap', 'mksquashfs')('mkswap with a squashfs superblock over its first sector: ambiguous', (t) => {
  const img = sparse('amb2.img', 4 * MiB);
  fs.chmodSync(img, 0o600);
  run('mkswap', ['-q', img]);
  const dir = imgPath('content');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'x'), 'x\n');
  const sq = imgPath('sq.img');
  run('mksquashfs', [dir, sq, '-noappend', '-quiet']);
  const head = fs.readFileSync(sq).subarray(0, 1024);
  const fd = fs.openSync(img, 'r+');
  fs.writeSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  t.true(probeSafe(img).ambiguous);
});

// ---------------------------------------------------------------------------------------------
// tags, known types

withTools('mkfs.ext2')('probeTags: LABEL and UUID of an image; no PARTUUID outside a partition', (t) => {
  const img = sparse('tags.img', 8 * MiB);
  const uuid = '12121212-3434-4565-8787-909090909090';
  run('mkfs.ext2', ['-q', '-F', '-L', 'taglab', '-U', uuid, img]);
  t.deepEqual(probeTags(img), { LABEL: 'taglab', UUID: uuid });
});

test('knownFsType: blkid_known_fstype()', (t) => {
  for (const ty of ['ext2', 'ext4', 'vfat', 'xfs', 'swap', 'crypto_LUKS', 'squashfs', 'iso9660']) t.true(knownFsType(ty), ty);
  for (const ty of ['tmpfs', 'nosuchfs', '', 'auto']) t.false(knownFsType(ty), ty);
});

// ---------------------------------------------------------------------------------------------
// bad input: nothing found, never a throw, no descriptor left open

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

test('bad input: empty file, random bytes, a missing file, a directory, /dev/null, an offset past the end', (t) => {
  const empty = imgPath('empty.img');
  fs.writeFileSync(empty, '');
  const rnd = imgPath('random.img');
  fs.writeFileSync(rnd, noise(MiB));
  for (const f of [empty, rnd, path.join(tmp, 'does-not-exist'), tmp, '/dev/null']) {
    t.is(probeFile(f), undefined, f);
    t.deepEqual(probeSafe(f), { ambiguous: false }, f);
    t.deepEqual(probeTags(f), {}, f);
  }
  t.is(probeFile(rnd, 4 * MiB), undefined);
});

withTools('mkfs.ext2')('every probe closes its descriptor, found or not', (t) => {
  const img = sparse('fds.img', 8 * MiB);
  run('mkfs.ext2', ['-q', '-F', img]);
  // descriptors open on what was probed (other descriptors of the worker come and go)
  const onProbed = () => fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      const to = fs.readlinkSync(`/proc/self/fd/${fd}`);
      return to === img || to === tmp;
    } catch {
      return false;
    }
  }).length;
  for (let i = 0; i < 200; i++) {
    probeFile(img);
    probeSafe(tmp);
    probeTags(img);
  }
  t.is(onProbed(), 0);
});

// ---------------------------------------------------------------------------------------------
// loading: lazily, and a missing library said clearly

test('libblkid is mapped on the first probe, not when the modules are loaded', (t) => {
  const r = child(`
    const mapped = () => require('fs').readFileSync('/proc/self/maps', 'utf8').includes('libblkid');
    require('./devices/tags.js'); require('./lib/list.js'); require('./lib/mount.js');
    const b = require('./devices/blkid.js');
    const before = [mapped(), b.blkidLoaded()];
    require('./devices/identify.js').probeFile('/dev/null');
    console.log(JSON.stringify({ before, after: [mapped(), b.blkidLoaded()] }));`);
  t.deepEqual(r, { before: [false, false], after: [true, true] });
});

test('TSMOUNT_LIBBLKID names a library that is not there: BlkidUnavailable, listings show no label', (t) => {
  const r = child(`
    const i = require('./devices/identify.js');
    const out = {};
    try { i.probeFile('/dev/null'); } catch (e) { out.error = [e.name, e.library, e.message]; }
    try { require('./devices/blkid.js').knownFsType('ext2'); } catch (e) { out.known = e.name; }
    out.listing = i.probeForListing('/dev/null') ?? null;
    console.log(JSON.stringify(out));`, { TSMOUNT_LIBBLKID: '/nonexistent/libblkid.so.1' });
  t.deepEqual(r.error.slice(0, 2), ['BlkidUnavailable', '/nonexistent/libblkid.so.1']);
  t.regex(r.error[2], /^\/nonexistent\/libblkid\.so\.1 not available: .*No such file/);
  t.is(r.known, 'BlkidUnavailable');
  t.is(r.listing, null);
});

/** Run bin/tsmount.js ARGS; true when libblkid was mapped in the process when it exited. */
function commandMapsBlkid(args) {
  const hook = path.join(tmp, 'maps-hook.js');
  fs.writeFileSync(hook, `process.on('exit', () => { require('fs').writeSync(2,
    '\\nBLKID-MAPPED=' + require('fs').readFileSync('/proc/self/maps', 'utf8').includes('libblkid') + '\\n'); });`);
  const r = spawnSync(process.execPath, ['--require', hook, path.join(__dirname, '..', '..', 'bin', 'tsmount.js'), ...args],
    { encoding: 'utf8' });
  const m = /BLKID-MAPPED=(true|false)/.exec(r.stderr);
  if (!m) throw new Error(`no answer from the hook: ${r.stderr}`);
  return m[1] === 'true';
}

test('the commands open libblkid only to probe: not to list, not for a tmpfs mount (dry run)', (t) => {
  t.false(commandMapsBlkid([]), 'mount (listing)');
  t.false(commandMapsBlkid(['-t', 'tmpfs']), 'mount -t tmpfs (listing)');
  t.false(commandMapsBlkid(['--dry-run', '-t', 'tmpfs', 'x', tmp]), 'mount --dry-run -t tmpfs x DIR');
  t.false(commandMapsBlkid(['--output', 'TARGET,SOURCE']), 'mount --output TARGET,SOURCE');
});
