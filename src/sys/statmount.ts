// One mount looked up by path without reading the whole mount table: statx(STATX_MNT_ID_UNIQUE)
// gives the 64-bit ID of the mount a path is on, statmount(2) (Linux 6.8+) describes it.
// The struct layout is the kernel's (include/uapi/linux/mount.h), checked by experiment:
// the man page's order of supported_mask is wrong.
import { sysStatx, sysStatmount } from './syscalls';
import { MountError } from './error';
import { E } from './errno';
import { MOUNT_ATTR, MS } from './constants';
import { decodeBytes } from './bytes';
import type { MountEntry } from '../tables/mountinfo';

const STATX_MNT_ID_UNIQUE = 0x4000;
const AT_NO_AUTOMOUNT = 0x800;
const AT_STATX_DONT_SYNC = 0x4000;
const SM = {
  SB_BASIC: 0x1, MNT_BASIC: 0x2, PROPAGATE_FROM: 0x4, MNT_ROOT: 0x8, MNT_POINT: 0x10, FS_TYPE: 0x20,
  MNT_OPTS: 0x80, FS_SUBTYPE: 0x100, SB_SOURCE: 0x200, SUPPORTED_MASK: 0x1000,
} as const;
const MASK = SM.SB_BASIC | SM.MNT_BASIC | SM.PROPAGATE_FROM | SM.MNT_ROOT | SM.MNT_POINT | SM.FS_TYPE | SM.MNT_OPTS
  | SM.FS_SUBTYPE | SM.SB_SOURCE | SM.SUPPORTED_MASK;

/** What statmount tells about one mount: a mountinfo line, plus the 64-bit unique ID. */
export interface StatmountEntry extends MountEntry {
  uniqueId: bigint;
}

let unsupported = false;

/** The unique mount ID of the mount `path` is on. */
export function mountIdOf(path: string): bigint {
  const buf = Buffer.alloc(256);
  // AT_STATX_DONT_SYNC: the mount ID needs no fresh attributes, and a FUSE mount whose server
  // stopped answering would otherwise hang the caller (umount -l must never wait for it).
  sysStatx(path, AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC, STATX_MNT_ID_UNIQUE, buf);
  if ((buf.readUInt32LE(0) & STATX_MNT_ID_UNIQUE) === 0) throw new MountError({ syscall: 'statx', errno: E.ENOSYS, target: path });
  return buf.readBigUInt64LE(0x90);
}

function str(buf: Buffer, field: number, mask: number, bit: number): string {
  if (!(mask & bit)) return '';
  const off = 512 + buf.readUInt32LE(field);
  const end = buf.indexOf(0, off);
  return decodeBytes(buf, off, end < 0 ? buf.length : end); // paths are bytes
}

function vfsOptions(attr: number): string {
  const o = [attr & MOUNT_ATTR.RDONLY ? 'ro' : 'rw'];
  if (attr & MOUNT_ATTR.NOSUID) o.push('nosuid');
  if (attr & MOUNT_ATTR.NODEV) o.push('nodev');
  if (attr & MOUNT_ATTR.NOEXEC) o.push('noexec');
  const at = attr & MOUNT_ATTR._ATIME;
  if (at === MOUNT_ATTR.NOATIME) o.push('noatime');
  if (attr & MOUNT_ATTR.NODIRATIME) o.push('nodiratime');
  if (at === MOUNT_ATTR.RELATIME) o.push('relatime');
  if (attr & MOUNT_ATTR.NOSYMFOLLOW) o.push('nosymfollow');
  if (attr & MOUNT_ATTR.IDMAP) o.push('idmapped');
  return o.join(',');
}

const SB_RDONLY = 1;
const SB_SYNCHRONOUS = 16;
const SB_MANDLOCK = 64;
const SB_DIRSYNC = 128;
const SB_LAZYTIME = 1 << 25;

