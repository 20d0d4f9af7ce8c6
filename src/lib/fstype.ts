// The type stage's probing: what is on a device or image, and which types to guess without one.
import fs = require('fs');
import { matchFsType } from '../tables/patterns';
import { readProcFilesystems, parseEtcFilesystems } from '../tables/filesystems';
import { probeSafe, SafeProbeResult } from '../devices/identify';
import { BlkidUnavailable } from '../devices/blkid';
import { RequestError } from '../sys/error';

/** Types to try when none was given: /etc/filesystems (with its "*" line), else /proc/filesystems (not nodev). */
export function guessTypes(pattern?: string): string[] {
  let types: string[] = [];
  let thenProc = true;
  try {
    const etc = parseEtcFilesystems(fs.readFileSync('/etc/filesystems', 'utf8'));
    types = etc.types;
    thenProc = etc.thenProc;
  } catch {
    /* no /etc/filesystems */
  }
  if (thenProc) for (const f of readProcFilesystems()) if (!f.nodev && !types.includes(f.name)) types.push(f.name);
  return pattern ? types.filter((t) => matchFsType(t, pattern)) : types;
}

/**
 * The type of the filesystem on a device or image, as libblkid reads it from the superblock (as
 * libmount's mnt_get_fstype(): blkid_do_safeprobe). Ambiguous signatures,
 * swap areas and LUKS volumes are refused before any mount is tried. Detected "ntfs" is mounted with
 * the kernel's ntfs3 driver, as util-linux 2.42 does. A type X-mount.auto-fstypes does not allow is
 * "no valid filesystem type" (libmount's mnt_context_guess_srcpath_fstype). Undefined when nothing
 * is recognised.
 */
export function detectType(source: string, offset: number, target: string, allowed?: string): string | undefined {
  let p: SafeProbeResult;
  try {
    p = probeSafe(source, offset);
  } catch (e) {
    // Without libblkid there is no detection: say so instead of guessing (-t still mounts).
    if (e instanceof BlkidUnavailable) throw new RequestError({ code: 'blkid-unavailable', source, library: e.library }, target);
    throw e;
  }
  if (p.ambiguous) throw new RequestError({ code: 'ambiguous-type', source }, target);
  const t = p.result?.type;
  if (t === 'swap' || t === 'swsuspend') throw new RequestError({ code: 'swap-area', source }, target);
  if (t === 'crypto_LUKS') throw new RequestError({ code: 'luks-volume', source }, target);
  if (t !== undefined && allowed !== undefined && !matchFsType(t, allowed)) {
    throw new RequestError({ code: 'type-not-allowed', type: t, allowed }, target);
  }
  if (t === 'ntfs') return 'ntfs3';
  return t;
}
