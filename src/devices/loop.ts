// Loop devices through ioctls (LOOP_CTL_GET_FREE, LOOP_CONFIGURE), never through losetup.
// Attached devices are autoclear: the kernel detaches them when the last user goes away,
// so the fd is kept open until the mount holds the device, then closed.
import fs = require('fs');
import path = require('path');
import { sysIoctl, closeFd, sysOpen, isRecording } from '../sys/syscalls';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';
import { O } from '../sys/constants';
import { decodeBytes, osPath } from '../sys/bytes';

const LOOP_CLR_FD = 0x4c01;
const LOOP_CONFIGURE = 0x4c0a;
const LOOP_CTL_GET_FREE = 0x4c82;
export const LO_FLAGS = { READ_ONLY: 1, AUTOCLEAR: 4, PARTSCAN: 8, DIRECT_IO: 16 } as const;

/** A loop device as sysfs shows it. */
export interface LoopInfo {
  device: string;
  backingFile: string;
  offset: number;
  sizelimit: number;
  autoclear: boolean;
  readOnly: boolean;
}

function readSys(p: string): string | undefined {
  try {
    return decodeBytes(fs.readFileSync(p)).trim(); // a backing file's name is bytes
  } catch {
    return undefined;
  }
}

/** Every attached loop device (one sysfs read per device, no losetup). */
export function listLoopDevices(sysBlock = '/sys/block'): LoopInfo[] {
  const out: LoopInfo[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(sysBlock).filter((n) => n.startsWith('loop'));
  } catch {
    return out;
  }
  for (const n of names) {
    const base = path.join(sysBlock, n, 'loop');
    const back = readSys(path.join(base, 'backing_file'));
    if (back === undefined) continue;
    out.push({
      device: `/dev/${n}`,
      backingFile: back.replace(/ \(deleted\)$/, ''),
      offset: Number(readSys(path.join(base, 'offset')) ?? 0),
      sizelimit: Number(readSys(path.join(base, 'sizelimit')) ?? 0),
      autoclear: readSys(path.join(base, 'autoclear')) === '1',
      readOnly: readSys(path.join(sysBlock, n, 'ro')) === '1',
    });
  }
  return out;
}

/** The loop device info for /dev/loopN, or undefined when it is not a loop device or not attached. */
export function loopInfo(device: string): LoopInfo | undefined {
  const m = /^\/dev\/(loop\d+)$/.exec(device);
  if (!m) return undefined;
  const base = `/sys/block/${m[1]}/loop`;
  const back = readSys(`${base}/backing_file`);
  if (back === undefined) return undefined;
  return {
    device, backingFile: back.replace(/ \(deleted\)$/, ''), offset: Number(readSys(`${base}/offset`) ?? 0),
    sizelimit: Number(readSys(`${base}/sizelimit`) ?? 0), autoclear: readSys(`${base}/autoclear`) === '1',
    readOnly: readSys(`/sys/block/${m[1]}/ro`) === '1',
  };
}

/** How a request relates to the devices already attached to the same file. */
export function findLoopMatch(devices: LoopInfo[], file: string, offset: number, sizelimit: number):
  { kind: 'reuse'; dev: LoopInfo } | { kind: 'overlap'; dev: LoopInfo } | { kind: 'none' } {
  const size = (() => {
    try {
      return fs.statSync(osPath(file)).size;
    } catch {
      return 0;
    }
  })();
  const end = (o: number, s: number): number => (s ? o + s : Math.max(size, o));
  for (const d of devices) {
    if (d.backingFile !== file) continue;
    if (d.offset === offset && d.sizelimit === sizelimit) return { kind: 'reuse', dev: d };
    if (offset < end(d.offset, d.sizelimit) && d.offset < end(offset, sizelimit)) return { kind: 'overlap', dev: d };
  }
  return { kind: 'none' };
}

