// --dry-run: the real executor over the recording sys layer (sys/syscalls.ts recordCalls). Every
// kernel call and side effect is written down as it would be made, fds are numbered from 3 as a
// fresh process gets them, and nothing is done: no mount, no directory, no helper started.
import { Plan } from '../plan/types';
import { O } from '../sys/constants';
import { recordCalls, sysOpen, closeFd } from '../sys/syscalls';
import { runPlan, ExecutorMode } from './run';

/** The calls `plan` makes, one per line (the target opened first, as the real run pins it). */
export function dryRunCalls(plan: Plan, mode: ExecutorMode = 'auto'): string[] {
  return recordCalls(() => {
    const attaches = plan.steps.some((s) => s.op === 'fsmount' || s.op === 'bind' || s.op === 'move');
    // The real run opened the target when it checked it, unless X-mount.mkdir creates it (then
    // the plan pins it after the mkdir step).
    const pinned = attaches && !plan.steps.some((s) => s.op === 'mkdir')
      ? sysOpen(plan.target, O.PATH | O.CLOEXEC | (plan.targetNoFollow ? O.NOFOLLOW : 0)) : undefined;
    try {
      runPlan(plan, { mode, targetFd: pinned });
    } finally {
      if (pinned !== undefined) closeFd(pinned);
    }
  }).calls;
}
