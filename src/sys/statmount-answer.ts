// statmount(2) answers: the request, the struct the kernel fills, and its decoding into a
// MountEntry with only the fields asked for. The layout is the kernel's
// (include/uapi/linux/mount.h, Linux 6.15+: mnt_opts replaced __spare1 in 6.11,
// fs_subtype…opt_sec_array came in 6.13, supported_mask in 6.15), checked by experiment: the man
// page's order of supported_mask is wrong.
import { statmountCaller } from './syscalls';
import { MountError } from './error';
import { E } from './errno';
import { MOUNT_ATTR, MS } from './constants';
import { decodeBytes } from './bytes';
import { unmangle } from '../tables/escape';
import { ALL_FIELDS } from '../tables/mountinfo';
import type { MountEntry, MountField } from '../tables/mountinfo';

export const SM = {
  SB_BASIC: 0x1, MNT_BASIC: 0x2, PROPAGATE_FROM: 0x4, MNT_ROOT: 0x8, MNT_POINT: 0x10, FS_TYPE: 0x20,
  MNT_OPTS: 0x80, FS_SUBTYPE: 0x100, SB_SOURCE: 0x200, SUPPORTED_MASK: 0x1000, MNT_UIDMAP: 0x2000, MNT_GIDMAP: 0x4000,
} as const;

// struct statmount: byte offsets of the fields read here, and of the string area.
const OFF = {
  size: 0, mntOpts: 4, mask: 8, devMajor: 16, devMinor: 20, sbFlags: 32, fsType: 36, mntId: 40, mntIdOld: 56,
  parentId: 48, parentIdOld: 60, attr: 64, propagation: 72, peerGroup: 80, master: 88, propagateFrom: 96, mntRoot: 104, mntPoint: 108,
  fsSubtype: 120, sbSource: 124, supportedMask: 144, uidmapNum: 152, uidmap: 156, gidmapNum: 160, gidmap: 164, str: 512,
} as const;

/** The statmount fields behind each MountEntry field (id and parent are always there: MNT_BASIC). */
const FIELD_MASK: Record<MountField, number> = {
  devno: SM.SB_BASIC,
  root: SM.MNT_ROOT,
  target: SM.MNT_POINT,
  vfsOptions: 0,
  optional: 0,
  propagateFrom: SM.PROPAGATE_FROM,
  fstype: SM.FS_TYPE | SM.FS_SUBTYPE,
  source: SM.SB_SOURCE,
  fsOptions: SM.SB_BASIC | SM.MNT_OPTS,
};

/** What statmount tells about one mount: the mountinfo line's fields, plus the 64-bit unique IDs. */
export interface StatmountEntry extends MountEntry {
  uniqueId: bigint;
  /** The parent's unique ID (the mount's own for the namespace's root). */
  parentUniqueId: bigint;
}

/** What to ask the kernel for, and what to make of the answer. */
export interface Request {
  mask: number;
  /** Fill `optional` (shared:, master:, unbindable, and with PROPAGATE_FROM propagate_from:). */
  optional: boolean;
}

export function requestFor(fields: readonly MountField[]): Request {
  let mask = SM.MNT_BASIC | SM.SUPPORTED_MASK;
  for (const f of fields) mask |= FIELD_MASK[f];
  return { mask, optional: fields.includes('optional') || fields.includes('propagateFrom') };
}

// One request and one answer buffer for every call: a table of 50,000 mounts is 50,000 calls,
// so the loop reads the answer through typed-array views (no per-read bounds checks or BigInt
// arithmetic) and writes each ID into the request as two 32-bit words. 4 KiB holds any ordinary
// mount; EOVERFLOW asks for more.
class Answer {
  readonly buf: Buffer;
  readonly u32: Uint32Array;
  readonly u64: BigUint64Array;
  constructor(size: number) {
    this.buf = Buffer.alloc(size); // not from the pool: its own 8-byte aligned ArrayBuffer
    this.u32 = new Uint32Array(this.buf.buffer, this.buf.byteOffset, size / 4);
    this.u64 = new BigUint64Array(this.buf.buffer, this.buf.byteOffset, size / 8);
  }
}
const req = Buffer.alloc(32);
const req32 = new Uint32Array(req.buffer, req.byteOffset, 8);
let answer = new Answer(4096);

