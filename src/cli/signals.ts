// SIGINT, SIGTERM and SIGHUP during a command of many steps (mount -a, umount -R/-A/-a): the step
// under way finishes — its kernel call and its utab update — so that utab matches the kernel, and
// then the command ends as util-linux's does, killed by that signal (a shell sees 128+N).
//
// Node's code here is synchronous, so a JavaScript signal handler runs only between turns of the
// event loop: the steps are run one per turn (lib/steps.ts), and the handler, installed for the
// run only, records the signal for the check after each step.
//
// Not as util-linux: Node resets signals that were ignored when it started (nohup, `trap '' HUP`)
// to their default action before any JavaScript runs, so tsmount cannot know that SIGHUP was
// meant to be ignored: under nohup a SIGHUP still stops it (after the current step).
import type { Steps } from '../lib/steps';

const STOPPING: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Run `steps` one per event-loop turn; a stopping signal ends the run between two steps. */
export async function runInterruptibly<T>(steps: Steps<T>): Promise<T> {
  let caught: NodeJS.Signals | undefined;
  const record = (s: NodeJS.Signals): void => {
    caught ??= s;
  };
  for (const s of STOPPING) process.on(s, record);
  try {
    for (;;) {
      const r = steps.next();
      // One more turn after each step, the last one too: a signal caught during it is seen here.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (caught) break;
      if (r.done) return r.value;
    }
  } finally {
    for (const s of STOPPING) process.off(s, record);
  }
  // Die of the signal, as util-linux does (its default action, now that our handler is gone).
  process.kill(process.pid, caught);
  // The signal is delivered asynchronously: wait for it (nothing else runs meanwhile).
  return new Promise<T>(() => undefined);
}
