// Race-safe targets: the target is opened once (O_PATH) and the mount is attached to that
// file descriptor, so swapping a path component for a symlink after the check cannot
// redirect the mount. The canonical path is read back from the descriptor itself, so the
// check (canonicalization) and the pin are one operation.
import fs = require('fs');
import { O } from '../sys/constants';
import { sysOpen, closeFd, isRecording, readlinkBytes } from '../sys/syscalls';
import { decodeBytes } from '../sys/bytes';

export interface PinnedTarget {
  fd: number;
  /** The canonical path of what the fd refers to. */
  path: string;
}

/**
 * Open `target` with O_PATH, following symlinks as util-linux's canonicalization does (or not,
 * with `noFollow`). Undefined when it cannot be opened: the kernel call then reports why.
 */
export function pinTarget(target: string, noFollow = false): PinnedTarget | undefined {
  if (target === '') return undefined;
  let fd: number;
  try {
    fd = sysOpen(target, O.PATH | O.CLOEXEC | (noFollow ? O.NOFOLLOW : 0));
  } catch {
    return undefined;
  }
  if (isRecording()) return { fd, path: target }; // a dry run's fd names nothing to read back
  const link = readlinkBytes(`/proc/self/fd/${fd}`);
  const p = link && decodeBytes(link);
  if (p === undefined || !p.startsWith('/') || p.endsWith(' (deleted)')) {
    closeFd(fd);
    return undefined;
  }
  return { fd, path: p };
}

export function unpin(p: PinnedTarget | undefined): void {
  if (!p) return;
  closeFd(p.fd);
}

/**
 * How a target is pinned: `noFollow` opens it without following a final symlink (-c,
 * X-mount.nocanonicalize); a symlink met so is the target itself with `keepSymlink`
 * (X-mount.nocanonicalize=target), else it is not pinned but left to each kernel call (-c alone:
 * mount(2) follows it, as util-linux's mount(2) path does; the fd-based attach does not).
 */
export interface PinRule {
  noFollow: boolean;
  keepSymlink: boolean;
}

/** pinTarget() under a rule: undefined for a final symlink the rule leaves to the kernel calls. */
export function pinTargetBy(target: string, rule: PinRule): PinnedTarget | undefined {
  const pin = pinTarget(target, rule.noFollow);
  if (pin && rule.noFollow && !rule.keepSymlink && isSymlinkFd(pin.fd)) {
    unpin(pin);
    return undefined;
  }
  return pin;
}

function isSymlinkFd(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isSymbolicLink();
  } catch {
    return false;
  }
}
