// Explain mode: the exact kernel calls a Plan would make, rendered without making them.
// It mirrors exec/fd.ts and exec/legacy.ts step by step; file descriptors are numbered
// from 3 as a fresh process would get them.
import { printable } from '../sys/bytes';
import { Plan, Step, FsMountStep, DataOption } from '../plan/types';
import { MS, msFlagNames, attrNames, propagationName, MOUNT_ATTR } from '../sys/constants';
import { ExecutorMode, needsLegacy } from './run';
import { attrsToMs, adjustedMs, PER_MOUNT } from './legacy';
import { splitSubtype } from './fd';
import { MountTable, MountEntry } from '../tables/mountinfo';

const REMOUNT_RESET = MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOEXEC | MOUNT_ATTR.NOSYMFOLLOW;

function q(s: string | null | undefined): string {
  return s === null || s === undefined ? 'NULL' : JSON.stringify(printable(s));
}

class Fds {
  private next = 3;
  open(): number {
    return this.next++;
  }
}

function attrStruct(set: number, clr: number, prop = 0): string {
  return `{attr_set=${attrNames(set)}, attr_clr=${attrNames(clr)}, propagation=${prop ? propagationName(prop) : '0'}, userns_fd=0}`;
}

/** exec/fd.ts fdSetAttr: the remount reset, then the recursive change if any. */
function fdSetAttrLines(target: string, set: number, clr: number, rset: number, rclr: number): string[] {
  const out = [`mount_setattr(AT_FDCWD, ${q(target)}, 0, ${attrStruct(set, clr | (REMOUNT_RESET & ~set))}, 32)`];
  if (rset || rclr) out.push(`mount_setattr(AT_FDCWD, ${q(target)}, AT_RECURSIVE, ${attrStruct(rset, rclr)}, 32)`);
  return out;
}

function fsconfigLines(fd: number, data: readonly DataOption[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of data) {
    out.push(d.value === undefined ? `fsconfig(${fd}, FSCONFIG_SET_FLAG, ${q(d.key)}, NULL, 0)`
      : `fsconfig(${fd}, FSCONFIG_SET_STRING, ${q(d.key)}, ${q(d.value)}, 0)`);
  }
  for (const f of flags) out.push(`fsconfig(${fd}, FSCONFIG_SET_FLAG, ${q(f)}, NULL, 0)`);
  return out;
}

function attachLine(mfd: number, target: string, tfd: number | undefined, beneath: boolean): string {
  const b = beneath ? '|MOVE_MOUNT_BENEATH' : '';
  return tfd !== undefined ? `move_mount(${mfd}, "", ${tfd}, "", MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH${b})`
    : `move_mount(${mfd}, "", AT_FDCWD, ${q(target)}, MOVE_MOUNT_F_EMPTY_PATH${b})`;
}

function fdNew(step: FsMountStep, type: string, source: string | undefined, fds: Fds, tfd: number | undefined): string[] {
  const out: string[] = [];
  const fs = fds.open();
  const { fstype, subtype } = splitSubtype(type);
  out.push(`fsopen(${q(fstype)}, FSOPEN_CLOEXEC) = ${fs}`);
  if (subtype !== undefined) out.push(`fsconfig(${fs}, FSCONFIG_SET_STRING, "subtype", ${q(subtype)}, 0)`);
  if (source !== undefined) out.push(`fsconfig(${fs}, FSCONFIG_SET_STRING, "source", ${q(source)}, 0)`);
  out.push(...fsconfigLines(fs, step.data, step.sbFlags));
  if (step.sbReadOnly) out.push(`fsconfig(${fs}, FSCONFIG_SET_FLAG, "ro", NULL, 0)`);
  out.push(`fsconfig(${fs}, ${step.exclusive ? 'FSCONFIG_CMD_CREATE_EXCL' : 'FSCONFIG_CMD_CREATE'}, NULL, NULL, 0)`);
  let m = fds.open();
  out.push(`fsmount(${fs}, FSMOUNT_CLOEXEC, ${attrNames(step.attrSet & 0x2000ff)}) = ${m}`);
  if (step.subdir !== undefined) {
    const s = fds.open();
    out.push(`open_tree(${m}, ${q(step.subdir)}, OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_RECURSIVE) = ${s}`, `close(${m})`);
    m = s;
  }
  if (step.idmap !== undefined) out.push(`mount_setattr(${m}, "", AT_EMPTY_PATH, {attr_set=MOUNT_ATTR_IDMAP, userns_fd=<${step.idmap}>}, 32)`);
  if (step.recursiveSet || step.recursiveClr) out.push(`mount_setattr(${m}, "", AT_EMPTY_PATH|AT_RECURSIVE, ${attrStruct(step.recursiveSet, step.recursiveClr)}, 32)`);
  out.push(attachLine(m, step.target, tfd, step.beneath), `close(${m})`, `close(${fs})`);
  return out;
}

