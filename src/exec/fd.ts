// The default executor: the fd-based mount API (fsopen, fsconfig, fsmount, move_mount,
// open_tree, fspick, mount_setattr). Kernel messages from the fs-context fd are kept.
import {
  sysFsopen, sysFsconfig, sysFsmount, sysMoveMount, sysOpenTree, sysFspick, sysMountSetattr, readFsContextLog, closeFd,
} from '../sys/syscalls';
import { AT, FSCONFIG, FSMOUNT_CLOEXEC, FSOPEN_CLOEXEC, FSPICK, MOUNT_ATTR, MOVE_MOUNT, OPEN_TREE, MS } from '../sys/constants';
import { openUserns } from './idmap';
import { BindStep, DataOption, FsMountStep, MoveStep, PropagateStep, ReconfigureStep, SetAttrStep } from '../plan/types';

/** Per-mount flags a remount resets unless asked for, emulating mount(2)'s MS_REMOUNT semantics. */
const REMOUNT_RESET = MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC | MOUNT_ATTR.NOSYMFOLLOW;
/** Bits fsmount() accepts in attr_flags. */
const FSMOUNT_ATTRS = MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC | MOUNT_ATTR._ATIME
  | MOUNT_ATTR.NODIRATIME | MOUNT_ATTR.NOSYMFOLLOW;

export interface FdSink {
  /** Non-error kernel messages ("w …", "i …") gathered on the way. */
  messages: string[];
}

function drain(fd: number, sink: FdSink): void {
  for (const m of readFsContextLog(fd)) if (!m.startsWith('e ')) sink.messages.push(m);
}

function configure(fd: number, data: readonly DataOption[], flags: readonly string[], ctx: { source?: string; target: string }): void {
  for (const d of data) {
    if (d.value === undefined) sysFsconfig(fd, FSCONFIG.SET_FLAG, d.key, null, 0, ctx);
    else sysFsconfig(fd, FSCONFIG.SET_STRING, d.key, d.value, 0, ctx);
  }
  for (const f of flags) sysFsconfig(fd, FSCONFIG.SET_FLAG, f, null, 0, ctx);
}

/**
 * Attach a detached mount fd at `target` (or beneath the mount on top of it). With a pinned
 * target fd (O_PATH, opened when the target was checked) the mount goes exactly there.
 */
function attach(mfd: number, target: string, beneath: boolean, ctx: { source?: string; target: string }, targetFd?: number): void {
  const flags = MOVE_MOUNT.F_EMPTY_PATH | (beneath ? MOVE_MOUNT.BENEATH : 0);
  if (targetFd !== undefined) sysMoveMount(mfd, '', targetFd, '', flags | MOVE_MOUNT.T_EMPTY_PATH, ctx);
  else sysMoveMount(mfd, '', AT.FDCWD, target, flags, ctx);
}

/** X-mount.idmap: attach the ID mapping to a detached mount (the kernel allows it only there). */
function setIdmap(fd: number, idmap: string | undefined, recursive: boolean, ctx: { target: string }): void {
  if (idmap === undefined) return;
  const userns = openUserns(idmap);
  try {
    sysMountSetattr(fd, '', AT.EMPTY_PATH | (recursive ? AT.RECURSIVE : 0),
      { attrSet: MOUNT_ATTR.IDMAP, attrClr: 0, propagation: 0, usernsFd: userns }, ctx);
  } finally {
    closeFd(userns);
  }
}

function setRecursive(fd: number, set: number, clr: number, ctx: { target: string }): void {
  if (set || clr) sysMountSetattr(fd, '', AT.EMPTY_PATH | AT.RECURSIVE, { attrSet: set, attrClr: clr, propagation: 0 }, ctx);
}

/**
 * "fuse.sshfs" → fsopen("fuse") and the subtype "sshfs", as mount(2) splits it for filesystems that
 * have subtypes (fuse, fuseblk). fsopen("fuse.sshfs") would be accepted but the subtype dropped, and
 * the mount listed as plain "fuse" (util-linux 2.42's fd-based path does that).
 */
export function splitSubtype(type: string): { fstype: string; subtype?: string } {
  const dot = type.indexOf('.');
  const base = dot > 0 ? type.slice(0, dot) : type;
  return dot > 0 && (base === 'fuse' || base === 'fuseblk') ? { fstype: base, subtype: type.slice(dot + 1) } : { fstype: type };
}

