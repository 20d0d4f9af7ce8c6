// SIGINT, SIGTERM and SIGHUP during a command of many steps (mount -a, umount -R/-A/-a): the step
// under way finishes — its kernel call and its utab update — so that utab matches the kernel, and
// then the command ends as util-linux's does, killed by that signal (a shell sees 128+N).
//
// Node's code here is synchronous, so a JavaScript signal handler runs only between turns of the
// event loop: the steps (lib/steps.ts) get a turn at least every TURN_MS, and the handler,
// installed for the run only, records the signal for the check at each turn.
//
// Not as util-linux: Node resets signals that were ignored when it started (nohup, `trap '' HUP`)
// to their default action before any JavaScript runs, so tsmount cannot know that SIGHUP was
// meant to be ignored: under nohup a SIGHUP still stops it (after the current step).
import type { Steps } from '../lib/steps';

const STOPPING: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Run `steps`, with a turn of the event loop at least every TURN_MS; a stopping signal ends the run between two steps. */
/** Longest run of steps between two turns of the event loop. */
const TURN_MS = 2;

export async function runInterruptibly<T>(steps: Steps<T>): Promise<T> {
  let caught: NodeJS.Signals | undefined;
  const record = (s: NodeJS.Signals): void => {
    caught ??= s;
  };
  for (const s of STOPPING) process.on(s, record);
  try {
    let turn = performance.now();
    for (;;) {
      const r = steps.next();
      // A turn of the event loop (where a caught signal is seen) after the last step, and after any
      // step that ends TURN_MS or more after the previous turn: a signal stops the run within a few
      // milliseconds, and thousands of quick steps (umount -a) do not each pay for a turn.
      if (r.done || performance.now() - turn >= TURN_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        turn = performance.now();
        if (caught) break;
      }
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