/**
 * mount(2) cannot set VFSFLAG=recursive in one call: one bind remount per mount of the tree, each
 * keeping its other flags. The tree is read from the mount table: `from` is where it is now (the
 * source of an rbind, or the target itself), `target` where it will be.
 */
function legacyRecursive(target: string, set: number, clr: number, from = target): string[] {
  if (!set && !clr) return [];
  const table = MountTable.read();
  const top = table.topAt(from);
  const tree: Pick<MountEntry, 'target' | 'vfsOptions'>[] = top ? [top, ...table.descendants(top)] : [];
  if (!tree.length) tree.push({ target: from, vfsOptions: '' });
  return tree.map((e) => {
    const at = target + e.target.slice(from.length);
    return `mount("none", ${q(at)}, NULL, ${msFlagNames(MS.REMOUNT | MS.BIND | adjustedMs(e.vfsOptions, set, clr))}, NULL)`;
  });
}

function legacyNew(step: FsMountStep, type: string, source: string | undefined, target: string): string[] {
  const sbRo = step.sbReadOnly;
  const vfsRo = (step.attrSet & MOUNT_ATTR.RDONLY) !== 0;
  const flags = (step.msFlags & ~MS.RDONLY) | (sbRo ? MS.RDONLY : 0) | (step.guessing ? MS.SILENT : 0);
  const out = [`mount(${q(source ?? 'none')}, ${q(target)}, ${q(type)}, ${msFlagNames(flags)}, ${q(step.dataString || null)})`];
  if (vfsRo !== sbRo) {
    out.push(`mount("none", ${q(step.target)}, NULL, ${msFlagNames(MS.REMOUNT | MS.BIND | (step.msFlags & PER_MOUNT & ~MS.RDONLY) | (vfsRo ? MS.RDONLY : 0))}, NULL)`);
  }
  out.push(...legacyRecursive(step.target, step.recursiveSet, step.recursiveClr));
  return out;
}

