// Errors the library raises, with what the CLI needs to print util-linux's text.
import { MountError, RequestError } from '../sys/error';
import { stat } from './paths';
import { Step, MountKind } from '../plan/types';

/** A mount request failed in a kernel call. */
export class MountFailure extends Error {
  constructor(
    readonly error: MountError,
    readonly kind: MountKind,
    readonly step: Step | undefined,
    readonly source: string | undefined,
    readonly target: string,
    readonly fstype: string | undefined,
    readonly flags: { nofail: boolean; readOnly: boolean; rwOnly: boolean; mounted: boolean },
    /** Kernel warnings/infos gathered before the failure. */
    readonly messages: string[],
  ) {
    super(error.message);
    this.name = 'MountFailure';
  }
}

/** An unmount failed in umount2(2). */
export class UmountFailure extends Error {
  constructor(readonly error: MountError, readonly target: string) {
    super(error.message);
    this.name = 'UmountFailure';
  }
}

/**
 * What --graceful excuses: umount2() said the target is not mounted (EINVAL) or not there (ENOENT),
 * as util-linux master's --graceful; or -R/-A found nothing mounted at what it was given (master
 * still fails there, which defeats an idempotent `umount -R -g DIR`). A refusal before any call (a
 * user's "not mounted") is not excused.
 */
export function isNothingToUnmount(e: unknown): boolean {
  if (e instanceof RequestError) return e.code === 'not-found' || e.code === 'no-such-mount-id';
  return e instanceof UmountFailure && (e.error.errno === 22 || e.error.errno === 2); // EINVAL ENOENT
}

/** errnos that mean "the device is missing", which nofail turns into success. */
const MISSING_DEVICE = new Set([2, 20, 6, 15, 123]); // ENOENT ENOTDIR ENXIO ENOTBLK ENOMEDIUM

/**
 * nofail silences a missing device: the mount is skipped and counts as a success. In the order of
 * libmount's mnt_context_get_mount_excode():
 * - a failure the kernel explained (fs-context error messages) is excused only when fsconfig()
 *   said ENOENT about a source that is no path ("Can't lookup blockdev" for a directory is a failure);
 * - a missing (or not-a-directory) mount point is not a missing device: ENOENT and ENOTDIR are
 *   excused only when the target is there and the source is what is missing.
 */
export function nofailApplies(f: MountFailure): boolean {
  if (!f.flags.nofail || !MISSING_DEVICE.has(f.error.errno)) return false;
  if (f.step?.op === 'loop') return false; // a loop device that cannot be set up is no missing device
  const sourceMissing = f.source !== undefined && !stat(f.source);
  if (f.error.kernelErrors.length) return f.error.errno === 2 && f.error.syscall === 'fsconfig' && sourceMissing;
  if (f.error.errno !== 2 && f.error.errno !== 20) return true;
  const target = stat(f.target);
  if (!target || (f.error.errno === 20 && !target.isDirectory())) return false;
  return sourceMissing;
}

/**
 * A /sbin/mount.TYPE or /sbin/umount.TYPE helper failed: it exited with a status other than 0, or
 * could not be executed (`execFailed`, status 126 or 127). The library throws it; the commands
 * exit with the helper's status instead, as util-linux does.
 */
export class HelperFailure extends Error {
  constructor(readonly program: string, readonly status: number, readonly target: string, readonly execFailed: boolean) {
    super(execFailed ? `${target}: failed to execute ${program}` : `${target}: ${program} failed (exit status ${status})`);
    this.name = 'HelperFailure';
  }
}
