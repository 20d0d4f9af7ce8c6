// fd-level primitives of the new mount API for library users: a filesystem context
// (fsopen/fspick + fsconfig), a mount fd (fsmount/open_tree + mount_setattr + move_mount),
// and operations relative to an open directory fd (mountAt, unmountAt).
//
// Every kernel failure is a MountError (src/sys/error.ts) carrying the syscall name, errno,
// code and, for fs-context calls, the kernel's messages ("e tmpfs: Bad value for 'size'").
// Objects own their fd: close() is idempotent, so it is safe in `finally`, and where the
// runtime has Symbol.dispose both classes are Disposable (`using ctx = FsContext.open(...)`).
import {
  sysFsopen, sysFsconfig, sysFsconfigFd, sysFsmount, sysMoveMount, sysOpenTree, sysFspick, sysMountSetattr, sysUmount2,
  readFsContextLog, closeFd,
} from '../sys/syscalls';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';
import { AT, FSCONFIG, FSMOUNT_CLOEXEC, FSOPEN_CLOEXEC, FSPICK, MOUNT_ATTR, MOVE_MOUNT, MS, OPEN_TREE } from '../sys/constants';

export { MOUNT_ATTR, MNT, MS, AT } from '../sys/constants';

/** Mount propagation by name, or an MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE value. */
export type PropagationType = 'shared' | 'slave' | 'private' | 'unbindable';

/** How a detached or attached mount's per-mount attributes change (mount_setattr). */
export interface SetAttrOptions {
  /** MOUNT_ATTR_* bits to set (RDONLY, NOSUID, NODEV, NOEXEC, NODIRATIME, NOSYMFOLLOW, IDMAP …). */
  set?: number;
  /** MOUNT_ATTR_* bits to clear. */
  clear?: number;
  /**
   * The atime mode. Atime is an enum in the kernel, not a bit set: choosing one also puts
   * MOUNT_ATTR__ATIME in `clear` (without it the kernel answers EINVAL). An atime bit given in
   * `set` gets the same treatment.
   */
  atime?: 'relatime' | 'noatime' | 'strictatime';
  /** New propagation type (mount_attr.propagation takes MS_* values, not MOUNT_ATTR_*). */
  propagation?: PropagationType | number;
  /** Apply to the whole tree below the mount (AT_RECURSIVE). */
  recursive?: boolean;
  /** A user-namespace fd for an idmapped mount; MOUNT_ATTR_IDMAP is added to `set`. Detached mounts only. */
  usernsFd?: number;
}

/** Where to attach a mount: a path (relative to the cwd), or a path relative to an open directory fd. */
export type MoveTarget = string | { dirFd: number; path: string };

export interface MoveOptions {
  /** Attach beneath the mount on top of the target (MOVE_MOUNT_BENEATH, Linux 6.5). */
  beneath?: boolean;
  /** Follow a trailing symlink of the target path (MOVE_MOUNT_T_SYMLINKS). */
  followSymlinks?: boolean;
}

/**
 * What a MountError from this object names: the source and target of the operation it is part of
 * (mount(8) says "mount_setattr() failed for /mnt", not "for fsmount(tmpfs)"). Defaults: the
 * path given, the fd's origin.
 */
export interface Described {
  describe?: { source?: string; target?: string };
}

export interface OpenTreeOptions extends Described {
  /** Clone the mount (a bind mount, detached until moved somewhere); without it the fd is the mount itself. */
  clone?: boolean;
  /** With clone: copy the submounts too (rbind). */
  recursive?: boolean;
  /** Resolve `path` relative to this directory fd (default: the cwd). `path` '' means the fd itself. */
  dirFd?: number;
  /** Don't follow a trailing symlink. */
  noFollow?: boolean;
  /** Don't trigger an automount at the end of the path. */
  noAutomount?: boolean;
}

export interface PickOptions extends Described {
  /** Resolve `path` relative to this directory fd (default: the cwd). `path` '' means the fd itself. */
  dirFd?: number;
  noFollow?: boolean;
  noAutomount?: boolean;
}