const vfsCache = new Map<number, string>();
/** Per-mount options as mountinfo's sixth field spells them (fs/proc_namespace.c show_mnt_opts). */
function vfsOptions(attr: number): string {
  let s = vfsCache.get(attr);
  if (s !== undefined) return s;
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
  s = o.join(',');
  vfsCache.set(attr, s);
  return s;
}

const SB_RDONLY = 1;
const SB_SYNCHRONOUS = 16;
const SB_DIRSYNC = 128;
const SB_LAZYTIME = 1 << 25;

const sbCache = new Map<number, string>();
/**
 * The superblock flags mountinfo starts its last field with (show_sb_opts). statmount reports only
 * RDONLY, SYNCHRONOUS, DIRSYNC and LAZYTIME: a superblock mounted with the deprecated "mand"
 * shows ",mand" in mountinfo and nothing here.
 */
function sbOptions(flags: number): string {
  let s = sbCache.get(flags);
  if (s !== undefined) return s;
  s = flags & SB_RDONLY ? 'ro' : 'rw';
  if (flags & SB_SYNCHRONOUS) s += ',sync';
  if (flags & SB_DIRSYNC) s += ',dirsync';
  if (flags & SB_LAZYTIME) s += ',lazytime';
  sbCache.set(flags, s);
  return s;
}

// A u32 field's index in the Uint32Array view (and a u64 field's in the BigUint64Array view).
const W = (off: number): number => off / 4;
const D = (off: number): number => off / 8;
const HIGH = /[\x80-\xff]/;

/**
 * One string field of the answer in `a`, whose string area is `text` (decoded as latin1: one
 * character per byte, so the kernel's byte offsets index it). Plain ASCII (`ascii`: the whole
 * area, as nearly always) is the slice itself; anything else is decoded as bytes (paths are
 * bytes, sys/bytes.ts).
 */
function field(a: Answer, text: string, ascii: boolean, mask: number, off: number, bit: number): string {
  if (!(mask & bit)) return '';
  const rel = a.u32[W(off)];
  const end = text.indexOf('\0', rel);
  const v = text.slice(rel, end < 0 ? text.length : end);
  return ascii || !HIGH.test(v) ? v : decodeBytes(a.buf, OFF.str + rel, OFF.str + rel + v.length);
}