/** fsopen → fsconfig(source, options, flags) → CMD_CREATE → fsmount → move_mount, for one type. */
export function fdNewMount(step: FsMountStep, type: string, source: string | undefined, sbReadOnly: boolean, sink: FdSink, targetFd?: number): void {
  const ctx = { source, target: step.target };
  const { fstype, subtype } = splitSubtype(type);
  const fsfd = sysFsopen(fstype, FSOPEN_CLOEXEC);
  let mfd = -1;
  try {
    if (subtype !== undefined) sysFsconfig(fsfd, FSCONFIG.SET_STRING, 'subtype', subtype, 0, ctx);
    if (source !== undefined) sysFsconfig(fsfd, FSCONFIG.SET_STRING, 'source', source, 0, ctx);
    configure(fsfd, step.data, step.sbFlags, ctx);
    if (sbReadOnly) sysFsconfig(fsfd, FSCONFIG.SET_FLAG, 'ro', null, 0, ctx);
    sysFsconfig(fsfd, step.exclusive ? FSCONFIG.CMD_CREATE_EXCL : FSCONFIG.CMD_CREATE, null, null, 0, ctx);
    drain(fsfd, sink);
    mfd = sysFsmount(fsfd, FSMOUNT_CLOEXEC, step.attrSet & FSMOUNT_ATTRS, ctx);
    drain(fsfd, sink);
    if (step.subdir !== undefined) {
      // X-mount.subdir: a detached copy of the subdirectory is what gets attached (Linux 6.15+).
      const sub = sysOpenTree(mfd, step.subdir.replace(/^\/+/, ''), OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC | AT.RECURSIVE, ctx);
      closeFd(mfd);
      mfd = sub;
    }
    setIdmap(mfd, step.idmap, false, ctx);
    setRecursive(mfd, step.recursiveSet, step.recursiveClr, ctx);
    attach(mfd, step.target, step.beneath, ctx, targetFd);
  } finally {
    if (mfd >= 0) closeFd(mfd);
    closeFd(fsfd);
  }
}

/** open_tree(CLONE[|AT_RECURSIVE]) → mount_setattr on the detached copy → move_mount: bind,ro is atomic. */
export function fdBind(step: BindStep, targetFd?: number): void {
  const ctx = { source: step.source, target: step.target };
  const fd = sysOpenTree(AT.FDCWD, step.source, OPEN_TREE.CLONE | OPEN_TREE.CLOEXEC | (step.recursive ? AT.RECURSIVE : 0)
    | (step.noFollow ? AT.SYMLINK_NOFOLLOW : 0), ctx);
  try {
    if (step.attrSet || step.attrClr) {
      sysMountSetattr(fd, '', AT.EMPTY_PATH, { attrSet: step.attrSet, attrClr: step.attrClr, propagation: 0 }, ctx);
    }
    setIdmap(fd, step.idmap, step.recursive, ctx);
    setRecursive(fd, step.recursiveSet, step.recursiveClr, ctx);
    attach(fd, step.target, step.beneath, ctx, targetFd);
  } finally {
    closeFd(fd);
  }
}

export function fdMove(step: MoveStep, targetFd?: number): void {
  const ctx = { source: step.source, target: step.target };
  const fd = sysOpenTree(AT.FDCWD, step.source, OPEN_TREE.CLOEXEC, ctx);
  try {
    // --move -o FLAGS: the flags change first, on the mount the fd names (others kept), then it
    // moves, as util-linux 2.42 does it; a source that is no mount fails here with EINVAL.
    if (step.attrSet || step.attrClr) sysMountSetattr(fd, '', AT.EMPTY_PATH, { attrSet: step.attrSet, attrClr: step.attrClr, propagation: 0 }, ctx);
    attach(fd, step.target, step.beneath, ctx, targetFd);
  } finally {
    closeFd(fd);
  }
}

/** fspick → fsconfig (options re-sent, ro/rw) → CMD_RECONFIGURE → mount_setattr resetting unasked flags. */
export function fdReconfigure(step: ReconfigureStep, sink: FdSink): void {
  const ctx = { source: step.source, target: step.target };
  const pfd = sysFspick(AT.FDCWD, step.target, FSPICK.CLOEXEC | FSPICK.NO_AUTOMOUNT, ctx);
  try {
    configure(pfd, step.data, step.sbFlags, ctx);
    sysFsconfig(pfd, FSCONFIG.SET_FLAG, step.sbReadOnly ? 'ro' : 'rw', null, 0, ctx);
    sysFsconfig(pfd, FSCONFIG.CMD_RECONFIGURE, null, null, 0, ctx);
    drain(pfd, sink);
  } finally {
    closeFd(pfd);
  }
  fdSetAttr({ op: 'setattr', target: step.target, attrSet: step.attrSet, attrClr: step.attrClr,
    recursiveSet: step.recursiveSet, recursiveClr: step.recursiveClr, msFlags: step.msFlags });
}

export function fdSetAttr(step: SetAttrStep): void {
  const ctx = { target: step.target };
  if (!step.attrSet && !step.attrClr && !step.recursiveSet && !step.recursiveClr) {
    // Nothing per-mount to set or clear (not even the rw/ro a mount-table entry brings): libmount
    // only opens the target (a missing one fails) and makes no mount_setattr call.
    closeFd(sysOpenTree(AT.FDCWD, step.target, OPEN_TREE.CLOEXEC, ctx));
    return;
  }
  const clr = (step.attrClr | (REMOUNT_RESET & ~step.attrSet)) >>> 0;
  sysMountSetattr(AT.FDCWD, step.target, 0, { attrSet: step.attrSet, attrClr: clr, propagation: 0 }, ctx);
  if (step.recursiveSet || step.recursiveClr) {
    sysMountSetattr(AT.FDCWD, step.target, AT.RECURSIVE, { attrSet: step.recursiveSet, attrClr: step.recursiveClr, propagation: 0 }, ctx);
  }
}

export function fdPropagate(step: PropagateStep): void {
  sysMountSetattr(AT.FDCWD, step.target, step.flags & MS.REC ? AT.RECURSIVE : 0,
    { attrSet: 0, attrClr: 0, propagation: step.flags & ~MS.REC }, { target: step.target });
}
