// Errors → util-linux 2.42's texts and exit codes, in one place.
import { MountFailure, UmountFailure } from '../lib/errors';
import { strerror, errnoNumber, E } from '../sys/errno';
import type { UtabUpdateError } from '../tables/utab';
import { MountError, RequestError, RequestProblem } from '../sys/error';
import { readMountTable } from '../lib/mount-table';
import { stat, lstat } from '../lib/paths';

export const EXIT = { SUCCESS: 0, USAGE: 1, SYSERR: 2, SOFTWARE: 4, USER: 8, FILEIO: 16, FAIL: 32, SOMEOK: 64, EXEC: 126 } as const;

export const DMESG_HINT = '       dmesg(1) may have more information after failed mount system call.';

export interface Report {
  /** Lines for stdout (kernel warnings). */
  out: string[];
  /** Lines for stderr. */
  err: string[];
  rc: number;
}

/** Kernel warnings on stdout ("mount warning:" / "mount warnings:"), infos only with -v. */
export function kernelNotes(prog: string, messages: readonly string[], verbose: boolean): string[] {
  const out: string[] = [];
  const warns = messages.filter((m) => m.startsWith('w ')).map((m) => m.slice(2));
  const infos = messages.filter((m) => m.startsWith('i ')).map((m) => m.slice(2));
  if (warns.length) {
    out.push(`mount ${warns.length > 1 ? 'warnings' : 'warning'}:`);
    for (const w of warns) out.push(`      * ${w}`);
  }
  if (verbose && infos.length) {
    out.push(`mount ${infos.length > 1 ? 'infos' : 'info'}:`);
    for (const i of infos) out.push(`      * ${i}`);
  }
  return out;
}

/** Where else is `source` mounted? (for "SRC already mounted on TGT"). */
function mountedElsewhere(source: string | undefined, target: string): string | undefined {
  if (!source) return undefined;
  try {
    const t = readMountTable(['target', 'source']);
    const l = t.withSource(source).filter((e) => e.target !== target);
    return l.length ? l[0].target : undefined;
  } catch {
    return undefined;
  }
}

/**
 * libmount's is_shared_tree(): is the mount that holds the parent directory of `dir` shared?
 * (The kernel refuses to move a mount out of a shared parent with EINVAL.)
 */
function underSharedMount(dir: string | undefined): boolean {
  if (!dir) return false;
  const slash = dir.lastIndexOf('/');
  if (slash < 0) return false;
  try {
    const t = readMountTable(['target', 'optional']);
    for (let p = slash > 0 ? dir.slice(0, slash) : dir; ; p = p.slice(0, Math.max(1, p.lastIndexOf('/')))) {
      const e = t.topAt(p);
      if (e) return e.optional.some((o) => o.startsWith('shared:'));
      if (p === '/') return false;
    }
  } catch {
    return false;
  }
}

