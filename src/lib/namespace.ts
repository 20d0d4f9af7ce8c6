// -N/--namespace: switch this process into another mount namespace (PID or path).
// Node runs helper threads that share the filesystem context, and setns(CLONE_NEWNS)
// refuses a shared one (EINVAL): unshare(CLONE_FS) on this thread first.
import fs = require('fs');
import { sysSetns, sysUnshare, closeFd } from '../sys/syscalls';
import { CLONE_FS, CLONE_NEWNS } from '../sys/constants';

export function namespacePath(spec: string): string {
  return /^[0-9]+$/.test(spec) ? `/proc/${spec}/ns/mnt` : spec;
}

export function enterNamespace(spec: string): void {
  const fd = fs.openSync(namespacePath(spec), fs.constants.O_RDONLY);
  try {
    sysUnshare(CLONE_FS);
    sysSetns(fd, CLONE_NEWNS);
  } finally {
    closeFd(fd);
  }
}

/**
 * libmount's test when -N is given (mnt_context_set_target_ns(), called as getopt reaches -N):
 * the namespace is entered and left again at once, so that a namespace that cannot be entered
 * is reported there. As the kernel does for any switch, this leaves the current directory at
 * the root (util-linux's test does the same).
 */
export function tryNamespace(spec: string): void {
  const orig = fs.openSync('/proc/self/ns/mnt', fs.constants.O_RDONLY);
  try {
    const fd = fs.openSync(namespacePath(spec), fs.constants.O_RDONLY);
    try {
      sysUnshare(CLONE_FS);
      sysSetns(fd, CLONE_NEWNS);
      sysSetns(orig, CLONE_NEWNS);
    } finally {
      closeFd(fd);
    }
  } finally {
    closeFd(orig);
  }
}
