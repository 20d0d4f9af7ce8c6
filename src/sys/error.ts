import { errnoName, strerror } from './errno';
import { msFlagNames } from './constants';

/** A kernel call that failed, with the context needed to explain it. */
export interface MountErrorInit {
  syscall: string;
  errno: number;
  source?: string;
  target?: string;
  /** MS_* flags of a mount(2) call, if any. */
  flags?: number;
  /** Messages the kernel queued on the fs-context fd ("e ...", "w ...", "i ..."), prefix kept. */
  kernelMessages?: string[];
}

/**
 * The error every kernel failure becomes. `code` is the errno name (ENOENT …),
 * `errno` its number, `kernelMessages` the fs-context log read after the call.
 */
export class MountError extends Error {
  readonly syscall: string;
  readonly errno: number;
  readonly code: string;
  readonly source?: string;
  readonly target?: string;
  readonly flags?: number;
  readonly kernelMessages: string[];

  constructor(init: MountErrorInit) {
    const errs = (init.kernelMessages ?? []).filter((m) => m.startsWith('e ')).map((m) => m.slice(2));
    const what = errs.length ? errs.join('; ') : strerror(init.errno);
    const where = init.target ?? init.source;
    super(`${init.syscall}() failed${where ? ` for ${where}` : ''}: ${what}` +
      (init.flags !== undefined ? ` (flags ${msFlagNames(init.flags)})` : ''));
    this.name = 'MountError';
    this.syscall = init.syscall;
    this.errno = init.errno;
    this.code = errnoName(init.errno);
    this.source = init.source;
    this.target = init.target;
    this.flags = init.flags;
    this.kernelMessages = init.kernelMessages ?? [];
  }

  /** Kernel error messages without their "e " prefix. */
  get kernelErrors(): string[] {
    return this.kernelMessages.filter((m) => m.startsWith('e ')).map((m) => m.slice(2));
  }
}

/** A failure of mount(8)'s own logic (usage, fstab lookup, option syntax …) with util-linux's text and exit code. */
