// The default executor: the fd-based mount API, through the library's own FsContext and MountFd
// (api/fd.ts) — the command uses the public fd API it ships. Kernel messages from the fs-context
// fd are kept; every error names the step's source and target.
import { FsContext, MountFd } from '../api/fd';
import { sysMountSetattr, sysOpen, closeFd } from '../sys/syscalls';
import { AT, MOUNT_ATTR, MS, O } from '../sys/constants';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';
import { layeredLowerdir, LayerParam, FSCONFIG_VALUE_MAX, OVERLAY_DIR_KEYS } from './overlay-layers';
import { openUserns } from './idmap';
import { BindStep, DataOption, FsMountStep, MoveStep, PropagateStep, ReconfigureStep, SetAttrStep } from '../plan/types';
import { Executor, ExecContext } from './executor';

/** Per-mount flags a remount resets unless asked for, emulating mount(2)'s MS_REMOUNT semantics. */
const REMOUNT_RESET = MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC | MOUNT_ATTR.NOSYMFOLLOW;
/** Bits fsmount() accepts in attr_flags. */
const FSMOUNT_ATTRS = MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC | MOUNT_ATTR._ATIME
  | MOUNT_ATTR.NODIRATIME | MOUNT_ATTR.NOSYMFOLLOW;

/** Non-error kernel messages ("w …", "i …"), kept for the report. */
function drain(ctx: FsContext, x: ExecContext): void {
  for (const m of ctx.messages()) if (!m.startsWith('e ')) x.messages.push(m);
}

function configure(ctx: FsContext, data: readonly DataOption[], flags: readonly string[], fstype?: string): void {
  for (const d of data) {
    const layers = fstype !== undefined ? layeredLowerdir(fstype, d.key, d.value) : undefined;
    if (layers) setLayers(ctx, layers);
    else if (fstype === 'overlay' && OVERLAY_DIR_KEYS.has(d.key) && d.value !== undefined) setDir(ctx, d.key, d.value);
    else ctx.set(d.key, d.value);
  }
  for (const f of flags) ctx.set(f);
}

/** An overlay directory: by name, or by an O_PATH fd when the name is longer than fsconfig() copies. */
function setDir(ctx: FsContext, key: string, path: string): void {
  if (Buffer.byteLength(path) <= FSCONFIG_VALUE_MAX) {
    ctx.set(key, path);
    return;
  }
  const fd = sysOpen(path, O.PATH | O.DIRECTORY | O.CLOEXEC);
  try {
    ctx.setFd(key, fd);
  } finally {
    closeFd(fd);
  }
}

/**
 * A long lowerdir= one layer per call (lowerdir+, datadir+; Linux 6.8). A kernel without them says
 * "Unknown parameter": that is ENOSYS for the dispatcher, which then tries mount(2).
 */
function setLayers(ctx: FsContext, layers: readonly LayerParam[]): void {
  for (const [i, l] of layers.entries()) {
    try {
      setDir(ctx, l.key, l.path);
    } catch (e) {
      if (i === 0 && e instanceof MountError && e.errno === E.EINVAL && e.kernelErrors.some((m) => /nknown parameter/.test(m))) {
        throw new MountError({ syscall: 'fsconfig', errno: E.ENOSYS, source: e.source, target: e.target, kernelMessages: e.kernelMessages });
      }
      throw e;
    }
  }
}

/**
 * Attach a detached mount at `target` (or beneath the mount on top of it). With a pinned target
 * fd (O_PATH, opened when the target was checked) the mount goes exactly there.
 */
function attach(m: MountFd, target: string, beneath: boolean, targetFd?: number): void {
  m.moveTo(targetFd !== undefined ? { dirFd: targetFd, path: '' } : target, { beneath });
}

/** X-mount.idmap: attach the ID mapping to a detached mount (the kernel allows it only there). */
function setIdmap(m: MountFd, idmap: string | undefined, recursive: boolean): void {
  if (idmap === undefined) return;
  const userns = openUserns(idmap);
  try {
    m.setAttr({ usernsFd: userns, recursive });
  } finally {
    closeFd(userns);
  }
}

