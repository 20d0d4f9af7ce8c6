// One executor interface, one method per kind of kernel step, two implementations: the fd-based
// API (exec/fd.ts, the default) and mount(2) (exec/legacy.ts). exec/run.ts dispatches to them and
// owns the fallback from one to the other; steps that are no kernel mount call (mkdir, loop,
// helper, owner) are run.ts's own.
import { BindStep, FsMountStep, MoveStep, PropagateStep, ReconfigureStep, SetAttrStep } from '../plan/types';

/** What a step needs besides itself. */
export interface ExecContext {
  /** The target, opened (O_PATH) when it was checked: new mounts, binds and moves attach to it. */
  targetFd?: number;
  /** Kernel warnings and infos ("w …", "i …") gathered on the way. */
  messages: string[];
}

export interface Executor {
  readonly name: 'fd' | 'mount2';
  /** A new filesystem instance of `type` from `source`, attached at the step's target. */
  newMount(step: FsMountStep, type: string, source: string | undefined, sbReadOnly: boolean, x: ExecContext): void;
  bind(step: BindStep, x: ExecContext): void;
  move(step: MoveStep, x: ExecContext): void;
  /** A remount: the superblock reconfigured, then the per-mount flags reset as asked. */
  reconfigure(step: ReconfigureStep, x: ExecContext): void;
  /** Per-mount flags only (remount,bind). */
  setAttr(step: SetAttrStep, x: ExecContext): void;
  propagate(step: PropagateStep, x: ExecContext): void;
}