/** An attached device and the fd that keeps an autoclear device alive until the mount holds it. */
export interface AttachedLoop {
  device: string;
  fd: number;
  readOnly: boolean;
}

function configBuffer(fileFd: number, offset: number, sizelimit: number, flags: number, file: string): Buffer {
  const b = Buffer.alloc(304);
  b.writeUInt32LE(fileFd, 0);
  b.writeBigUInt64LE(BigInt(offset), 32);
  b.writeBigUInt64LE(BigInt(sizelimit), 40);
  b.writeUInt32LE(flags, 60);
  Buffer.from(file).copy(b, 64, 0, 63);
  return b;
}

/**
 * Attach `file` to a free loop device (or to `wanted`) with LOOP_CONFIGURE and autoclear.
 * Retries when another process takes the free device first.
 */
export function attachLoop(file: string, opts: { offset: number; sizelimit: number; readOnly: boolean; device?: string }): AttachedLoop {
  let readOnly = opts.readOnly;
  let fileFd: number;
  try {
    fileFd = sysOpen(file, readOnly ? O.RDONLY : O.RDWR);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!readOnly && (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')) {
      fileFd = sysOpen(file, O.RDONLY);
      readOnly = true;
    } else throw e;
  }
  try {
    for (let attempt = 0; attempt < 16; attempt++) {
      let dev = opts.device;
      if (!dev) {
        const ctl = sysOpen('/dev/loop-control', O.RDWR | O.CLOEXEC);
        try {
          const n = sysIoctl(ctl, LOOP_CTL_GET_FREE, 0, 'ioctl(LOOP_CTL_GET_FREE)', {}, undefined, true);
          // A dry run knows no number: the device is /dev/loopN there.
          dev = `/dev/loop${isRecording() ? 'N' : n}`;
        } finally {
          closeFd(ctl);
        }
      }
      let devFd: number;
      try {
        devFd = sysOpen(dev, (readOnly ? O.RDONLY : O.RDWR) | O.CLOEXEC);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !opts.device) continue; // node not there yet
        throw e;
      }
      const flags = LO_FLAGS.AUTOCLEAR | (readOnly ? LO_FLAGS.READ_ONLY : 0);
      try {
        sysIoctl(devFd, LOOP_CONFIGURE, configBuffer(fileFd, opts.offset, opts.sizelimit, flags, file), 'ioctl(LOOP_CONFIGURE)', { source: file },
          `{fd=${fileFd}, offset=${opts.offset}, sizelimit=${opts.sizelimit}, flags=LO_FLAGS_AUTOCLEAR${readOnly ? '|LO_FLAGS_READ_ONLY' : ''}}`);
        return { device: dev, fd: devFd, readOnly };
      } catch (e) {
        closeFd(devFd);
        // EBUSY: another process took the device between GET_FREE and CONFIGURE: try the next one.
        if (e instanceof MountError && e.errno === E.EBUSY && !opts.device) continue;
        throw e;
      }
    }
    throw new MountError({ syscall: 'ioctl(LOOP_CONFIGURE)', errno: E.EBUSY, source: file });
  } finally {
    closeFd(fileFd);
  }
}

/** Detach a loop device (LOOP_CLR_FD). */
export function detachLoop(device: string): void {
  const fd = fs.openSync(device, fs.constants.O_RDONLY | O.CLOEXEC);
  try {
    sysIoctl(fd, LOOP_CLR_FD, 0, 'ioctl(LOOP_CLR_FD)', { source: device });
  } finally {
    closeFd(fd);
  }
}

/** Release our hold on a device this run attached; detach it too when the mount failed. */
export function releaseLoop(l: AttachedLoop, failed: boolean): void {
  if (failed) {
    try {
      sysIoctl(l.fd, LOOP_CLR_FD, 0, 'ioctl(LOOP_CLR_FD)', { source: l.device });
    } catch {
      /* autoclear detaches it when the fd closes */
    }
  }
  closeFd(l.fd);
}
