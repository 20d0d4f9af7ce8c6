// X-mount.idmap: a user namespace whose uid_map/gid_map describe the mapping, handed to
// mount_setattr(MOUNT_ATTR_IDMAP) as an fd. A process cannot unshare(CLONE_NEWUSER) while it
// has threads and Node always has, so the namespace is made by a short-lived child started
// with util-linux's unshare(1); this process writes its maps (allowed for root) and opens
// /proc/PID/ns/user, then ends the child.
import fs = require('fs');
import { sysOpen, isRecording, recordNote } from '../sys/syscalls';
import { O } from '../sys/constants';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';
import { IdMapEntry, parseIdmap } from '../options/idmap-value';

export { IdMapEntry, parseIdmap };

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** An fd of a user namespace for `value` (an X-mount.idmap value). The caller closes it. */
export function openUserns(value: string): number {
  const spec = parseIdmap(value);
  if (!spec) throw new MountError({ syscall: 'mount_setattr', errno: E.EINVAL });
  if ('path' in spec) return sysOpen(spec.path, O.RDONLY);
  if (isRecording()) {
    // A dry run starts no unshare(1) child: the namespace it would make, and its fd.
    recordNote(`# a user namespace with the map ${JSON.stringify(value)}: unshare(1) child, uid_map/gid_map written`);
    return sysOpen('/proc/PID/ns/user', O.RDONLY);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('child_process') as typeof import('child_process');
  const child = spawn('unshare', ['--user', '--', 'sleep', '60'], { stdio: 'ignore', env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' } });
  child.on('error', () => undefined); // reported below as a MountError, not as an unhandled event
  const pid = child.pid;
  if (pid === undefined) throw new MountError({ syscall: 'unshare', errno: E.ENOSYS });
  try {
    const mine = fs.readlinkSync('/proc/self/ns/user');
    // Wait until the child has entered its new namespace.
    for (let i = 0; i < 200; i++) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/ns/user`) !== mine) break;
      } catch {
        /* not there yet */
      }
      sleepSync(5);
    }
    const lines = (k: 'u' | 'g'): string => spec.entries.filter((e) => e.kind === k || e.kind === 'b')
      .map((e) => `${e.inner} ${e.outer} ${e.count}\n`).join('');
    const u = lines('u');
    const g = lines('g');
    if (u) fs.writeFileSync(`/proc/${pid}/uid_map`, u);
    if (g) {
      try {
        fs.writeFileSync(`/proc/${pid}/setgroups`, 'deny');
      } catch {
        /* root may keep setgroups */
      }
      fs.writeFileSync(`/proc/${pid}/gid_map`, g);
    }
    return fs.openSync(`/proc/${pid}/ns/user`, fs.constants.O_RDONLY);
  } finally {
    child.kill('SIGKILL');
    child.unref();
  }
}
