// listmount(2) (Linux 6.8+): the unique IDs of the mounts of this namespace, or of those below one
// mount, without the kernel composing anything about them.
import { sysListmount } from './syscalls';
import { MountError } from './error';
import { E } from './errno';

/** listmount(2)'s "every mount of the namespace" (below the caller's root). */
export const LSMT_ROOT = 0xffffffffffffffffn;

/**
 * The unique IDs of every mount below `under` (LSMT_ROOT: the whole namespace as this process
 * sees it), `under` itself excluded unless it is LSMT_ROOT, in the order mountinfo lists them
 * (ascending unique ID: both walk the namespace's rbtree), as 8-byte little-endian values.
 */
export function listMountIds(under: bigint = LSMT_ROOT): Buffer {
  const chunks: Buffer[] = [];
  const lreq = listRequest(under);
  const batch = 8192;
  for (;;) {
    const ids = Buffer.alloc(8 * batch);
    const n = sysListmount(lreq, ids, batch);
    chunks.push(n === batch ? ids : ids.subarray(0, 8 * n));
    if (n < batch) break;
    lreq.writeBigUInt64LE(ids.readBigUInt64LE(8 * (n - 1)), 16); // go on after the last one listed
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** struct mnt_id_req (version 0, 32 bytes) for the mounts below `under`, from the first one. */
function listRequest(under: bigint): Buffer {
  const lreq = Buffer.alloc(32);
  lreq.writeUInt32LE(32, 0);
  lreq.writeBigUInt64LE(under, 8);
  return lreq;
}

/** listmount(2)'s flag for "newest first" (Linux 6.14+). */
const LISTMOUNT_REVERSE = 1;

/**
 * The highest unique mount ID of this namespace now. Unique IDs only grow (the kernel counts them
 * up, never reuses one), so every mount made later has a higher one: a snapshot of "what was
 * mounted" that costs one call. Newest first where the kernel can list so (6.14+), else the whole
 * list, whose last ID is the highest.
 */
export function newestMountId(): bigint {
  const one = Buffer.alloc(8);
  try {
    const n = sysListmount(listRequest(LSMT_ROOT), one, 1, LISTMOUNT_REVERSE);
    return n === 1 ? one.readBigUInt64LE(0) : 0n;
  } catch (e) {
    if (!(e instanceof MountError) || e.errno !== E.EINVAL) throw e;
  }
  const all = listMountIds();
  return all.length ? all.readBigUInt64LE(all.length - 8) : 0n;
}

/**
 * About `count` unique IDs of this namespace's mounts, spread over the range of its IDs, without
 * listing them all (at 50,000 mounts the whole list costs ~11 ms here, this ~0.1 ms): the oldest
 * and the newest ID (newest first needs Linux 6.14), and a few IDs after each of `probes` points
 * evenly between them (windows that overlap repeat an ID: a sample, it costs a statmount more). Undefined where the kernel cannot list newest first: list them all then.
 * For a sample, not a census: a range with a gap gives more IDs from after the gap.
 */
export function sampleMountIds(count: number, probes = 8): Buffer | undefined {
  const one = Buffer.alloc(8);
  let newest: bigint;
  try {
    if (sysListmount(listRequest(LSMT_ROOT), one, 1, LISTMOUNT_REVERSE) !== 1) return Buffer.alloc(0);
    newest = one.readBigUInt64LE(0);
  } catch (e) {
    if (!(e instanceof MountError) || e.errno !== E.EINVAL) throw e;
    return undefined;
  }
  const per = Math.max(1, Math.ceil(count / probes));
  const lreq = listRequest(LSMT_ROOT);
  const first = Buffer.alloc(8 * per);
  const got: Buffer[] = [first.subarray(0, 8 * sysListmount(lreq, first, per))];
  if (got[0].length === 0) return got[0];
  const oldest = got[0].readBigUInt64LE(0);
  const span = newest - oldest;
  for (let k = 1n; k < BigInt(probes); k++) {
    // IDs after this point (listmount lists those above the request's last ID).
    lreq.writeBigUInt64LE(oldest + (span * k) / BigInt(probes), 16);
    const ids = Buffer.alloc(8 * per);
    got.push(ids.subarray(0, 8 * sysListmount(lreq, ids, per)));
  }
  got.push(one);
  return Buffer.concat(got);
}
