// Path helpers shared by mount and umount: canonical paths as libmount makes them.
import fs = require('fs');
import path = require('path');
import { decodeBytes, osPath } from '../sys/bytes';
import { pathKind } from '../sys/syscalls';

/**
 * realpath() when the path exists, else the path as given (libmount keeps unresolvable paths).
 * The C library's realpath (readlink per component), not Node's JavaScript one (lstat per
 * component): lstat of a FUSE mount point asks its server, and a dead server would hang us.
 */
export function canonical(p: string): string {
  if (p === '') return p; // realpath("") would be the current directory: an empty path names nothing
  if (dirCache) {
    const cached = canonicalInCachedDir(p, dirCache);
    if (cached !== undefined) return cached;
  }
  return realpath(p) ?? p;
}

function realpath(p: string): string | undefined {
  try {
    // As bytes both ways: a plain path can lead into a directory whose name is not UTF-8.
    return decodeBytes(fs.realpathSync.native(osPath(p), { encoding: 'buffer' }));
  } catch {
    return undefined;
  }
}

/**
 * Canonical directories of the run in progress (withCanonicalCache), as libmount's path cache
 * holds them for a whole `mount -a`: a thousand entries below one directory resolve it once.
 */
let dirCache: Map<string, string> | undefined;

/** Run `steps` with canonical() remembering the directories it resolves (a generator: until it ends). */
export function* withCanonicalCache<T>(steps: Generator<void, T, void>): Generator<void, T, void> {
  if (dirCache) return yield* steps;
  dirCache = new Map();
  try {
    return yield* steps;
  } finally {
    dirCache = undefined;
  }
}

/**
 * DIR/NAME when DIR's canonical form is cached (else resolved now and cached) and NAME is no
 * symlink: one question of NAME (sys/syscalls.ts pathKind: a statx that asks no FUSE server and
 * triggers no automount, once koffi is loaded) — which also says whether NAME exists — instead of
 * one readlink(2) per component. (Node's readlink, which fails with EINVAL for every plain
 * directory, costs an exception object: three times the system call.)
 * Undefined when that cannot decide (not a plain absolute path, a symlink, an error): realpath then.
 */
function canonicalInCachedDir(p: string, cache: Map<string, string>): string | undefined {
  if (!p.startsWith('/') || p.endsWith('/') || p.includes('//') || /(^|\/)\.\.?(\/|$)/.test(p)) return undefined;
  const slash = p.lastIndexOf('/');
  if (slash === 0) return undefined;
  const dir = p.slice(0, slash);
  let canonDir = cache.get(dir);
  if (canonDir === undefined) {
    canonDir = realpath(dir);
    if (canonDir === undefined) return undefined;
    cache.set(dir, canonDir);
  }
  const kind = pathKind(p);
  if (kind === 'missing' || kind === 'notdir') return p; // nothing there: the path as given
  if (kind !== 'other') return undefined; // a symlink (resolved in full), or an error
  return `${canonDir === '/' ? '' : canonDir}${p.slice(slash)}`;
}

/** Join --target-prefix and a target as libmount does: PREFIX/target-without-leading-slash. */
export function withPrefix(prefix: string | undefined, target: string): string {
  if (!prefix) return target;
  if (target === '/') return prefix;
  return path.join(prefix, target.replace(/^\/+/, ''));
}

// throwIfNoEntry: a missing path is an answer, not an exception (mount -a asks thousands of times).
/** stat(2) of a path, or undefined when it cannot be stat'ed. */
export function stat(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(osPath(p), { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** lstat(2) of a path (a final symlink itself), or undefined. */
export function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(osPath(p), { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

export function isRegularFile(p: string): boolean {
  return stat(p)?.isFile() ?? false;
}

export function isBlockDevice(p: string): boolean {
  return stat(p)?.isBlockDevice() ?? false;
}

export function isDirectory(p: string): boolean {
  return stat(p)?.isDirectory() ?? false;
}

export function exists(p: string): boolean {
  return lstat(p) !== undefined;
}

/**
 * Filesystems whose source is not a path (pseudo and network filesystems): their source is
 * never canonicalized, never loop-mounted and never probed.
 */
const PSEUDO = new Set(['tmpfs', 'ramfs', 'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'mqueue',
  'hugetlbfs', 'debugfs', 'tracefs', 'securityfs', 'pstore', 'bpf', 'configfs', 'fusectl', 'autofs', 'binfmt_misc',
  'overlay', 'efivarfs', 'nsfs', 'rpc_pipefs', 'nfsd', 'selinuxfs', 'none', 'fuse', 'fuse.bindfs', 'aufs', 'shm']);
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', '9p', 'ceph', 'glusterfs', 'afs', 'ncpfs', 'sshfs']);

export function isPseudoFs(type: string | undefined): boolean {
  return type !== undefined && (PSEUDO.has(type) || type.startsWith('fuse'));
}

export function isNetworkFs(type: string | undefined): boolean {
  return type !== undefined && (NETWORK.has(type) || type.startsWith('fuse.sshfs'));
}

/** libmount's pseudo-filesystem list (utils.c mnt_fstype_is_pseudofs), exactly: it decides canonicalization. */
const LIBMOUNT_PSEUDO = new Set(['anon_inodefs', 'apparmorfs', 'autofs', 'bdev', 'binder', 'binfmt_misc', 'bpf', 'cgroup',
  'cgroup2', 'configfs', 'cpuset', 'debugfs', 'devfs', 'devpts', 'devtmpfs', 'dlmfs', 'dmabuf', 'drm', 'efivarfs', 'fuse',
  'fuse.archivemount', 'fuse.avfsd', 'fuse.dumpfs', 'fuse.encfs', 'fuse.gvfs-fuse-daemon', 'fuse.gvfsd-fuse', 'fuse.kio-fuse',
  'fuse.lxcfs', 'fuse.portal', 'fuse.rofiles-fuse', 'fuse.vmware-vmblock', 'fuse.xwmfs', 'fusectl', 'hugetlbfs', 'ipathfs',
  'mqueue', 'nfsd', 'none', 'nsfs', 'overlay', 'pidfs', 'pipefs', 'proc', 'pstore', 'ramfs', 'resctrl', 'rootfs', 'rpc_pipefs',
  'securityfs', 'selinuxfs', 'smackfs', 'sockfs', 'spufs', 'sysfs', 'tmpfs', 'tracefs', 'vboxsf', 'virtiofs']);

/**
 * Whether libmount leaves a source path as written for this type (mnt_context_prepare_srcpath):
 * its pseudo and network filesystems, and zfs. A bind given `-t tmpfs` (or fstab's `none`) keeps
 * its source as written too: the type is the fs's, whatever the operation.
 */
export function sourceKeptAsWritten(type: string | undefined): boolean {
  if (type === undefined) return false;
  return isLibmountPseudoOrNet(type) || type === 'zfs';
}

/** libmount's pseudo (mnt_fstype_is_pseudofs) or network (mnt_fstype_is_netfs) filesystem type. */
function isLibmountPseudoOrNet(type: string): boolean {
  return LIBMOUNT_PSEUDO.has(type) || /^(cifs|smb3|smbfs|afs|ncpfs|glusterfs|fuse\.curlftpfs|fuse\.sshfs)$/.test(type)
    || type.startsWith('nfs') || type.startsWith('9p');
}

/** libmount's mnt_fs_is_regularfs() for a mount of this type: not pseudo, not network, not swap. */
export function isRegularFsType(type: string): boolean {
  return !isLibmountPseudoOrNet(type) && type !== 'swap';
}
