// Mounts described by the kernel's own calls (Linux 6.8+), without /proc/self/mountinfo:
// statx(STATX_MNT_ID_UNIQUE) gives the 64-bit ID of the mount a path is on, listmount(2) the IDs
// of every mount in the namespace (or under one mount), statmount(2) describes one mount with only
// the fields asked for (sys/statmount-answer.ts). mountinfo makes the kernel compose every field of
// every line, and for a mount that is a slave its propagate_from: walks the master's whole peer
// group; statmount is never asked for that field unless the output shows it.
import { sysStatx } from './syscalls';
import { MountError } from './error';
import { E } from './errno';
import { AT } from './constants';
import { requestFor, statmountRaw, StatmountEntry } from './statmount-answer';
import { ALL_FIELDS } from '../tables/mountinfo';
import type { MountField } from '../tables/mountinfo';

export { StatmountEntry, statmountId, statmountEach, sampleHasSlave, statmountIdmaps } from './statmount-answer';
export type { Idmaps } from './statmount-answer';
export { ALL_FIELDS } from '../tables/mountinfo';
export { listMountIds, sampleMountIds, LSMT_ROOT } from './listmount';

const STATX_MNT_ID_UNIQUE = 0x4000;
let unsupported = false;

/** statx's "this is the root of a mount" attribute (Linux 5.8+). */
const STATX_ATTR_MOUNT_ROOT = 0x2000;
const statxBuf = Buffer.alloc(256);

/**
 * The unique ID of the mount `path` is on, and whether `path` is that mount's root: false only
 * when the kernel says so (stx_attributes_mask has STATX_ATTR_MOUNT_ROOT and stx_attributes not).
 */
function statxMount(path: string): { id: bigint; mountRoot: boolean } {
  // AT_STATX_DONT_SYNC: the mount ID needs no fresh attributes, and a FUSE mount whose server
  // stopped answering would otherwise hang the caller (umount -l must never wait for it).
  sysStatx(path, AT.NO_AUTOMOUNT | AT.STATX_DONT_SYNC, STATX_MNT_ID_UNIQUE, statxBuf);
  if ((statxBuf.readUInt32LE(0) & STATX_MNT_ID_UNIQUE) === 0) throw new MountError({ syscall: 'statx', errno: E.ENOSYS, target: path });
  const known = (statxBuf.readUInt32LE(0x38) & STATX_ATTR_MOUNT_ROOT) !== 0;
  return { id: statxBuf.readBigUInt64LE(0x90), mountRoot: !known || (statxBuf.readUInt32LE(0x08) & STATX_ATTR_MOUNT_ROOT) !== 0 };
}

/** The unique mount ID of the mount `path` is on. */
export function mountIdOf(path: string): bigint {
  return statxMount(path).id;
}

/**
 * Is this error the kernel saying it has no statmount/listmount (or not these fields)? EPERM too:
 * the seccomp profiles of older container runtimes answer it for every call they do not know.
 */
export function isUnsupported(e: unknown): boolean {
  return e instanceof MountError && (e.errno === E.ENOSYS || e.errno === E.EINVAL || e.errno === E.EOPNOTSUPP || e.errno === E.EPERM);
}

/** Remember (for this process) that statmount cannot serve: every later caller reads mountinfo. */
export function markUnsupported(): void {
  unsupported = true;
}

export function statmountUnsupported(): boolean {
  return unsupported;
}

/**
 * The mount `path` is on: the topmost mount on it when it is a mount point, else the mount that
 * holds it. Undefined when the path cannot be reached (ENOENT, ENOTDIR, EACCES). Throws
 * MountError(ENOSYS) when the kernel has no statmount: use mountinfo then.
 */
export function statmountOf(path: string, fields: readonly MountField[] = ALL_FIELDS): StatmountEntry | undefined {
  return reachable(path, () => statmountRaw(mountIdOf(path), requestFor(fields)));
}

/**
 * The topmost mount whose mount point is exactly `path` (canonical), or undefined when `path` is
 * not a mount point. Throws MountError(ENOSYS) when the kernel has no statmount: use mountinfo then.
 */
export function statmountAt(path: string, fields: readonly MountField[] = ALL_FIELDS): StatmountEntry | undefined {
  return reachable(path, () => {
    // No mount root there (the first run of mount -a, every entry): nothing to describe.
    const at = statxMount(path);
    if (!at.mountRoot) return undefined;
    const e = statmountRaw(at.id, requestFor(fields.includes('target') ? fields : [...fields, 'target']));
    return e && e.target === path ? e : undefined;
  });
}

/**
 * A statx/statmount question about `path`: undefined when the path cannot be reached (ENOENT,
 * ENOTDIR, EACCES); MountError(ENOSYS), remembered for the process, when the kernel cannot answer.
 */
function reachable(path: string, ask: () => StatmountEntry | undefined): StatmountEntry | undefined {
  if (unsupported) throw new MountError({ syscall: 'statmount', errno: E.ENOSYS, target: path });
  try {
    return ask();
  } catch (err) {
    if (isUnsupported(err)) {
      unsupported = true;
      throw new MountError({ syscall: 'statmount', errno: E.ENOSYS, target: path });
    }
    if (err instanceof MountError && (err.errno === E.ENOENT || err.errno === E.ENOTDIR || err.errno === E.EACCES)) return undefined;
    throw err;
  }
}

/**
 * Every mount on the mount point of `top` (its topmost mount), `top` first, each looked up only
 * when the caller gets that far: the mount an over-mount covers is its parent, on the same mount
 * point. Parents are looked up by unique ID.
 */
export function* statmountStack(top: StatmountEntry, fields: readonly MountField[]): Generator<StatmountEntry> {
  yield top;
  const r = requestFor(fields.includes('target') ? fields : [...fields, 'target']);
  for (let e = top; e.parentUniqueId !== e.uniqueId;) {
    const p = statmountRaw(e.parentUniqueId, r);
    if (!p || p.target !== top.target) return;
    yield p;
    e = p;
  }
}