export interface CreateOptions {
  /** FSCONFIG_CMD_CREATE_EXCL (Linux 6.6): fail with EBUSY instead of reusing an existing superblock. */
  exclusive?: boolean;
}

function badFd(syscall: string): MountError {
  return new MountError({ syscall, errno: E.EBADF, kernelMessages: [] });
}

const PROPAGATION: Record<PropagationType, number> = {
  shared: MS.SHARED, slave: MS.SLAVE, private: MS.PRIVATE, unbindable: MS.UNBINDABLE,
};
const ATIME: Record<NonNullable<SetAttrOptions['atime']>, number> = {
  relatime: MOUNT_ATTR.RELATIME, noatime: MOUNT_ATTR.NOATIME, strictatime: MOUNT_ATTR.STRICTATIME,
};

/** The mount_setattr() argument for SetAttrOptions, with the atime and idmap rules applied. */
export function mountAttrFor(o: SetAttrOptions): { attrSet: number; attrClr: number; propagation: number; usernsFd: number } {
  let set = (o.set ?? 0) >>> 0;
  let clr = (o.clear ?? 0) >>> 0;
  if (o.atime !== undefined) {
    set = ((set & ~MOUNT_ATTR._ATIME) | ATIME[o.atime]) >>> 0;
    clr = (clr | MOUNT_ATTR._ATIME) >>> 0;
  } else if (set & MOUNT_ATTR._ATIME) {
    clr = (clr | MOUNT_ATTR._ATIME) >>> 0;
  }
  if (o.usernsFd !== undefined) set = (set | MOUNT_ATTR.IDMAP) >>> 0;
  const propagation = o.propagation === undefined ? 0 : typeof o.propagation === 'number' ? o.propagation : PROPAGATION[o.propagation];
  return { attrSet: set, attrClr: clr, propagation, usernsFd: o.usernsFd ?? 0 };
}

/** Close-once ownership of an fd, shared by FsContext and MountFd. */
abstract class OwnedFd {
  #fd: number;

  protected constructor(fd: number) {
    this.#fd = fd;
  }

  /** The fd number, or -1 once closed. */
  get fd(): number {
    return this.#fd;
  }

  get closed(): boolean {
    return this.#fd < 0;
  }

  /** Close the fd. Idempotent: safe to call from `finally` and again from dispose. */
  close(): void {
    if (this.#fd >= 0) {
      const fd = this.#fd;
      this.#fd = -1;
      closeFd(fd);
    }
  }

  /**
   * Give up ownership: the caller now owns the fd number returned (close() and dispose
   * become no-ops). For handing the fd to another process or another library.
   */
  release(): number {
    const fd = this.#fd;
    this.#fd = -1;
    return fd;
  }

  protected live(syscall: string): number {
    if (this.#fd < 0) throw badFd(syscall);
    return this.#fd;
  }
}

/**
 * A filesystem context: the configuration of a superblock before it is created (fsopen) or
 * of an existing one being reconfigured (fspick). Setters return `this` so calls chain:
 *
 *   const mfd = FsContext.open('tmpfs').set('size', '4m').create().mount();
 *
 * A failing call throws MountError whose kernelMessages hold what the kernel logged on this
 * context (the log is drained on failure); messages() drains the rest (warnings, info).
 */
export class FsContext extends OwnedFd {
  /** The filesystem type given to open(), or undefined for a picked context. */
  readonly fstype: string | undefined;
  /** The path given to pick(), if any. */
  readonly target: string | undefined;
  #source: string | undefined;

  private constructor(fd: number, fstype: string | undefined, target: string | undefined, source?: string) {
    super(fd);
    this.fstype = fstype;
    this.target = target;
    this.#source = source;
  }

  /** fsopen(fstype, FSOPEN_CLOEXEC): a context for a new superblock of that type. ENODEV for an unknown type. */
  static open(fstype: string, o: Described = {}): FsContext {
    return new FsContext(sysFsopen(fstype, FSOPEN_CLOEXEC), fstype, o.describe?.target, o.describe?.source);
  }