/** statmount(2) of one mount ID. */
export function statmountId(id: bigint): StatmountEntry {
  const req = Buffer.alloc(32);
  req.writeUInt32LE(32, 0);
  req.writeBigUInt64LE(id, 8);
  req.writeBigUInt64LE(BigInt(MASK), 16);
  let size = 4096;
  for (;;) {
    const buf = Buffer.alloc(size);
    try {
      sysStatmount(req, buf);
    } catch (e) {
      if (e instanceof MountError && e.errno === E.EOVERFLOW && size < 1 << 24) {
        size *= 4;
        continue;
      }
      throw e;
    }
    const mask = Number(buf.readBigUInt64LE(8));
    // Kernels before 6.15 cannot report the source or the subtype (before 6.11 not the options) and
    // have no supported_mask to say so: such an answer cannot stand for a mountinfo line, so the
    // caller reads mountinfo instead. (Fields a mount simply lacks, like a subtype, are not flagged.)
    const needed = SM.SB_BASIC | SM.MNT_BASIC | SM.MNT_ROOT | SM.MNT_POINT | SM.FS_TYPE | SM.MNT_OPTS | SM.SB_SOURCE | SM.FS_SUBTYPE;
    const supported = mask & SM.SUPPORTED_MASK ? Number(buf.readBigUInt64LE(144)) : 0;
    if ((supported & needed) !== needed) throw new MountError({ syscall: 'statmount', errno: E.ENOSYS });
    const sbFlags = buf.readUInt32LE(32);
    const attr = Number(buf.readBigUInt64LE(64));
    const prop = Number(buf.readBigUInt64LE(72));
    const peer = buf.readBigUInt64LE(80);
    const master = buf.readBigUInt64LE(88);
    const from = buf.readBigUInt64LE(96);
    const optional: string[] = [];
    if (prop & MS.SHARED) optional.push(`shared:${peer}`);
    if (prop & MS.SLAVE) {
      optional.push(`master:${master}`);
      if (mask & SM.PROPAGATE_FROM && from && from !== master) optional.push(`propagate_from:${from}`);
    }
    if (prop & MS.UNBINDABLE) optional.push('unbindable');
    const sb = [sbFlags & SB_RDONLY ? 'ro' : 'rw'];
    if (sbFlags & SB_SYNCHRONOUS) sb.push('sync');
    if (sbFlags & SB_DIRSYNC) sb.push('dirsync');
    if (sbFlags & SB_MANDLOCK) sb.push('mand');
    if (sbFlags & SB_LAZYTIME) sb.push('lazytime');
    const opts = str(buf, 4, mask, SM.MNT_OPTS);
    const fstype = str(buf, 36, mask, SM.FS_TYPE);
    const subtype = str(buf, 120, mask, SM.FS_SUBTYPE);
    return {
      uniqueId: buf.readBigUInt64LE(40),
      id: buf.readUInt32LE(56),
      parent: buf.readUInt32LE(60),
      devno: `${buf.readUInt32LE(16)}:${buf.readUInt32LE(20)}`,
      root: str(buf, 104, mask, SM.MNT_ROOT),
      target: str(buf, 108, mask, SM.MNT_POINT),
      vfsOptions: vfsOptions(attr),
      optional,
      fstype: subtype ? `${fstype}.${subtype}` : fstype,
      source: str(buf, 124, mask, SM.SB_SOURCE) || 'none',
      fsOptions: opts ? `${sb.join(',')},${opts}` : sb.join(','),
    };
  }
}

/**
 * The topmost mount whose mount point is exactly `path` (canonical), or undefined when `path` is
 * not a mount point. Throws MountError(ENOSYS) when the kernel has no statmount: use mountinfo then.
 */
export function statmountAt(path: string): StatmountEntry | undefined {
  if (unsupported) throw new MountError({ syscall: 'statmount', errno: E.ENOSYS, target: path });
  try {
    const e = statmountId(mountIdOf(path));
    return e.target === path ? e : undefined;
  } catch (err) {
    if (err instanceof MountError && (err.errno === E.ENOSYS || err.errno === E.EINVAL || err.errno === E.EOPNOTSUPP)) {
      unsupported = true;
      throw new MountError({ syscall: 'statmount', errno: E.ENOSYS, target: path });
    }
    if (err instanceof MountError && (err.errno === E.ENOENT || err.errno === E.ENOTDIR || err.errno === E.EACCES)) return undefined;
    throw err;
  }
}
