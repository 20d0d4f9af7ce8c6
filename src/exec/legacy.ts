// The fallback executor: classic mount(2). Used on ENOSYS, when forced
// (TSMOUNT_FORCE_MOUNT2=always), and for values the new API refuses (fsconfig
// strings of 256 bytes or more).
import fs = require('fs');
import path = require('path');
import { sysMount, sysUmount2, sysOpen, closeFd, sideEffect } from '../sys/syscalls';
import { MS, MOUNT_ATTR, MNT, O, MS_PER_MOUNT } from '../sys/constants';
import { lookupOption } from '../options/table';
import { MountEntry } from '../tables/mountinfo';
import { readMountTable } from '../lib/mount-table';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';
import { BindStep, FsMountStep, MoveStep, PropagateStep, ReconfigureStep, SetAttrStep } from '../plan/types';
import { Executor } from './executor';


/**
 * mount(2) needs a second call for flags it cannot set with the first: if that fails, the mount
 * the first call made is taken down again, so a failed "bind,ro" never leaves a writable bind.
 */
function undoOnFailure(target: string, follow: () => void): void {
  try {
    follow();
  } catch (e) {
    try {
      sysUmount2(target, MNT.DETACH);
    } catch {
      /* nothing more to undo */
    }
    throw e;
  }
}

/** What only the fd-based API can do: refuse clearly instead of doing something else. */
function refuse(syscall: string, target: string): never {
  throw new MountError({ syscall, errno: E.ENOSYS, target });
}

/** mount(2) follows /proc/self/fd/N to the pinned directory itself. */
function at(target: string, targetFd?: number): string {
  return targetFd !== undefined ? `/proc/self/fd/${targetFd}` : target;
}

/**
 * mount(2) copies one page of option data: a longer string would be cut at byte 4095 and mounted
 * with whatever the cut leaves (size=0k, mode=000 …). Refuse it as the kernel would refuse a bad option.
 */
function checkDataSize(data: string, target: string): void {
  if (Buffer.byteLength(data) >= 4096) throw new MountError({ syscall: 'mount', errno: E.EINVAL, target });
}

export function legacyNewMount(step: FsMountStep, type: string, source: string | undefined, readOnly: boolean, silent: boolean, targetFd?: number): void {
  checkDataSize(step.dataString, step.target);
  if (step.beneath) refuse('move_mount', step.target);
  if (step.exclusive) refuse('fsconfig', step.target);
  if (step.idmap !== undefined) refuse('mount_setattr', step.target);
  if (step.subdir !== undefined) return legacySubdirMount(step, type, source, readOnly, silent, targetFd);
  // mount(2) sets both layers read-only at once; ro=vfs / ro=fs need a second, per-mount call.
  const vfsRo = (step.attrSet & MOUNT_ATTR.RDONLY) !== 0;
  const sbRo = readOnly;
  const flags = (step.msFlags & ~MS.RDONLY) | (sbRo ? MS.RDONLY : 0) | (silent ? MS.SILENT : 0);
  sysMount(source ?? 'none', at(step.target, targetFd), type, flags, step.dataString || null, step.target);
  undoOnFailure(step.target, () => {
    if (vfsRo !== sbRo) {
      const perMount = (step.msFlags & MS_PER_MOUNT & ~MS.RDONLY) | (vfsRo ? MS.RDONLY : 0);
      sysMount('none', step.target, null, MS.REMOUNT | MS.BIND | perMount, null);
    }
    if (step.recursiveSet || step.recursiveClr) legacyRecursiveAttrs(step.target, step.recursiveSet, step.recursiveClr);
  });
}

