// Mounting FUSE without fusermount: open /dev/fuse, mount "fuse[.NAME]" with fd=N,rootmode=…,
// user_id=…,group_id=… (through fsopen/fsconfig, or through mount(2)), and hand the /dev/fuse
// fd to a FUSE server. The fd IS the session: the kernel sends FUSE_INIT and every request on
// it, and the mount answers ENOTCONN once the last copy of it is closed. The caller needs
// CAP_SYS_ADMIN in the mount's user namespace (there is no setuid helper here).
import fs = require('fs');
import { sysMount, closeFd } from '../sys/syscalls';
import { MountError } from '../sys/error';
import { errnoNumber } from '../sys/errno';
import { MOUNT_ATTR, MS, O } from '../sys/constants';
import { FsContext, MountFd } from './fd';

export interface FuseMountOptions {
  /** Subtype: the mount's type becomes "fuse.NAME" (mountinfo), as with sshfs, bindfs … Default: plain "fuse". */
  name?: string;
  /** The source shown in mountinfo. Default: `name`, else "fuse". */
  source?: string;
  /** 'fsconfig' (default): fsopen("fuse") + fsconfig + fsmount + move_mount. 'mount2': one mount(2) call. */
  method?: 'fsconfig' | 'mount2';
  /** user_id= (the uid allowed to access the mount without allow_other). Default: this process's uid. */
  userId?: number;
  /** group_id=. Default: this process's gid. */
  groupId?: number;
  /** rootmode= (the file type bits of the root inode). Default 0o40000 (S_IFDIR). */
  rootMode?: number;
  /** allow_other: users other than user_id may access the mount. */
  allowOther?: boolean;
  /** default_permissions: the kernel checks permissions from the attributes the server returns. */
  defaultPermissions?: boolean;
  /** Extra filesystem options ("max_read=131072", "blksize=4096", "flag"). */
  options?: string[];
  /** Read-only mount. */
  readOnly?: boolean;
  /** nosuid (default true, as fusermount does). */
  nosuid?: boolean;
  /** nodev (default true, as fusermount does). */
  nodev?: boolean;
  /** noexec. */
  noexec?: boolean;
}

/** A mounted FUSE session. */
export interface FuseMount {
  /** The /dev/fuse fd: read requests from it and write replies to it. Close it when the server ends. */
  fd: number;
  /** Where it is mounted (as given). */
  target: string;
  /** "fuse" or "fuse.NAME". */
  type: string;
  source: string;
  method: 'fsconfig' | 'mount2';
  /** The data options the kernel was given, fd=… first. */
  options: string[];
}

function openDevFuse(): number {
  try {
    return fs.openSync('/dev/fuse', O.RDWR | O.CLOEXEC);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new MountError({ syscall: 'open', errno: errnoNumber(code) ?? 5, source: '/dev/fuse', kernelMessages: [] });
  }
}

function split(opt: string): [string, string | undefined] {
  const eq = opt.indexOf('=');
  return eq < 0 ? [opt, undefined] : [opt.slice(0, eq), opt.slice(eq + 1)];
}

/**
 * Open /dev/fuse (O_RDWR|O_CLOEXEC) and mount a FUSE filesystem served through it on `target`.
 * Returns the fd for the server; nothing is read from it here, so the mount call does not wait
 * for the server (the kernel queues FUSE_INIT, and accesses to the mount wait for its reply).
 * On failure the fd is closed and the MountError thrown.
 */
export function mountFuse(target: string, o: FuseMountOptions = {}): FuseMount {
  const method = o.method ?? 'fsconfig';
  const type = o.name ? `fuse.${o.name}` : 'fuse';
  const source = o.source ?? o.name ?? 'fuse';
  const uid = o.userId ?? process.getuid?.() ?? 0;
  const gid = o.groupId ?? process.getgid?.() ?? 0;
  const fd = openDevFuse();
  const options = [`fd=${fd}`, `rootmode=${(o.rootMode ?? 0o40000).toString(8)}`, `user_id=${uid}`, `group_id=${gid}`,
    ...(o.allowOther ? ['allow_other'] : []), ...(o.defaultPermissions ? ['default_permissions'] : []), ...(o.options ?? [])];
  const nosuid = o.nosuid ?? true;
  const nodev = o.nodev ?? true;
  try {
    if (method === 'mount2') {
      const flags = (o.readOnly ? MS.RDONLY : 0) | (nosuid ? MS.NOSUID : 0) | (nodev ? MS.NODEV : 0) | (o.noexec ? MS.NOEXEC : 0);
      sysMount(source, target, type, flags, options.join(','));
    } else {
      const attrs = (o.readOnly ? MOUNT_ATTR.RDONLY : 0) | (nosuid ? MOUNT_ATTR.NOSUID : 0) | (nodev ? MOUNT_ATTR.NODEV : 0)
        | (o.noexec ? MOUNT_ATTR.NOEXEC : 0);
      const ctx = FsContext.open('fuse');
      let mfd: MountFd | undefined;
      try {
        ctx.set('source', source);
        // fsopen() takes the bare type; mount(2) derives the subtype from "fuse.NAME" itself.
        if (o.name) ctx.set('subtype', o.name);
        for (const opt of options) {
          const [k, v] = split(opt);
          ctx.set(k, v);
        }
        if (o.readOnly) ctx.set('ro');
        ctx.create();
        mfd = ctx.mount(attrs);
        mfd.moveTo(target);
      } finally {
        mfd?.close();
        ctx.close();
      }
    }
  } catch (e) {
    closeFd(fd);
    throw e;
  }
  return { fd, target, type, source, method, options };
}