  /**
   * fspick(): a context on the superblock of an existing mount, for reconfigure(). `where` is a
   * path (EINVAL if it is not a mount point) or a MountFd (works on detached mounts too).
   */
  static pick(where: string | MountFd, o: PickOptions = {}): FsContext {
    const flags = FSPICK.CLOEXEC | (o.noFollow ? FSPICK.SYMLINK_NOFOLLOW : 0) | (o.noAutomount ? FSPICK.NO_AUTOMOUNT : 0);
    if (typeof where !== 'string') {
      const fd = sysFspick(where.liveFd('fspick'), '', flags | FSPICK.EMPTY_PATH);
      return new FsContext(fd, undefined, o.describe?.target ?? (where.fd >= 0 ? `/proc/self/fd/${where.fd}` : undefined), o.describe?.source);
    }
    const dirFd = o.dirFd ?? AT.FDCWD;
    const target = o.describe?.target ?? where;
    const fd = sysFspick(dirFd, where, flags | (where === '' ? FSPICK.EMPTY_PATH : 0), { source: o.describe?.source, target });
    return new FsContext(fd, undefined, target, o.describe?.source);
  }

  private ctx(): { source?: string; target?: string } {
    return { source: this.#source, target: this.target };
  }

  /**
   * Set a parameter: with a value, FSCONFIG_SET_STRING ("size" = "4m"); without one,
   * FSCONFIG_SET_FLAG ("ro", "noswap"). Numbers are sent as decimal strings.
   */
  set(key: string, value?: string | number): this {
    const fd = this.live('fsconfig');
    if (key === 'source' && value !== undefined) this.#source = String(value);
    if (value === undefined) sysFsconfig(fd, FSCONFIG.SET_FLAG, key, null, 0, this.ctx());
    else sysFsconfig(fd, FSCONFIG.SET_STRING, key, String(value), 0, this.ctx());
    return this;
  }

  /** FSCONFIG_SET_FD: pass an open fd as the value (overlayfs "lowerdir+", "upperdir"; fuse "fd"). */
  setFd(key: string, valueFd: number): this {
    sysFsconfigFd(this.live('fsconfig'), key, valueFd, this.ctx());
    return this;
  }

  /**
   * FSCONFIG_SET_PATH: a path the kernel resolves itself (relative to `dirFd`, default the cwd).
   * An empty path means `dirFd` itself (FSCONFIG_SET_PATH_EMPTY). Filesystems that only take
   * strings answer EINVAL ("Bad value").
   */
  setPath(key: string, path: string, dirFd: number = AT.FDCWD): this {
    const cmd = path === '' ? FSCONFIG.SET_PATH_EMPTY : FSCONFIG.SET_PATH;
    sysFsconfig(this.live('fsconfig'), cmd, key, path, dirFd, this.ctx());
    return this;
  }

  /** FSCONFIG_CMD_CREATE (or CMD_CREATE_EXCL): create the superblock. Later set() calls get EBUSY. */
  create(o: CreateOptions = {}): this {
    sysFsconfig(this.live('fsconfig'), o.exclusive ? FSCONFIG.CMD_CREATE_EXCL : FSCONFIG.CMD_CREATE, null, null, 0, this.ctx());
    return this;
  }

  /** FSCONFIG_CMD_RECONFIGURE: apply the parameters set since pick() to the live superblock. */
  reconfigure(): this {
    sysFsconfig(this.live('fsconfig'), FSCONFIG.CMD_RECONFIGURE, null, null, 0, this.ctx());
    return this;
  }

  /**
   * fsmount(): a detached mount of the created superblock, with per-mount MOUNT_ATTR_* flags
   * (RDONLY, NOSUID, NODEV, NOEXEC, an atime mode, NODIRATIME, NOSYMFOLLOW). The context may
   * be closed afterwards; the mount lives as long as the MountFd or its attachment.
   */
  mount(attrs = 0): MountFd {
    const fd = sysFsmount(this.live('fsmount'), FSMOUNT_CLOEXEC, attrs >>> 0, this.ctx());
    return MountFd.adopt(fd, this.fstype ? `fsmount(${this.fstype})` : 'fsmount', this.ctx());
  }

  /**
   * Drain the context's message log: "e …" errors, "w …" warnings, "i …" info, in order,
   * without trailing newlines. Empty when nothing is queued (the kernel keeps at most 8).
   */
  messages(): string[] {
    if (this.closed) return [];
    return readFsContextLog(this.fd);
  }
}

/**
 * A mount fd: a detached mount from FsContext.mount() or MountFd.openTree({clone}), or a
 * handle on an attached mount from openTree() without clone. Closing a detached mount fd
 * that was never attached unmounts it; closing one that was attached leaves the mount.
 */
export class MountFd extends OwnedFd {
  /** Where the fd came from, for messages ("fsmount(tmpfs)", "open_tree(/src)"). */
  readonly origin: string;
  /** What errors name (Described). */
  readonly #described: { source?: string; target?: string };