function explainStep(step: Step, mode: ExecutorMode, fds: Fds, tfd: number | undefined, loopDev: string): string[] {
  const legacy = mode === 'mount2';
  const tpath = (t: string): string => (tfd !== undefined ? `/proc/self/fd/${tfd}` : t);
  switch (step.op) {
    case 'mkdir':
      return [`mkdir(${q(step.path)}, 0${step.mode.toString(8)})  # and its missing parents`];
    case 'loop': {
      const file = fds.open();
      const ctl = fds.open();
      const dev = fds.open();
      return [
        `open(${q(step.file)}, ${step.readOnly ? 'O_RDONLY' : 'O_RDWR'}) = ${file}`,
        `open("/dev/loop-control", O_RDWR|O_CLOEXEC) = ${ctl}`,
        `ioctl(${ctl}, LOOP_CTL_GET_FREE) = N`, `close(${ctl})`,
        `open(${q(loopDev)}, ${step.readOnly ? 'O_RDONLY' : 'O_RDWR'}|O_CLOEXEC) = ${dev}`,
        `ioctl(${dev}, LOOP_CONFIGURE, {fd=${file}, offset=${step.offset}, sizelimit=${step.sizelimit}, flags=LO_FLAGS_AUTOCLEAR${step.readOnly ? '|LO_FLAGS_READ_ONLY' : ''}})`,
        `close(${file})`,
      ];
    }
    case 'fsmount': {
      const source = step.sourceFromLoop ? loopDev : step.source;
      const out: string[] = [];
      const viaMount2 = legacy || (mode === 'auto' && needsLegacy(step));
      if (viaMount2 && !legacy) out.push('# an option value of 256 bytes or more: fsconfig() refuses it, mount(2) is used');
      for (const [i, t] of step.types.entries()) {
        if (i > 0) out.push(`# on EINVAL or ENODEV, the next type:`);
        const h = step.helpers?.[t];
        if (h) {
          out.push(...explainStep(h, mode, fds, tfd, loopDev), '# the helper ends the list');
          break;
        }
        out.push(...(viaMount2 ? legacyNew(step, t, source, tpath(step.target)) : fdNew(step, t, source, fds, tfd)));
      }
      return out;
    }
    case 'bind': {
      if (legacy) {
        const out: string[] = [];
        let src = step.source;
        if (step.noFollow) {
          const sfd = fds.open();
          out.push(`open(${q(step.source)}, O_PATH|O_NOFOLLOW|O_CLOEXEC) = ${sfd}`);
          src = `/proc/self/fd/${sfd}`;
        }
        out.push(`mount(${q(src)}, ${q(tpath(step.target))}, NULL, ${msFlagNames(MS.BIND | (step.recursive ? MS.REC : 0))}, NULL)`);
        if (step.msFlags || step.attrClr) out.push(`mount("none", ${q(step.target)}, NULL, ${msFlagNames(MS.REMOUNT | MS.BIND | step.msFlags)}, NULL)`);
        out.push(...legacyRecursive(step.target, step.recursiveSet, step.recursiveClr, step.recursive ? step.source : step.target));
        return out;
      }
      const fd = fds.open();
      const out = [`open_tree(AT_FDCWD, ${q(step.source)}, OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC${step.recursive ? '|AT_RECURSIVE' : ''}${step.noFollow ? '|AT_SYMLINK_NOFOLLOW' : ''}) = ${fd}`];
      if (step.attrSet || step.attrClr) out.push(`mount_setattr(${fd}, "", AT_EMPTY_PATH, ${attrStruct(step.attrSet, step.attrClr)}, 32)`);
      if (step.idmap !== undefined) out.push(`mount_setattr(${fd}, "", AT_EMPTY_PATH, {attr_set=MOUNT_ATTR_IDMAP, userns_fd=<${step.idmap}>}, 32)`);
      if (step.recursiveSet || step.recursiveClr) out.push(`mount_setattr(${fd}, "", AT_EMPTY_PATH|AT_RECURSIVE, ${attrStruct(step.recursiveSet, step.recursiveClr)}, 32)`);
      out.push(attachLine(fd, step.target, tfd, step.beneath), `close(${fd})`);
      return out;
    }
    case 'move': {
      const flags = step.attrSet || step.attrClr;
      if (legacy) {
        const out: string[] = [];
        if (flags) out.push(`mount("none", ${q(step.source)}, NULL, MS_REMOUNT|MS_BIND|<its flags>${step.attrSet ? `|${msFlagNames(attrsToMs(step.attrSet))}` : ''}, NULL)`);
        out.push(`mount(${q(step.source)}, ${q(tpath(step.target))}, NULL, MS_MOVE, NULL)`);
        return out;
      }
      const fd = fds.open();
      const out = [`open_tree(AT_FDCWD, ${q(step.source)}, OPEN_TREE_CLOEXEC) = ${fd}`];
      if (flags) out.push(`mount_setattr(${fd}, "", AT_EMPTY_PATH, ${attrStruct(step.attrSet, step.attrClr)}, 32)`);
      out.push(attachLine(fd, step.target, tfd, step.beneath), `close(${fd})`);
      return out;
    }
    case 'reconfigure': {
      if (legacy) {
        return [`mount(${q(step.source ?? 'none')}, ${q(step.target)}, ${q(step.fstype ?? null)}, ${msFlagNames(MS.REMOUNT | step.msFlags)}, ${q(step.dataString || null)})`,
          ...legacyRecursive(step.target, step.recursiveSet, step.recursiveClr)];
      }
      const fd = fds.open();
      return [
        `fspick(AT_FDCWD, ${q(step.target)}, FSPICK_CLOEXEC|FSPICK_NO_AUTOMOUNT) = ${fd}`,
        ...fsconfigLines(fd, step.data, step.sbFlags),
        `fsconfig(${fd}, FSCONFIG_SET_FLAG, ${q(step.sbReadOnly ? 'ro' : 'rw')}, NULL, 0)`,
        `fsconfig(${fd}, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0)`, `close(${fd})`,
        ...fdSetAttrLines(step.target, step.attrSet, step.attrClr, step.recursiveSet, step.recursiveClr),
      ];
    }
    case 'setattr':
      if (legacy) {
        return [`mount("none", ${q(step.target)}, NULL, ${msFlagNames(MS.REMOUNT | MS.BIND | step.msFlags)}, NULL)`,
          ...legacyRecursive(step.target, step.recursiveSet, step.recursiveClr)];
      }
      if (!step.attrSet && !step.attrClr && !step.recursiveSet && !step.recursiveClr) {
        const fd = fds.open();
        return [`open_tree(AT_FDCWD, ${q(step.target)}, OPEN_TREE_CLOEXEC) = ${fd}`, `close(${fd})`];
      }
      return fdSetAttrLines(step.target, step.attrSet, step.attrClr, step.recursiveSet, step.recursiveClr);
    case 'propagate':
      if (legacy) return [`mount("none", ${q(step.target)}, NULL, ${msFlagNames(step.flags)}, NULL)`];
      return [`mount_setattr(AT_FDCWD, ${q(step.target)}, ${step.flags & MS.REC ? 'AT_RECURSIVE' : '0'}, ${attrStruct(0, 0, step.flags & ~MS.REC)}, 32)`];
    case 'helper':
      return [`execve(${q(step.program)}, [${[step.program, ...step.argv].map((a) => q(a)).join(', ')}], {PATH=...})`];
    case 'owner': {
      const out: string[] = [];
      if (step.uid !== undefined || step.gid !== undefined) out.push(`chown(${q(step.target)}, ${step.uid ?? -1}, ${step.gid ?? -1})`);
      if (step.mode !== undefined) out.push(`chmod(${q(step.target)}, 0${step.mode.toString(8)})`);
      return out;
    }
  }
}

/** The kernel calls a plan makes, one per line. */
export function explainPlan(plan: Plan, mode: ExecutorMode = 'auto', pinned = true): string[] {
  const fds = new Fds();
  const out: string[] = [];
  const attaches = plan.steps.some((s) => s.op === 'fsmount' || s.op === 'bind' || s.op === 'move');
  let tfd: number | undefined;
  const openFlags = plan.targetNoFollow ? 'O_PATH|O_NOFOLLOW|O_CLOEXEC' : 'O_PATH|O_CLOEXEC';
  if (pinned && attaches && !plan.steps.some((s) => s.op === 'mkdir')) {
    tfd = fds.open();
    out.push(`open(${q(plan.target)}, ${openFlags}) = ${tfd}`);
  }
  for (const step of plan.steps) {
    out.push(...explainStep(step, mode, fds, tfd, '/dev/loopN'));
    if (step.op === 'mkdir' && pinned && attaches) {
      tfd = fds.open();
      out.push(`open(${q(plan.target)}, ${openFlags}) = ${tfd}`);
    }
  }
  if (tfd !== undefined) out.push(`close(${tfd})`);
  return out;
}