function syscallText(f: MountFailure): string {
  const err = f.error;
  const src = f.source ?? 'none';
  const tgt = f.target;
  const op = f.step?.op;
  const remount = f.kind === 'remount';
  switch (err.errno) {
    case E.EPERM: {
      if (process.geteuid && process.geteuid() !== 0) return 'must be superuser to use mount';
      const st = stat(tgt);
      if (st && (st.isDirectory() || (st.isFile() && f.kind === 'bind'))) return 'permission denied';
      return 'mount point is not a directory';
    }
    case E.EBUSY: {
      if (remount) return 'mount point is busy';
      const where = mountedElsewhere(f.source, tgt);
      if (where) return `${src} already mounted on ${where}`;
      return `${src} already mounted or mount point busy`;
    }
    case E.ENOENT: {
      const l = lstat(tgt);
      if (!l) return 'mount point does not exist';
      if (l.isSymbolicLink() && !stat(tgt)) return 'mount point is a symbolic link to nowhere';
      if (f.source && !stat(f.source)) return `special device ${f.source} does not exist`;
      return `${err.syscall}() failed: ${strerror(err.errno)}`;
    }
    case E.ENOTDIR: {
      const st = stat(tgt);
      if (!st || !st.isDirectory()) return 'mount point is not a directory';
      return `special device ${src} does not exist (a path prefix is not a directory)`;
    }
    case E.EINVAL:
      if (remount) return 'mount point not mounted or bad option';
      // libmount's MNT_ERR_APPLYFLAGS: setting per-mount flags failed (mount_setattr, or a bind remount).
      if (op === 'propagate' || op === 'setattr' || err.syscall === 'mount_setattr') return 'not mount point or bad option';
      if (f.kind === 'move' && underSharedMount(f.source)) {
        return 'bad option; moving a mount residing under a shared mount is unsupported';
      }
      return `wrong fs type, bad option, bad superblock on ${src}, missing codepage or helper program, or other error`;
    case E.EMFILE:
      return 'mount table full';
    case E.EIO:
      return `can't read superblock on ${src}`;
    case E.ENODEV:
      return f.fstype !== undefined ? `unknown filesystem type '${f.fstype}'` : 'unknown filesystem type';
    case E.ENOTBLK: {
      const st = stat(src);
      if (!st) return `${src} is not a block device, and stat(2) fails?`;
      if (st.isBlockDevice()) return `the kernel does not recognize ${src} as a block device; maybe "modprobe driver" is necessary`;
      if (st.isFile()) return `${src} is not a block device; try "-o loop"`;
      return `${src} is not a block device`;
    }
    case E.ENXIO:
      return `${src} is not a valid block device`;
    case E.EACCES:
    case E.EROFS:
      if (f.flags.readOnly) return `cannot mount ${src} read-only`;
      if (f.flags.rwOnly) return `${src} is write-protected but explicit read-write mode requested`;
      if (remount) return `cannot remount ${src} read-write, is write-protected`;
      if (f.kind === 'bind') return `bind ${src} failed`;
      return `${err.syscall}() failed: ${strerror(err.errno)}`;
    case E.ENOMEDIUM:
      return `no medium found on ${src}`;
    case E.EBADMSG:
      return `cannot mount; probably corrupted filesystem on ${src}`;
    default:
      return `${err.syscall}() failed: ${strerror(err.errno)}`;
  }
}

/** mount: a kernel call failed. */
export function mountFailureReport(prog: string, f: MountFailure, verbose: boolean): Report {
  const out = kernelNotes(prog, [...f.messages, ...f.error.kernelMessages], verbose);
  const spec = f.target || f.source || '???';
  if (f.step?.op === 'loop') {
    // MNT_ERR_LOOPDEV: reported before any mount call, so no dmesg hint.
    return { out, err: [`${prog}: ${spec}: failed to set up loop device for ${f.step.file}.`], rc: EXIT.FAIL };
  }
  const kerr = f.error.kernelErrors;
  const text = kerr.length ? `${f.error.syscall}() failed: ${kerr.join('; ')}` : syscallText(f);
  if (f.flags.mounted && (f.step?.op === 'propagate' || f.step?.op === 'owner')) {
    const what = f.step.op === 'propagate' ? ', but failed to apply flags'
      : `, but failed to change ${f.error.syscall === 'chmod' ? 'mode' : 'ownership'}: ${strerror(f.error.errno)}`;
    return { out, err: [`${prog}: ${spec}: filesystem was mounted${what}.`], rc: f.step.op === 'owner' ? EXIT.SYSERR : EXIT.USAGE };
  }
  return { out, err: [`${prog}: ${spec}: ${text}.`, DMESG_HINT], rc: EXIT.FAIL };
}

/** umount: umount2() failed. */
export function umountFailureText(f: UmountFailure): string {
  switch (f.error.errno) {
    case E.ENXIO: return 'invalid block device';
    case E.EINVAL: return 'not mounted';
    case E.EIO: return "can't write superblock";
    case E.EBUSY: return 'target is busy';
    case E.ENOENT: return 'no mount point specified';
    case E.EPERM: return 'must be superuser to unmount';
    case E.EACCES: return 'block devices are not permitted on filesystem';
    default: return `umount(2) system call failed: ${strerror(f.error.errno)}`;
  }
}

/**
 * A kernel or file-system error outside the mapped cases (a MountError from a helper call, a
 * Node fs error): one util-linux-style line, or undefined when `e` is not such an error.
 */
export function otherErrorLine(prog: string, e: unknown, spec: string | undefined): string | undefined {
  if (e instanceof MountError) return `${prog}: ${spec ?? e.target ?? e.source ?? '???'}: ${e.syscall}() failed: ${strerror(e.errno)}.`;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string') return `${prog}: ${spec ?? err.path ?? '???'}: ${strerror(Math.abs(err.errno ?? 5))}.`;
  return undefined;
}

/** -N failed: util-linux's text, with the namespace file and the reason. */
export function namespaceError(prog: string, spec: string, e: unknown): string {
  return `${prog}: ${namespaceErrorText(spec, e)}`;
}