function setRecursive(m: MountFd, set: number, clear: number): void {
  if (set || clear) m.setAttr({ set, clear, recursive: true });
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

/** mount_setattr on a path: the remount's reset of unasked flags, then the recursive change. */
function setAttrAt(step: Omit<SetAttrStep, 'op' | 'msFlags'>): void {
  const ctx = { target: step.target };
  if (!step.attrSet && !step.attrClr && !step.recursiveSet && !step.recursiveClr) {
    // Nothing per-mount to set or clear (not even the rw/ro a mount-table entry brings): libmount
    // only opens the target (a missing one fails) and makes no mount_setattr call.
    MountFd.openTree(step.target, { describe: ctx }).close();
    return;
  }
  const clr = (step.attrClr | (REMOUNT_RESET & ~step.attrSet)) >>> 0;
  sysMountSetattr(AT.FDCWD, step.target, 0, { attrSet: step.attrSet, attrClr: clr, propagation: 0 }, ctx);
  if (step.recursiveSet || step.recursiveClr) {
    sysMountSetattr(AT.FDCWD, step.target, AT.RECURSIVE, { attrSet: step.recursiveSet, attrClr: step.recursiveClr, propagation: 0 }, ctx);
  }
}

export const fdExecutor: Executor = {
  name: 'fd',

  /** fsopen → fsconfig(source, options, flags) → CMD_CREATE → fsmount → move_mount, for one type. */
  newMount(step: FsMountStep, type: string, source: string | undefined, sbReadOnly: boolean, x: ExecContext): void {
    const describe = { source, target: step.target };
    const { fstype, subtype } = splitSubtype(type);
    const ctx = FsContext.open(fstype, { describe });
    let m: MountFd | undefined;
    try {
      if (subtype !== undefined) ctx.set('subtype', subtype);
      if (source !== undefined) ctx.set('source', source);
      configure(ctx, step.data, step.sbFlags, fstype);
      if (sbReadOnly) ctx.set('ro');
      ctx.create({ exclusive: step.exclusive });
      m = ctx.mount(step.attrSet & FSMOUNT_ATTRS);
      // One read for what CMD_CREATE and fsmount logged (the log keeps its order; a failure drains it).
      drain(ctx, x);
      if (step.subdir !== undefined) {
        // X-mount.subdir: a detached copy of the subdirectory is what gets attached (Linux 6.15+).
        const sub = MountFd.openTree(step.subdir.replace(/^\/+/, ''), { dirFd: m.fd, clone: true, recursive: true, describe });
        m.close();
        m = sub;
      }
      setIdmap(m, step.idmap, false);
      setRecursive(m, step.recursiveSet, step.recursiveClr);
      attach(m, step.target, step.beneath, x.targetFd);
    } finally {
      m?.close();
      ctx.close();
    }
  },

  /** open_tree(CLONE[|AT_RECURSIVE]) → mount_setattr on the detached copy → move_mount: bind,ro is atomic. */
  bind(step: BindStep, x: ExecContext): void {
    const m = MountFd.openTree(step.source, { clone: true, recursive: step.recursive, noFollow: step.noFollow,
      describe: { source: step.source, target: step.target } });
    try {
      if (step.attrSet || step.attrClr) m.setAttr({ set: step.attrSet, clear: step.attrClr });
      setIdmap(m, step.idmap, step.recursive);
      setRecursive(m, step.recursiveSet, step.recursiveClr);
      attach(m, step.target, step.beneath, x.targetFd);
    } finally {
      m.close();
    }
  },

  move(step: MoveStep, x: ExecContext): void {
    const m = MountFd.openTree(step.source, { describe: { source: step.source, target: step.target } });
    try {
      // --move -o FLAGS: the flags change first, on the mount the fd names (others kept), then it
      // moves, as util-linux 2.42 does it; a source that is no mount fails here with EINVAL.
      if (step.attrSet || step.attrClr) m.setAttr({ set: step.attrSet, clear: step.attrClr });
      attach(m, step.target, step.beneath, x.targetFd);
    } finally {
      m.close();
    }
  },

  /** fspick → fsconfig (options re-sent, ro/rw) → CMD_RECONFIGURE → mount_setattr resetting unasked flags. */
  reconfigure(step: ReconfigureStep, x: ExecContext): void {
    const ctx = FsContext.pick(step.target, { noAutomount: true, describe: { source: step.source, target: step.target } });
    try {
      configure(ctx, step.data, step.sbFlags);
      ctx.set(step.sbReadOnly ? 'ro' : 'rw');
      ctx.reconfigure();
      drain(ctx, x);
    } finally {
      ctx.close();
    }
    setAttrAt(step);
  },

  setAttr(step: SetAttrStep): void {
    setAttrAt(step);
  },

  propagate(step: PropagateStep): void {
    sysMountSetattr(AT.FDCWD, step.target, (step.flags & MS.REC ? AT.RECURSIVE : 0) | (step.noFollow ? AT.SYMLINK_NOFOLLOW : 0),
      { attrSet: 0, attrClr: 0, propagation: step.flags & ~MS.REC }, { target: step.target });
  },
};
