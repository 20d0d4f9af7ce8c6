// Operations of many steps (mount -a, umount -R, umount -a) are generators that yield between
// steps: the library runs them to the end at once; the commands run them one step per turn of
// the event loop, so that SIGINT/SIGTERM/SIGHUP, caught meanwhile, stop them between two steps
// (each step — the kernel call and its utab update — finishes first; see cli/signals.ts).

export type Steps<T> = Generator<void, T, void>;

/** Run every step now and return the result (the library's synchronous form). */
export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
