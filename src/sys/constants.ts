// Kernel ABI constants (include/uapi/linux/mount.h, fs.h, fcntl.h, loop.h).
// Two flag namespaces live here and must not be mixed: MS_* for mount(2) and
// propagation, MOUNT_ATTR_* for fsmount()/mount_setattr(). Only bits 0-3 coincide.

export const MS = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, SYNCHRONOUS: 0x10, REMOUNT: 0x20, MANDLOCK: 0x40,
  DIRSYNC: 0x80, NOSYMFOLLOW: 0x100, NOATIME: 0x400, NODIRATIME: 0x800, BIND: 0x1000, MOVE: 0x2000,
  REC: 0x4000, SILENT: 0x8000, POSIXACL: 1 << 16, UNBINDABLE: 1 << 17, PRIVATE: 1 << 18, SLAVE: 1 << 19,
  SHARED: 1 << 20, RELATIME: 1 << 21, I_VERSION: 1 << 23, STRICTATIME: 1 << 24, LAZYTIME: 1 << 25,
} as const;

export const MS_PROPAGATION = MS.SHARED | MS.SLAVE | MS.PRIVATE | MS.UNBINDABLE;

/** Per-mount flags a bind remount can set (util-linux's MNT_BIND_SETTABLE and the atime choice). */
export const MS_PER_MOUNT = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME | MS.STRICTATIME
  | MS.NOSYMFOLLOW;

export const MNT = { FORCE: 1, DETACH: 2, EXPIRE: 4, UMOUNT_NOFOLLOW: 8 } as const;

export const MOUNT_ATTR = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, _ATIME: 0x70, RELATIME: 0x0, NOATIME: 0x10,
  STRICTATIME: 0x20, NODIRATIME: 0x80, IDMAP: 0x100000, NOSYMFOLLOW: 0x200000,
} as const;
export const MOUNT_ATTR_SIZE_VER0 = 32;

export const AT = {
  FDCWD: -100, SYMLINK_NOFOLLOW: 0x100, NO_AUTOMOUNT: 0x800, EMPTY_PATH: 0x1000, RECURSIVE: 0x8000,
  /** statx: answer from what the kernel holds (a FUSE server is not asked). */
  STATX_DONT_SYNC: 0x4000,
} as const;

export const OPEN_TREE = { CLONE: 1, CLOEXEC: 0o2000000 } as const;

export const MOVE_MOUNT = {
  F_SYMLINKS: 0x1, F_AUTOMOUNTS: 0x2, F_EMPTY_PATH: 0x4, T_SYMLINKS: 0x10, T_AUTOMOUNTS: 0x20,
  T_EMPTY_PATH: 0x40, SET_GROUP: 0x100, BENEATH: 0x200,
} as const;

export const FSOPEN_CLOEXEC = 1;
export const FSMOUNT_CLOEXEC = 1;
export const FSPICK = { CLOEXEC: 1, SYMLINK_NOFOLLOW: 2, NO_AUTOMOUNT: 4, EMPTY_PATH: 8 } as const;

export const FSCONFIG = {
  SET_FLAG: 0, SET_STRING: 1, SET_BINARY: 2, SET_PATH: 3, SET_PATH_EMPTY: 4, SET_FD: 5,
  CMD_CREATE: 6, CMD_RECONFIGURE: 7, CMD_CREATE_EXCL: 8,
} as const;

export const O = {
  RDONLY: 0, WRONLY: 1, RDWR: 2, DIRECTORY: 0o200000, NOFOLLOW: 0o400000, CLOEXEC: 0o2000000, PATH: 0o10000000,
} as const;

export const CLONE_NEWNS = 0x20000;
export const CLONE_FS = 0x200;

/** Syscall numbers: x86_64 and the asm-generic numbering used by aarch64. */
export interface SyscallNumbers {
  mount: number; umount2: number; open_tree: number; move_mount: number; fsopen: number; fsconfig: number;
  fsmount: number; fspick: number; mount_setattr: number; statmount: number; listmount: number;
}
const COMMON = { open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433,
  mount_setattr: 442, statmount: 457, listmount: 458 };
export const SYSCALLS: Record<string, SyscallNumbers> = {
  x64: { mount: 165, umount2: 166, ...COMMON },
  arm64: { mount: 40, umount2: 39, ...COMMON },
};

