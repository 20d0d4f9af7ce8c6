// The fallback executor: classic mount(2). Used on ENOSYS, when forced
// (TSMOUNT_FORCE_MOUNT2=always), and for values the new API refuses (fsconfig
// strings of 256 bytes or more).
import { sysMount } from '../sys/syscalls';
import { MS } from '../sys/constants';
import { BindStep, FsMountStep, MoveStep, PropagateStep, ReconfigureStep, SetAttrStep } from '../plan/types';

export function legacyNewMount(step: FsMountStep, type: string, source: string | undefined, readOnly: boolean, silent: boolean): void {
  const flags = (step.msFlags & ~MS.RDONLY) | (readOnly ? MS.RDONLY : 0) | (silent ? MS.SILENT : 0);
  sysMount(source ?? 'none', step.target, type, flags, step.dataString || null);
}

export function legacyBind(step: BindStep): void {
  sysMount(step.source, step.target, null, MS.BIND | (step.recursive ? MS.REC : 0), null);
  if (step.msFlags) sysMount('none', step.target, null, MS.REMOUNT | MS.BIND | step.msFlags, null);
}

export function legacyMove(step: MoveStep): void {
  sysMount(step.source, step.target, null, MS.MOVE, null);
}

export function legacyReconfigure(step: ReconfigureStep): void {
  sysMount(step.source ?? 'none', step.target, step.fstype ?? null, MS.REMOUNT | step.msFlags, step.dataString || null);
}

export function legacySetAttr(step: SetAttrStep): void {
  sysMount('none', step.target, null, MS.REMOUNT | MS.BIND | step.msFlags, null);
}

export function legacyPropagate(step: PropagateStep): void {
  sysMount('none', step.target, null, step.flags, null);
}
