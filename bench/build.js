'use strict';
// Table builder for the benchmark: calls mount(2)/umount2(2) straight through koffi (no
// process per mount), so 50,000 mounts take seconds. Use only inside a private mount
// namespace (bench/run.js guarantees that).
//
// Trees are built like the baseline's mntfx: a two-level tree under DIR, ceil(sqrt(N))
// top-level mounts DIR/dNNNN, each holding its share of the rest as DIR/dNNNN/mNNNNNN, so N
// counts every mount of the tree (DIR itself, when it is a mount, is not counted).
const fs = require('fs');
const path = require('path');

const MS_RDONLY = 1;
const MS_REMOUNT = 32;
const MNT_DETACH = 2;

let sys;
function load() {
  if (sys) return sys;
  const koffi = require('koffi');
  const libc = koffi.load('libc.so.6');
  sys = {
    koffi,
    mount: libc.func('mount', 'int', ['str', 'str', 'str', 'unsigned long', 'str']),
    umount2: libc.func('umount2', 'int', ['str', 'int']),
  };
  return sys;
}

function fail(what, target) {
  const errno = load().koffi.errno();
  const e = new Error(`${what}(${target}) failed: errno ${errno}`);
  e.errno = errno;
  return e;
}

/** mount(2); throws on failure. */
function mount(source, target, fstype, flags, data) {
  if (load().mount(source, target, fstype, flags >>> 0, data) !== 0) throw fail('mount', target);
}

/** umount2(2); throws on failure. */
function umount2(target, flags = 0) {
  if (load().umount2(target, flags) !== 0) throw fail('umount2', target);
}

/** Lazy detach of a whole subtree (one call, the kernel frees it in the background); no error if not mounted. */
function detach(target) {
  return load().umount2(target, MNT_DETACH) === 0;
}

/** Make DIR a fresh empty mount of its own (tmpfs), detaching whatever was there first. */
function freshDir(dir, fstype = 'tmpfs', data = 'size=64m') {
  fs.mkdirSync(dir, { recursive: true });
  while (detach(dir)) { /* peel every stacked mount */ }
  mount(fstype, dir, fstype, 0, data);
}

function pad(n, w) {
  return String(n).padStart(w, '0');
}

/**
 * Add `n` mounts of `fstype` as a two-level tree under `dir` (which must be empty and on a
 * writable filesystem). Returns { top, mounts, ms }.
 */
function buildTree(dir, n, { fstype = 'tmpfs', data = 'size=4k' } = {}) {
  const t0 = process.hrtime.bigint();
  if (n <= 0) return { top: 0, mounts: 0, ms: 0 };
  const top = Math.ceil(Math.sqrt(n));
  const rest = n - top;
  const per = Math.floor(rest / top);
  let extra = rest - per * top;
  let made = 0;
  let child = 0;
  for (let i = 0; i < top; i++) {
    const d = path.join(dir, `d${pad(i, 4)}`);
    fs.mkdirSync(d);
    mount(fstype, d, fstype, 0, data);
    made++;
    const k = per + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    for (let j = 0; j < k; j++) {
      const m = path.join(d, `m${pad(child++, 6)}`);
      fs.mkdirSync(m);
      mount(fstype, m, fstype, 0, data);
      made++;
    }
  }
  return { top, mounts: made, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Add `n` flat sibling mounts DIR/<prefix>NNNNNN (indices from `start`). */
function buildFlat(dir, n, { fstype = 'tmpfs', data = 'size=4k', prefix = 'f', start = 0 } = {}) {
  const t0 = process.hrtime.bigint();
  for (let i = start; i < start + n; i++) {
    const m = path.join(dir, `${prefix}${pad(i, 6)}`);
    fs.mkdirSync(m, { recursive: true });
    mount(fstype, m, fstype, 0, data);
  }
  return { mounts: n, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Write an fstab of `n` lines "tmpfs DIR/eNNNNNN tmpfs size=4k 0 0" and create the mount points. */
function writeFstab(file, dir, n, { fstype = 'tmpfs', options = 'size=4k' } = {}) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const m = path.join(dir, `e${pad(i, 6)}`);
    fs.mkdirSync(m, { recursive: true });
    lines.push(`${fstype} ${m} ${fstype} ${options} 0 0`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return lines.length;
}

/** Mount every entry of an fstab written by writeFstab (to set up "second run" of mount -a). */
function mountFstab(file) {
  let made = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const f = line.split(/\s+/);
    if (f.length < 4 || line.startsWith('#')) continue;
    mount(f[0], f[1], f[2], 0, f[3] === 'defaults' ? null : f[3]);
    made++;
  }
  return made;
}

/** Number of mounts in this namespace whose mount point is `dir` or lies below it. */
function countUnder(dir) {
  const text = fs.readFileSync('/proc/self/mountinfo', 'latin1');
  const a = ` ${dir} `;
  const b = ` ${dir}/`;
  let n = 0;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    // field 5 is the mount point: after "id parent maj:min root "
    let sp = 0;
    let k = 0;
    for (; k < 4 && sp >= 0; k++) sp = line.indexOf(' ', sp + 1);
    const rest = line.slice(sp);
    if (rest.startsWith(a) || rest.startsWith(b)) n++;
    pos = end + 1;
  }
  return n;
}

/** Total number of mounts in this namespace. */
function countAll() {
  const text = fs.readFileSync('/proc/self/mountinfo', 'latin1');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

module.exports = {
  MS_RDONLY, MS_REMOUNT, MNT_DETACH,
  load, mount, umount2, detach, freshDir, buildTree, buildFlat, writeFstab, mountFstab, countUnder, countAll,
};
