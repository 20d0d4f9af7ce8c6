// Shared by both commands: program name, error safety net, exit code.
import path = require('path');
import fs = require('fs');
import { processOutput, Output } from './output';
import { endAtOnce as endProcessAtOnce } from './exit';
import { decodeBytes } from '../sys/bytes';

/** The name messages start with: the command as invoked (tsmount, or mount when installed under that name). */
export function programName(argv1: string | undefined, fallback: string): string {
  if (!argv1) return fallback;
  return path.basename(argv1).replace(/\.(c?js|ts)$/, '') || fallback;
}

/**
 * The command's arguments with their bytes intact. Node decodes argv as UTF-8 and turns bytes
 * that are not UTF-8 into U+FFFD (so `/mnt/bad\xff` would become another path); only then are
 * they read again from /proc/self/cmdline, whose last entries are our arguments.
 */
export function exactArgv(argv: readonly string[]): readonly string[] {
  if (!argv.some((a) => a.includes('\uFFFD'))) return argv;
  try {
    const raw = fs.readFileSync('/proc/self/cmdline');
    const parts: string[] = [];
    let start = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] === 0) {
        parts.push(decodeBytes(raw, start, i));
        start = i + 1;
      }
    }
    const n = argv.length - 2;
    if (parts.length < n + 1) return argv;
    return [...argv.slice(0, 2), ...parts.slice(parts.length - n)];
  } catch {
    return argv;
  }
}

/** A command: its exit code, or a promise of it (commands of many steps, see cli/signals.ts). */
export type CommandMain = (prog: string, args: readonly string[], out: Output) => number | Promise<number>;

/**
 * Run a command and set the process's exit code (at once, or when an asynchronous one ends).
 * `endAtOnce` (the commands in bin/): the process then ends without waiting for V8 (cli/exit.ts).
 */
export function runCommand(main: CommandMain, fallbackName: string, argv: readonly string[],
  { out = processOutput, endAtOnce = false }: { out?: Output; endAtOnce?: boolean } = {}): void {
  const prog = programName(argv[1], fallbackName);
  const internal = (e: unknown): number => {
    // Never a stack trace: an unexpected failure is reported like util-linux's internal errors (exit 4).
    const msg = e instanceof Error ? e.message : String(e);
    out.stderr([`${prog}: ${msg}`]);
    if (process.env.TSMOUNT_DEBUG) out.stderr([String(e instanceof Error ? e.stack : e)]);
    return 4;
  };
  let code: number | Promise<number>;
  try {
    code = main(prog, exactArgv(argv).slice(2), out);
  } catch (e) {
    code = internal(e);
  }
  const done = (c: number): void => {
    process.exitCode = c;
    // After what the command left for the next tick (a warning Node emits then, say) has run.
    if (endAtOnce) setImmediate(() => endProcessAtOnce(c));
  };
  if (typeof code === 'number') done(code);
  else code.then(done, (e: unknown) => done(internal(e)));
}
