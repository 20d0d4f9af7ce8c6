// -N/--namespace: switch this process into another mount namespace (PID or path).
// Node runs helper threads that share the filesystem context, and setns(CLONE_NEWNS)
// refuses a shared one (EINVAL): unshare(CLONE_FS) on this thread first.
import * as fs from 'fs';
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
