// Shared by both commands: program name, error safety net, exit code.
import * as path from 'path';
import { processOutput, Output } from './output';

/** The name messages start with: the command as invoked (tsmount, or mount when installed under that name). */
export function programName(argv1: string | undefined, fallback: string): string {
  if (!argv1) return fallback;
  return path.basename(argv1).replace(/\.(c?js|ts)$/, '') || fallback;
}

export type CommandMain = (prog: string, args: readonly string[], out: Output) => number;

export function runCommand(main: CommandMain, fallbackName: string, argv: readonly string[], out: Output = processOutput): number {
  const prog = programName(argv[1], fallbackName);
  try {
    return main(prog, argv.slice(2), out);
  } catch (e) {
    // Never a stack trace: an unexpected failure is reported like util-linux's internal errors (exit 4).
    const msg = e instanceof Error ? e.message : String(e);
    out.stderr([`${prog}: ${msg}`]);
    if (process.env.TSMOUNT_DEBUG) out.stderr([String(e instanceof Error ? e.stack : e)]);
    return 4;
  }
}