  private constructor(fd: number, origin: string, described: { source?: string; target?: string } = {}) {
    super(fd);
    this.origin = origin;
    this.#described = described;
  }

  /**
   * Wrap a mount fd obtained elsewhere (fsmount/open_tree fd, or one received from another process).
   * `describe`: the source and target its errors name.
   */
  static adopt(fd: number, origin = `fd ${fd}`, describe: { source?: string; target?: string } = {}): MountFd {
    return new MountFd(fd, origin, describe);
  }

  /**
   * open_tree(): with `clone`, a detached copy of the mount at `path` (a bind mount; with
   * `recursive`, of its whole tree); without, a handle on that mount itself (moveTo() then
   * moves it, like mount --move).
   */
  static openTree(path: string, o: OpenTreeOptions = {}): MountFd {
    const flags = OPEN_TREE.CLOEXEC | (o.clone ? OPEN_TREE.CLONE : 0) | (o.recursive ? AT.RECURSIVE : 0)
      | (o.noFollow ? AT.SYMLINK_NOFOLLOW : 0) | (o.noAutomount ? AT.NO_AUTOMOUNT : 0) | (path === '' ? AT.EMPTY_PATH : 0);
    const described = { source: o.describe?.source ?? path, target: o.describe?.target };
    const fd = sysOpenTree(o.dirFd ?? AT.FDCWD, path, flags, described);
    return new MountFd(fd, `open_tree(${path})`, described);
  }

  /** @internal The fd, or a MountError(EBADF) if closed. */
  liveFd(syscall: string): number {
    return this.live(syscall);
  }