export function legacyBind(step: BindStep, targetFd?: number): void {
  if (step.beneath) refuse('move_mount', step.target);
  if (step.idmap !== undefined) refuse('mount_setattr', step.target);
  // A symlink source bound itself (X-mount.nocanonicalize): mount(2) follows /proc/self/fd/N of an
  // O_PATH|O_NOFOLLOW descriptor to the link, not through it.
  const src = step.noFollow ? sysOpen(step.source, O.PATH | O.NOFOLLOW | O.CLOEXEC) : undefined;
  try {
    sysMount(src !== undefined ? `/proc/self/fd/${src}` : step.source, at(step.target, targetFd), null,
      MS.BIND | (step.recursive ? MS.REC : 0), null, step.target);
  } finally {
    if (src !== undefined) closeFd(src);
  }
  // A second call when flags were asked for, set or cleared (bind,rw from a read-only source too).
  // (By path: /proc/self/fd/N names the directory under the new mount, not the mount itself.)
  undoOnFailure(step.target, () => {
    if (step.msFlags || step.attrClr) sysMount('none', step.target, null, MS.REMOUNT | MS.BIND | step.msFlags, null);
    // An rbind's tree is the source's tree, copied: read where it is known before the bind too (a
    // dry run makes none), and mapped onto the target.
    if (step.recursiveSet || step.recursiveClr) {
      legacyRecursiveAttrs(step.target, step.recursiveSet, step.recursiveClr, step.recursive ? step.source : step.target);
    }
  });
}

export function legacyMove(step: MoveStep, targetFd?: number): void {
  if (step.beneath) refuse('move_mount', step.target);
  if (step.attrSet || step.attrClr) {
    // As the fd-based executor: the flags first, on the mount where it is, then the move.
    // mount(2) sets per-mount flags only all at once: the mount's others are read and kept.
    const now = readMountTable(['target', 'vfsOptions']).topAt(step.source);
    sysMount('none', step.source, null, MS.REMOUNT | MS.BIND | adjustedMs(now?.vfsOptions ?? '', step.attrSet, step.attrClr), null);
  }
  sysMount(step.source, at(step.target, targetFd), null, MS.MOVE, null, step.target);
}

export function legacyReconfigure(step: ReconfigureStep): void {
  checkDataSize(step.dataString, step.target);
  sysMount(step.source ?? 'none', step.target, step.fstype ?? null, MS.REMOUNT | step.msFlags, step.dataString || null);
}

export function legacySetAttr(step: SetAttrStep): void {
  sysMount('none', step.target, null, MS.REMOUNT | MS.BIND | step.msFlags, null);
  if (step.recursiveSet || step.recursiveClr) legacyRecursiveAttrs(step.target, step.recursiveSet, step.recursiveClr);
}

export function legacyPropagate(step: PropagateStep): void {
  if (!step.noFollow) return sysMount('none', step.target, null, step.flags, null);
  // A symlink bound itself: /proc/self/fd/N of an O_PATH|O_NOFOLLOW descriptor names that mount.
  const fd = sysOpen(step.target, O.PATH | O.NOFOLLOW | O.CLOEXEC);
  try {
    sysMount('none', `/proc/self/fd/${fd}`, null, step.flags, null, step.target);
  } finally {
    closeFd(fd);
  }
}

/** MOUNT_ATTR_* bits as the MS_* flags of a bind remount. */
export function attrsToMs(attrs: number): number {
  let ms = 0;
  if (attrs & MOUNT_ATTR.RDONLY) ms |= MS.RDONLY;
  if (attrs & MOUNT_ATTR.NOSUID) ms |= MS.NOSUID;
  if (attrs & MOUNT_ATTR.NODEV) ms |= MS.NODEV;
  if (attrs & MOUNT_ATTR.NOEXEC) ms |= MS.NOEXEC;
  if (attrs & MOUNT_ATTR.NODIRATIME) ms |= MS.NODIRATIME;
  if (attrs & MOUNT_ATTR.NOSYMFOLLOW) ms |= MS.NOSYMFOLLOW;
  const atime = attrs & MOUNT_ATTR._ATIME;
  if (atime === MOUNT_ATTR.NOATIME) ms |= MS.NOATIME;
  else if (atime === MOUNT_ATTR.STRICTATIME) ms |= MS.STRICTATIME;
  return ms;
}