/** The same without the program name. */
export function namespaceErrorText(spec: string, e: unknown): string {
  const path = /^[0-9]+$/.test(spec) ? `/proc/${spec}/ns/mnt` : spec;
  const errno = e instanceof MountError ? e.errno : Math.abs((e as NodeJS.ErrnoException).errno ?? 5);
  return `failed to set target namespace to ${path}: ${strerror(errno)}`;
}

/** The mount table could not be read (no /proc): util-linux's "failed to read mtab", exit 2. */
export function mtabError(prog: string, out: { stderr(lines: readonly string[]): void }, e: unknown): number {
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.errno !== 'number') throw e;
  out.stderr([`${prog}: failed to read mtab: ${strerror(Math.abs(err.errno))}`]);
  return EXIT.SYSERR;
}


/**
 * The kernel call succeeded but utab could not be updated (libmount's mk_exit_code): the lock →
 * "failed to update userspace mount table" (exit 16); the write → "any subsequent operation
 * failed: <strerror>" (exit 32).
 */
export function utabFailureReport(prog: string, target: string, e: UtabUpdateError, done: 'mounted' | 'unmounted'): { line: string; code: number } {
  if (e.stage === 'lock') {
    return { line: `${prog}: ${target}: filesystem was ${done}, but failed to update userspace mount table.`, code: EXIT.FILEIO };
  }
  const n = e.errno === undefined ? undefined : errnoNumber(e.errno);
  const why = n === undefined ? e.errno ?? 'Unknown error' : strerror(n);
  return { line: `${prog}: ${target}: filesystem was ${done}, but any subsequent operation failed: ${why}.`, code: EXIT.FAIL };
}

/** Lookups a message needs (injected by the unit tests). */
export interface MessageLookups {
  /** Is there anything at this path? (umount tells "not mounted" from "not found" by it.) */
  exists(path: string): boolean;
}

/** util-linux's sentence and exit code for a refused request. */
function requestText(p: RequestProblem, spec: string | undefined, look: MessageLookups): { text: string; rc: number } {
  switch (p.code) {
    case 'bad-options': return { text: `failed to parse mount options '${p.options}'${p.errnoText ? `: ${p.errnoText}` : ''}`, rc: EXIT.USAGE };
    case 'unsupported-option-format': return { text: `unsupported option format: ${p.options}`, rc: EXIT.USAGE };
    case 'not-in-fstab': return { text: `can't find in ${p.fstab}`, rc: EXIT.USAGE };
    case 'no-fstab-target': return { text: `can't find mount point in ${p.fstab}`, rc: EXIT.USAGE };
    case 'no-fstab-source': return { text: `can't find mount source ${p.source} in ${p.fstab}`, rc: EXIT.USAGE };
    case 'options-source-disabled': return { text: 'filesystem was mounted, but any subsequent operation failed: Invalid argument', rc: EXIT.USAGE };
    case 'no-target': return { text: 'no mount point specified', rc: EXIT.USAGE };
    case 'no-source': return { text: 'no mount source specified', rc: EXIT.USAGE };
    // libmount's generic excode for -EINVAL ("mount failed: %m")
    case 'no-operation-source': return { text: 'mount failed: Invalid argument', rc: EXIT.USAGE };
    case 'tag-not-found':
      return { text: `can't find ${p.tag}${p.unprobed ? ` (cannot probe devices: ${p.unprobed} not available)` : ''}`, rc: EXIT.USAGE };
    case 'blkid-unavailable': return { text: `cannot probe ${p.source}: ${p.library} not available; use -t <type>`, rc: EXIT.FAIL };
    case 'ambiguous-type': return { text: `more filesystems detected on ${p.source}; use -t <type> or wipefs(8)`, rc: EXIT.USAGE };
    case 'unknown-type': return { text: 'failed to determine filesystem type', rc: EXIT.USAGE };
    case 'type-not-allowed': return { text: 'no valid filesystem type specified', rc: EXIT.USAGE };
    case 'swap-area': return { text: `${p.source} holds a swap area, not a filesystem; use swapon(8)`, rc: EXIT.FAIL };
    case 'luks-volume':
      return { text: `${p.source} is a LUKS encrypted volume; open it with cryptsetup(8) and mount the mapped device`, rc: EXIT.FAIL };
    case 'loop-overlap': return { text: `overlapping loop device exists for ${p.source}`, rc: EXIT.FAIL };
    case 'source-already-mounted': return { text: `${p.source} is already mounted`, rc: EXIT.USAGE };
    case 'already-mounted': return { text: 'filesystem already mounted', rc: EXIT.FAIL };
    case 'path-not-utf8': return { text: `path is not valid UTF-8 and cannot be passed to ${p.program} exactly`, rc: EXIT.FAIL };
    case 'fstab-unreadable': return { text: 'failed to parse', rc: EXIT.USAGE };
    case 'not-mounted': return { text: 'not mounted', rc: EXIT.USAGE };
    // umount.c: access(spec, F_OK) tells "not mounted" from "not found"
    case 'not-found': return { text: spec !== undefined && look.exists(spec) ? 'not mounted' : 'not found', rc: EXIT.USAGE };
    case 'no-such-mount-id': return { text: `no mount with ${p.id}`, rc: EXIT.USAGE };
    case 'mount-id-unsupported': return { text: 'a unique mount ID needs statmount(2) (Linux 6.8 or later)', rc: EXIT.FAIL };
    case 'mount-id-covered': return { text: `the mount with ${p.id} is not the topmost on ${p.target}; nothing unmounted`, rc: EXIT.FAIL };
    case 'bad-mount-id': return { text: `invalid mount ID: '${p.value}'`, rc: EXIT.USAGE };
  }
}