  /** mount_setattr(fd, "", AT_EMPTY_PATH[|AT_RECURSIVE], attr): change per-mount attributes or propagation. */
  setAttr(o: SetAttrOptions): this {
    const attr = mountAttrFor(o);
    sysMountSetattr(this.live('mount_setattr'), '', AT.EMPTY_PATH | (o.recursive ? AT.RECURSIVE : 0), attr,
      { source: this.#described.source, target: this.#described.target ?? this.origin });
    return this;
  }

  /**
   * move_mount(): attach the mount at `target` (or move it there if already attached). A
   * `{dirFd, path}` target resolves `path` relative to the directory fd; path '' means the fd
   * itself (MOVE_MOUNT_T_EMPTY_PATH). The fd stays valid and refers to the attached mount.
   */
  moveTo(target: MoveTarget, o: MoveOptions = {}): this {
    const toFd = typeof target === 'string' ? AT.FDCWD : target.dirFd;
    const toPath = typeof target === 'string' ? target : target.path;
    const flags = MOVE_MOUNT.F_EMPTY_PATH | (toPath === '' ? MOVE_MOUNT.T_EMPTY_PATH : 0)
      | (o.beneath ? MOVE_MOUNT.BENEATH : 0) | (o.followSymlinks ? MOVE_MOUNT.T_SYMLINKS : 0);
    sysMoveMount(this.live('move_mount'), '', toFd, toPath, flags, {
      source: this.#described.source ?? this.origin,
      target: this.#described.target ?? (typeof target === 'string' ? target : `${toPath} (relative to fd ${toFd})`),
    });
    return this;
  }

  /**
   * Attach beneath the mount currently on top of `target` (MOVE_MOUNT_BENEATH, Linux 6.5): the
   * top mount stays visible, and this one is revealed when it is unmounted. EINVAL if nothing
   * is mounted on `target`.
   */
  beneath(target: MoveTarget): this {
    return this.moveTo(target, { beneath: true });
  }

  /**
   * A path into the mount through this process's fd: /proc/self/fd/N[/relative]. Files of a
   * detached mount can be created, read and opened this way before (or without) attaching it.
   */
  path(relative = ''): string {
    const fd = this.live('open');
    const rel = relative.replace(/^\/+/, '');
    return rel === '' ? `/proc/self/fd/${fd}` : `/proc/self/fd/${fd}/${rel}`;
  }
}

/**
 * Attach `mfd` at `relPath` relative to the open directory `dirFd` (move_mount with to_dirfd).
 * The directory is the one the fd refers to, wherever it has been renamed to since.
 */
export function mountAt(mfd: MountFd, dirFd: number, relPath: string, o: MoveOptions = {}): MountFd {
  return mfd.moveTo({ dirFd, path: relPath }, o);
}

/**
 * Unmount the mount at `relPath` relative to the open directory `dirFd` (umount2 flags: MNT_*).
 *
 * Why through /proc/self/fd: umount2(2) takes only a path (there is no umountat), and the new
 * mount API has no unmount call either: move_mount cannot detach a mount, and closing an
 * open_tree/fspick fd of an attached mount leaves it in place. The usual workaround, fchdir(dirFd)
 * followed by a relative umount2, changes the cwd of the whole process (every Node thread and
 * the libuv pool share it), so it races with anything else resolving relative paths. Instead the
 * path is resolved through the magic link /proc/self/fd/<dirFd>: the kernel's path walk jumps
 * to exactly the directory the fd refers to (the same dentry and mount an *at() call would
 * start from, even if it was renamed or its old path is now covered) and continues with
 * relPath from there. Needs /proc mounted. As with *at() calls, an absolute relPath ignores
 * dirFd, and AT_FDCWD means the cwd. An empty relPath (or '.') unmounts the mount whose root
 * dirFd is; with UMOUNT_NOFOLLOW that fails (EINVAL), since the magic link itself is the last
 * component.
 */
export function unmountAt(dirFd: number, relPath: string, flags = 0): void {
  let path: string;
  if (relPath.startsWith('/')) path = relPath;
  else if (dirFd === AT.FDCWD) path = relPath === '' ? '.' : relPath;
  else if (dirFd < 0) throw new MountError({ syscall: 'umount2', errno: E.EBADF, target: relPath, kernelMessages: [] });
  else path = relPath === '' || relPath === '.' ? `/proc/self/fd/${dirFd}` : `/proc/self/fd/${dirFd}/${relPath}`;
  sysUmount2(path, flags);
}

// Disposal: only where the runtime has Symbol.dispose (Node 20 may lack it). The methods
// are declared for TypeScript through interface merging and defined at run time below.
export interface FsContext {
  /** Same as close(). Present where the runtime defines Symbol.dispose. */
  [Symbol.dispose](): void;
}
export interface MountFd {
  /** Same as close(). Present where the runtime defines Symbol.dispose. */
  [Symbol.dispose](): void;
}

/** True where `using` / Symbol.dispose is available. */
export const hasDispose: boolean = typeof (Symbol as { dispose?: unknown }).dispose === 'symbol';

if (hasDispose) {
  const key = (Symbol as unknown as { dispose: symbol }).dispose;
  for (const proto of [FsContext.prototype, MountFd.prototype]) {
    Object.defineProperty(proto, key, {
      value: function dispose(this: OwnedFd): void {
        this.close();
      },
      writable: true,
      configurable: true,
    });
  }
}