/** The per-mount MS_* flags a mount has now, from its mountinfo options. */
export function currentMs(vfsOptions: string): number {
  let ms = 0;
  for (const o of vfsOptions.split(',')) {
    const d = lookupOption(o);
    if (d && !d.invert && (d.cls === 'vfs' || d.cls === 'rdonly' || d.cls === 'atime')) ms |= d.ms;
  }
  return ms;
}

/**
 * A mount's per-mount MS_* flags (from its mountinfo options) with MOUNT_ATTR_* bits set and
 * cleared: what one MS_REMOUNT|MS_BIND call must carry to change only those (clearing any atime
 * bit clears the whole atime choice).
 */
export function adjustedMs(vfsOptions: string, set: number, clr: number): number {
  const clrMs = attrsToMs(clr) | (clr & MOUNT_ATTR._ATIME ? MS.NOATIME | MS.STRICTATIME | MS.RELATIME : 0);
  return ((currentMs(vfsOptions) & ~clrMs) | attrsToMs(set)) >>> 0;
}

/**
 * VFSFLAG=recursive without mount_setattr(AT_RECURSIVE): one MS_REMOUNT|MS_BIND per mount of the
 * tree, each keeping its own other flags. The mount table is read once for the whole tree.
 */
export function legacyRecursiveAttrs(target: string, set: number, clr: number, from = target): void {
  const table = readMountTable(['target', 'vfsOptions']);
  const top = table.topAt(from);
  // The tree at `from`: the mount there and everything below it; a directory that is no mount
  // point (an rbind source) has the mounts below it. A new mount that a dry run did not make is
  // the mount alone, as it will be.
  const below = (p: string): MountEntry[] => table.entries.filter((e) => e.target.startsWith(p === '/' ? '/' : `${p}/`) && table.topAt(e.target) === e);
  // The bind of a directory takes the flags of the mount it is in.
  const tree: Pick<MountEntry, 'target' | 'vfsOptions'>[] = top ? [top, ...table.descendants(top)]
    : [{ target: from, vfsOptions: from === target ? '' : table.containing(from)?.vfsOptions ?? '' }, ...(from === target ? [] : below(from))];
  for (const e of tree) {
    sysMount('none', target + e.target.slice(from.length), null, MS.REMOUNT | MS.BIND | adjustedMs(e.vfsOptions, set, clr), null);
  }
}

/**
 * X-mount.subdir with mount(2): the filesystem is mounted on a private temporary directory,
 * the subdirectory bound on the target, and the temporary mount detached again.
 */
function legacySubdirMount(step: FsMountStep, type: string, source: string | undefined, readOnly: boolean, silent: boolean, targetFd?: number): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  const template = path.join(os.tmpdir(), 'tsmount-subdir-');
  const tmp = sideEffect(() => `mkdtemp("${template}XXXXXX")`, () => fs.mkdtempSync(template), `${template}XXXXXX`);
  try {
    const flags = (step.msFlags & ~MS.RDONLY) | (readOnly ? MS.RDONLY : 0) | (silent ? MS.SILENT : 0);
    sysMount(source ?? 'none', tmp, type, flags, step.dataString || null);
    try {
      sysMount(path.join(tmp, step.subdir ?? ''), at(step.target, targetFd), null, MS.BIND | MS.REC, null, step.target);
    } finally {
      sysUmount2(tmp, MNT.DETACH);
    }
  } finally {
    sideEffect(() => `rmdir("${tmp}")`, () => {
      try {
        fs.rmdirSync(tmp);
      } catch {
        /* still busy: the detached mount goes away with its last user */
      }
    }, undefined);
  }
}

/** The mount(2) executor. */
export const legacyExecutor: Executor = {
  name: 'mount2',
  newMount: (step, type, source, sbReadOnly, x) => legacyNewMount(step, type, source, sbReadOnly, step.guessing, x.targetFd),
  bind: (step, x) => legacyBind(step, x.targetFd),
  move: (step, x) => legacyMove(step, x.targetFd),
  reconfigure: (step) => legacyReconfigure(step),
  setAttr: (step) => legacySetAttr(step),
  propagate: (step) => legacyPropagate(step),
};