function decode(a: Answer, r: Request): StatmountEntry {
  const u32 = a.u32;
  const want = r.mask;
  const mask = u32[W(OFF.mask)];
  // Kernels before 6.15 have no supported_mask (before 6.13 no source or subtype, before 6.11 no
  // options): an answer without a field asked for cannot stand for a mountinfo line, so the caller
  // reads mountinfo instead. (Fields a mount simply lacks, like a subtype, are not flagged.)
  const needed = want & ~SM.SUPPORTED_MASK;
  const supported = mask & SM.SUPPORTED_MASK ? u32[W(OFF.supportedMask)] : 0;
  if ((supported & needed) !== needed) throw new MountError({ syscall: 'statmount', errno: E.ENOSYS });
  const size = Math.min(u32[W(OFF.size)], a.buf.length);
  const text = size > OFF.str ? a.buf.toString('latin1', OFF.str, size) : '';
  const ascii = !HIGH.test(text);
  const optional: string[] = [];
  if (r.optional) {
    const prop = u32[W(OFF.propagation)];
    if (prop & MS.SHARED) optional.push(`shared:${a.u64[D(OFF.peerGroup)]}`);
    if (prop & MS.SLAVE) {
      const master = a.u64[D(OFF.master)];
      optional.push(`master:${master}`);
      const from = mask & SM.PROPAGATE_FROM ? a.u64[D(OFF.propagateFrom)] : 0n;
      if (from && from !== master) optional.push(`propagate_from:${from}`);
    }
    if (prop & MS.UNBINDABLE) optional.push('unbindable');
  }
  let fsOptions = '';
  if (mask & SM.SB_BASIC) {
    // The kernel escapes option values as mountinfo does (seq_show_option); mountinfo readers unmangle.
    const opts = field(a, text, ascii, mask, OFF.mntOpts, SM.MNT_OPTS);
    const sb = sbOptions(u32[W(OFF.sbFlags)]);
    fsOptions = opts ? `${sb},${opts.indexOf('\\') < 0 ? opts : unmangle(opts)}` : sb;
  }
  const fstype = field(a, text, ascii, mask, OFF.fsType, SM.FS_TYPE);
  const subtype = field(a, text, ascii, mask, OFF.fsSubtype, SM.FS_SUBTYPE);
  return {
    uniqueId: a.u64[D(OFF.mntId)],
    parentUniqueId: a.u64[D(OFF.parentId)],
    id: u32[W(OFF.mntIdOld)],
    parent: u32[W(OFF.parentIdOld)],
    devno: mask & SM.SB_BASIC ? `${u32[W(OFF.devMajor)]}:${u32[W(OFF.devMinor)]}` : '',
    root: field(a, text, ascii, mask, OFF.mntRoot, SM.MNT_ROOT),
    target: field(a, text, ascii, mask, OFF.mntPoint, SM.MNT_POINT),
    vfsOptions: vfsOptions(u32[W(OFF.attr)]),
    optional,
    fstype: subtype ? `${fstype}.${subtype}` : fstype,
    source: want & SM.SB_SOURCE ? field(a, text, ascii, mask, OFF.sbSource, SM.SB_SOURCE) || 'none' : '',
    fsOptions,
  };
}

/** The request for one mount: the 64-bit ID as two words (from a listmount answer, or a bigint). */
function setRequest(mask: number, lo: number, hi: number): void {
  req32[0] = 32;
  req32[1] = 0;
  req32[2] = lo;
  req32[3] = hi;
  req32[4] = mask;
  req32[5] = 0;
}

/**
 * statmount(2) of the request set into `answer` (grown on EOVERFLOW): false when the mount went
 * away; any other failure is thrown.
 */
function answered(call: (req: Buffer, buf: Buffer) => number): boolean {
  for (;;) {
    const err = -call(req, answer.buf);
    if (err === E.EOVERFLOW && answer.buf.length < 1 << 24) {
      answer = new Answer(answer.buf.length * 4);
      continue;
    }
    if (err === E.ENOENT) return false;
    if (err) throw new MountError({ syscall: 'statmount', errno: err });
    return true;
  }
}

/** statmount(2) of the request set; the answer decoded, or undefined when the mount went away. */
function ask(call: (req: Buffer, buf: Buffer) => number, r: Request): StatmountEntry | undefined {
  return answered(call) ? decode(answer, r) : undefined;
}

/** A listmount answer as 32-bit words (low, high of each ID). */
function idWords(ids: Buffer): Uint32Array {
  if (ids.byteOffset % 4 === 0) return new Uint32Array(ids.buffer, ids.byteOffset, ids.length / 4);
  return new Uint32Array(new Uint8Array(ids).buffer); // a copy of its own, aligned
}

/** statmount(2) of one mount by unique ID. Undefined when there is no such mount (any more). */
export function statmountRaw(id: bigint, r: Request): StatmountEntry | undefined {
  setRequest(r.mask, Number(id & 0xffffffffn), Number(id >> 32n));
  return ask(statmountCaller(), r);
}