/** Names of MS_* bits, for printing flags in errors and explain output. */
export function msFlagNames(flags: number): string {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const [name, bit] of Object.entries(MS)) {
    if (rest & bit) {
      names.push(`MS_${name}`);
      rest &= ~bit >>> 0;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join('|') : '0';
}

/** Names of MOUNT_ATTR_* bits. RELATIME is 0, so it never appears. */
export function attrNames(attrs: number): string {
  const names: string[] = [];
  let rest = attrs >>> 0;
  for (const [name, bit] of Object.entries(MOUNT_ATTR)) {
    if (bit && name !== '_ATIME' && (rest & bit) === bit) {
      names.push(`MOUNT_ATTR_${name}`);
      rest &= ~bit >>> 0;
    }
  }
  if (rest & MOUNT_ATTR._ATIME) {
    names.push('MOUNT_ATTR__ATIME');
    rest &= ~MOUNT_ATTR._ATIME >>> 0;
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join('|') : '0';
}

export function propagationName(ms: number): string {
  const rec = ms & MS.REC ? 'MS_REC|' : '';
  const base = ms & ~MS.REC;
  const n = base === MS.SHARED ? 'MS_SHARED' : base === MS.SLAVE ? 'MS_SLAVE' : base === MS.PRIVATE ? 'MS_PRIVATE'
    : base === MS.UNBINDABLE ? 'MS_UNBINDABLE' : `0x${base.toString(16)}`;
  return rec + n;
}

/** Names of the bits of `flags` from a table (prefix + key), leftovers in hex; "0" for none. */
function bitNames(flags: number, table: Record<string, number>, prefix: string): string {
  const names: string[] = [];
  let rest = flags >>> 0;
  for (const [name, bit] of Object.entries(table)) {
    if (bit && (rest & bit) === bit) {
      names.push(`${prefix}${name}`);
      rest &= ~bit >>> 0;
    }
  }
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names.length ? names.join('|') : '0';
}

/** A directory fd argument: AT_FDCWD by name. */
export function dirFdName(fd: number): string {
  return fd === AT.FDCWD ? 'AT_FDCWD' : String(fd);
}

export function fsconfigCmdName(cmd: number): string {
  const e = Object.entries(FSCONFIG).find(([, v]) => v === cmd);
  return e ? `FSCONFIG_${e[0]}` : String(cmd);
}

/** open_tree() flags: its own, then the AT_* ones it takes. */
export function openTreeFlagNames(flags: number): string {
  const own = flags & (OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC);
  const at = flags & ~(OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC);
  const names = [own ? bitNames(own, { CLONE: OPEN_TREE.CLONE, CLOEXEC: OPEN_TREE.CLOEXEC }, 'OPEN_TREE_') : '', at ? atFlagNames(at) : ''];
  return names.filter(Boolean).join('|') || '0';
}

export function atFlagNames(flags: number): string {
  // In the order the dry run has always shown them (EMPTY_PATH|RECURSIVE).
  return bitNames(flags, { EMPTY_PATH: AT.EMPTY_PATH, RECURSIVE: AT.RECURSIVE, SYMLINK_NOFOLLOW: AT.SYMLINK_NOFOLLOW,
    NO_AUTOMOUNT: AT.NO_AUTOMOUNT }, 'AT_');
}

export function moveMountFlagNames(flags: number): string {
  return bitNames(flags, MOVE_MOUNT, 'MOVE_MOUNT_');
}

export function fspickFlagNames(flags: number): string {
  return bitNames(flags, FSPICK, 'FSPICK_');
}

/** open(2) flags as the dry run shows them (the access mode first, then the others). */
export function openFlagNames(flags: number): string {
  const acc = flags & 3;
  const mode = acc === O.RDWR ? 'O_RDWR' : acc === O.WRONLY ? 'O_WRONLY' : 'O_RDONLY';
  const rest = bitNames(flags & ~3, { PATH: O.PATH, NOFOLLOW: O.NOFOLLOW, DIRECTORY: O.DIRECTORY, CLOEXEC: O.CLOEXEC }, 'O_');
  // O_PATH opens have no access mode worth showing.
  if (flags & O.PATH) return rest;
  return rest === '0' ? mode : `${mode}|${rest}`;
}
