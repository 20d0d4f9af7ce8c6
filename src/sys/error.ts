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

// ---- a refused request -------------------------------------------------------------------------
// A request the library refuses before (or instead of) a kernel call: a stable code and the data
// the message needs. The sentences and exit codes util-linux prints for them live in
// cli/messages.ts (requestErrorReport); library users switch on `code`. It lives on this floor,
// beside MountError, so that every layer (options/ included) can throw it.

/** What is wrong, with what a message about it needs. */
export type RequestProblem =
  /** An option string or value the parser refuses ("failed to parse mount options 'rw,…'"). */
  | { code: 'bad-options'; options: string; errnoText?: string }
  /** "a=b" with no name, "=x": util-linux's "unsupported option format". */
  | { code: 'unsupported-option-format'; options: string }
  /** A single argument found neither as target nor as source in fstab. */
  | { code: 'not-in-fstab'; fstab: string }
  | { code: 'no-fstab-target'; fstab: string }
  | { code: 'no-fstab-source'; source: string; fstab: string }
  /** --options-source=disable with one argument: util-linux goes on without a source and fails late. */
  | { code: 'options-source-disabled' }
  | { code: 'no-target' }
  | { code: 'no-source' }
  /** A bind or a move without a source (--bind DIR alone: nothing in fstab is read for it). */
  | { code: 'no-operation-source' }
  /** A tag (LABEL=, UUID= …) that no device carries (`unprobed`: no udev link, and this library was missing). */
  | { code: 'tag-not-found'; tag: string; unprobed?: string }
  /** The type must be probed and libblkid cannot be loaded. */
  | { code: 'blkid-unavailable'; source: string; library: string }
  /** Two or more filesystem signatures (blkid_do_safeprobe). */
  | { code: 'ambiguous-type'; source: string }
  /** Nothing probed and no type to try. */
  | { code: 'unknown-type' }
  /** The probed type is not one X-mount.auto-fstypes allows. */
  | { code: 'type-not-allowed'; type: string; allowed: string }
  | { code: 'swap-area'; source: string }
  | { code: 'luks-volume'; source: string }
  | { code: 'loop-overlap'; source: string }
  /** The same file at offset 0 is already mounted on this target. */
  | { code: 'source-already-mounted'; source: string }
  /** --onlyonce: this filesystem is already mounted there. */
  | { code: 'already-mounted' }
  /** A path that is not UTF-8 cannot reach a helper exactly (Node encodes argv as UTF-8). */
  | { code: 'path-not-utf8'; program: string; path: string }
  /** -T FILE that cannot be read as a table (missing, not a regular file or directory, unreadable). */
  | { code: 'fstab-unreadable'; file: string }
  /** umount: the path is not a mount point (a non-root user's view). */
  | { code: 'not-mounted' }
  /** umount: nothing mounted matches the spec. */
  | { code: 'not-found' }
  /** --id/--uniq-id: no mount in this namespace has that ID (`id`: "ID 42", "unique ID 2147483690"). */
  | { code: 'no-such-mount-id'; id: string }
  /** --uniq-id on a kernel without statmount(2) (Linux older than 6.8). */
  | { code: 'mount-id-unsupported' }
  /** --id/--uniq-id: the mount is no longer the topmost at its mount point (covered or moved). */
  | { code: 'mount-id-covered'; id: string; target: string }
  /** --id/--uniq-id with a value that is not a mount ID. */
  | { code: 'bad-mount-id'; value: string };

export type RequestErrorCode = RequestProblem['code'];

export class RequestError extends Error {
  readonly code: RequestErrorCode;
  /** The path or spec the request was about (the target as given, mostly); absent when none. */
  readonly spec?: string;

  constructor(readonly problem: RequestProblem, spec?: string) {
    const { code, ...data } = problem;
    const detail = Object.entries(data).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
    super(`${spec !== undefined ? `${spec}: ` : ''}${code}${detail ? ` (${detail})` : ''}`);
    this.name = 'RequestError';
    this.code = code;
    this.spec = spec;
  }
}