/** statmount(2) of one mount ID, with the fields asked for (unasked strings are ''). */
export function statmountId(id: bigint, fields: readonly MountField[] = ALL_FIELDS): StatmountEntry {
  const e = statmountRaw(id, requestFor(fields));
  if (!e) throw new MountError({ syscall: 'statmount', errno: E.ENOENT });
  return e;
}

/**
 * Is any of `count` mounts, spread evenly over a listmount answer, a slave? Asks for MNT_BASIC only
 * (numbers, no strings): the cheapest statmount there is.
 */
export function sampleHasSlave(ids: Buffer, count: number): boolean {
  const words = idWords(ids);
  const n = words.length / 2;
  const step = Math.max(1, n / count);
  const call = statmountCaller();
  for (let k = 0; k < n; k += step) {
    const i = 2 * Math.floor(k);
    setRequest(SM.MNT_BASIC, words[i], words[i + 1]);
    const err = -call(req, answer.buf);
    if (err === E.ENOENT) continue; // gone meanwhile
    if (err) throw new MountError({ syscall: 'statmount', errno: err });
    if (answer.u32[W(OFF.propagation)] & MS.SLAVE) return true;
  }
  return false;
}

/**
 * statmount(2) of every ID in a listmount answer, one as each is taken (mounts gone in the
 * meantime are left out): a listing formats each and keeps none, so 50,000 entries never live at
 * once for the garbage collector to copy.
 */
export function* statmountEach(ids: Buffer, fields: readonly MountField[]): Generator<StatmountEntry> {
  const r = requestFor(fields);
  const call = statmountCaller();
  const words = idWords(ids);
  for (let i = 0; i < words.length; i += 2) {
    setRequest(r.mask, words[i], words[i + 1]);
    const e = ask(call, r);
    if (e) yield e;
  }
}


/** An ID-mapped mount's mappings, as the caller's namespace sees them: "inside outside count" each. */
export interface Idmaps {
  uid: string[];
  gid: string[];
}

/**
 * The ID mappings of the mount with this unique ID (statmount MNT_UIDMAP/MNT_GIDMAP, Linux 6.15+):
 * empty lists for a mount that is not ID-mapped, undefined when the mount is gone. Throws
 * MountError(ENOSYS) on a kernel that cannot report them.
 */
export function statmountIdmaps(id: bigint): Idmaps | undefined {
  const mask = SM.MNT_BASIC | SM.SUPPORTED_MASK | SM.MNT_UIDMAP | SM.MNT_GIDMAP;
  setRequest(mask, Number(id & 0xffffffffn), Number(id >> 32n));
  if (!answered(statmountCaller())) return undefined;
  const u32 = answer.u32;
  const got = u32[W(OFF.mask)];
  const supported = got & SM.SUPPORTED_MASK ? u32[W(OFF.supportedMask)] : 0;
  if ((supported & (SM.MNT_UIDMAP | SM.MNT_GIDMAP)) !== (SM.MNT_UIDMAP | SM.MNT_GIDMAP)) {
    throw new MountError({ syscall: 'statmount', errno: E.ENOSYS });
  }
  const size = Math.min(u32[W(OFF.size)], answer.buf.length);
  // Each list: `num` NUL-terminated "inside outside count" strings from its offset in the string area.
  const list = (bit: number, numOff: number, strOff: number): string[] => {
    if (!(got & bit)) return [];
    const out: string[] = [];
    let at = OFF.str + u32[W(strOff)];
    for (let i = u32[W(numOff)]; i > 0 && at < size; i--) {
      const end = answer.buf.indexOf(0, at);
      const stop = end < 0 || end > size ? size : end;
      out.push(answer.buf.toString('latin1', at, stop));
      at = stop + 1;
    }
    return out;
  };
  return { uid: list(SM.MNT_UIDMAP, OFF.uidmapNum, OFF.uidmap), gid: list(SM.MNT_GIDMAP, OFF.gidmapNum, OFF.gidmap) };
}
