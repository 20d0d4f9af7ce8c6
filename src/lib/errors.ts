// Errors the library raises, with what the CLI needs to print util-linux's text.
import { MountError } from '../sys/error';
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

/** errnos that mean "the device is missing", which nofail turns into success. */
const MISSING_DEVICE = new Set([2, 20, 6, 15, 123]); // ENOENT ENOTDIR ENXIO ENOTBLK ENOMEDIUM

/** nofail silences a missing device: the mount is skipped and counts as a success. */
export function nofailApplies(f: MountFailure): boolean {
  return f.flags.nofail && MISSING_DEVICE.has(f.error.errno);
}
