// The end of a command, without waiting for V8's background compilers.
//
// A command that ran hot code (a listing, mount -a, umount -a) has V8 compile it optimised on its
// worker threads. When the event loop runs out of work, Node waits for every queued worker task
// (NodePlatform::DrainTasks), compile jobs included, before it emits 'exit', and again when it
// shuts the platform down: 24 ms of a listing of 1,000 mounts here was the main thread waiting, after
// its last write(2), for code it would never run (strace: a futex wait on a V8 worker thread).
// A command that is done ends at once instead: process.exit() runs the 'exit' listeners (the code
// cache's, bin/run-bundle.js), and the last of them calls _exit(2). Nothing is lost: the commands
// write their output synchronously (cli/output.ts), run helpers synchronously and close what they
// open; when anything is still active (a handle, a request, a timer, a koffi call on a worker
// thread), the process ends the usual way, as it does when Node was started with options (a
// profiler, an inspector, coverage, a compile cache: what they write at exit must be written) or
// when koffi was never loaded (such a command ran little).
import { canExitAtOnce, exitAtOnce } from '../sys/syscalls';

/** Node settings whose work at exit must be done (coverage; Node 22's compile cache). */
const WRITES_AT_EXIT = ['NODE_OPTIONS', 'NODE_V8_COVERAGE', 'NODE_COMPILE_CACHE'];

/** End the process now with `code` when nothing else is under way (see above); otherwise leave it to Node. */
export function endAtOnce(code: number): void {
  if (process.execArgv.length || WRITES_AT_EXIT.some((k) => process.env[k])) return;
  // koffi's calls on its worker threads are no active resources to Node: canExitAtOnce counts them.
  if (!canExitAtOnce() || process.getActiveResourcesInfo().length) return;
  process.once('exit', (c) => exitAtOnce(c));
  process.exit(code);
}