const REAL_LOOKUPS: MessageLookups = { exists: (p) => stat(p) !== undefined || lstat(p) !== undefined };

/** A refused request's line without the program name ("SPEC: TEXT." or "TEXT"), and its exit code. */
export function requestErrorLine(e: RequestError, look: MessageLookups = REAL_LOOKUPS): [string, number] {
  const { text, rc } = requestText(e.problem, e.spec, look);
  if (e.spec === undefined) return [text, rc];
  // umount.c's "not found" and libmount's "failed to parse" (of a table) end without a period.
  const period = e.code === 'not-found' || e.code === 'fstab-unreadable' ? '' : '.';
  return [`${e.spec}: ${text}${period}`, rc];
}

/**
 * A refused request as util-linux prints it: "PROG: SPEC: TEXT." (umount's "not found" line has no
 * final period, as umount.c prints it), or "PROG: TEXT" when the request named nothing.
 */
export function requestErrorReport(prog: string, e: RequestError, look: MessageLookups = REAL_LOOKUPS): Report {
  const [line, rc] = requestErrorLine(e, look);
  return { out: [], err: [`${prog}: ${line}`], rc };
}

// ---- the other sentences: success, -v, warnings, usage ------------------------------------------

/** util-linux's "%-25s: " column of -a -v lines. */
function padded(target: string): string {
  return target.length < 25 ? target.padEnd(25) : target;
}

/** What -a -v says of one entry (mount.c, umount.c). */
export type EntryOutcome = 'successfully mounted' | 'ignored' | 'already mounted' | 'successfully remounted'
  | 'mount successfully forked' | 'successfully unmounted';

/** util-linux's sentences besides the errors, each a function of what it names. */
export const SAY = {
  mounted: (source: string, target: string): string => `${source} mounted on ${target}.`,
  bound: (source: string, target: string): string => `${source} bound on ${target}.`,
  moved: (source: string, target: string): string => `${source} moved to ${target}.`,
  notMountedWithin: (target: string, ms: number): string => `${target}: not mounted within ${ms} ms`,
  badPollActions: (list: string): string => `unknown action in '${list}' (mount, umount, remount, move)`,
  badTimeout: (v: string): string => `invalid timeout: '${v}'`,
  propagationChanged: (target: string): string => `${target} propagation flags changed.`,
  unmounted: (target: string, source?: string): string => (source !== undefined ? `${target} (${source}) unmounted` : `${target} unmounted`),
  entry: (target: string, outcome: EntryOutcome): string => `${padded(target)}: ${outcome}`,
  helperExecFailed: (target: string, program: string): string => `${target}: failed to execute ${program}.`,
  roFallback: (target: string): string => `${target}: WARNING: source write-protected, mounted read-only.`,
  fstabLineIgnored: (file: string, line: number): string => `${file}: parse error at line ${line} -- ignored`,
  badUsage: 'bad usage',
  sourceTwice: 'source specified more than once',
  unexpectedArguments: 'unexpected number of arguments',
  umountFailed: (target: string, text: string): string => `${target}: ${text}.`,
} as const;

