// Mounts named by their ID (tsmount --id/--uniq-id, tsumount --id/--uniq-id): mountinfo's mount ID,
// or the 64-bit unique one (STATX_MNT_ID_UNIQUE, Linux 6.8+), which the kernel never gives to another
// mount and which statmount(2) answers for directly, without reading the table.
import { MountEntry, MountField, ALL_FIELDS } from '../tables/mountinfo';
import { readMountTable } from './mount-table';
import { statmountId, mountIdOf, isUnsupported } from '../sys/statmount';
import { MountError, RequestError } from '../sys/error';
import { E } from '../sys/errno';

/** A mount ID as given: mountinfo's (`id`) or the unique 64-bit one (`uniqueId`). */
export type MountIdSpec = { id: number } | { uniqueId: bigint };

/** "N" or "N (unique)" — how a message names the ID. */
export function describeMountId(spec: MountIdSpec): string {
  return 'uniqueId' in spec ? `unique ID ${spec.uniqueId}` : `ID ${spec.id}`;
}

/**
 * Parse the value of --id (a 32-bit mount ID) or --uniq-id (a 64-bit one): decimal digits only, as
 * findmnt reads them; anything else is refused.
 */
export function parseMountId(value: string, unique: boolean): MountIdSpec | undefined {
  if (!/^\d{1,20}$/.test(value)) return undefined;
  const n = BigInt(value);
  if (unique) return n <= 0xffffffffffffffffn ? { uniqueId: n } : undefined;
  return n <= 0xffffffffn ? { id: Number(n) } : undefined;
}

/**
 * The mount with this ID in this namespace. A unique ID is one statmount(2); mountinfo's ID needs the
 * table. Throws RequestError no-such-mount-id when there is none, and mount-id-unsupported when the
 * kernel cannot look up a unique ID (no statmount: Linux older than 6.8).
 */
export function findMountById(spec: MountIdSpec, fields: readonly MountField[] = ALL_FIELDS): MountEntry {
  return lookUp(spec, fields).entry;
}

/**
 * The mount with this ID, and whether it is the topmost on its mount point (what umount2() of that
 * path reaches): from the table for mountinfo's ID, by statx(STATX_MNT_ID_UNIQUE) of the path for a
 * unique ID, checked as late as can be.
 */
export function mountToUnmount(spec: MountIdSpec): MountEntry {
  const { entry, onTop } = lookUp(spec, ALL_FIELDS);
  if (!(onTop ?? stillOnTop(entry))) throw new RequestError({ code: 'mount-id-covered', id: describeMountId(spec), target: entry.target });
  return entry;
}

function lookUp(spec: MountIdSpec, fields: readonly MountField[]): { entry: MountEntry; onTop?: boolean } {
  if ('id' in spec) {
    const table = readMountTable(fields);
    const e = table.byId(spec.id);
    if (!e) throw new RequestError({ code: 'no-such-mount-id', id: describeMountId(spec) });
    return { entry: e, onTop: table.topAt(e.target) === e };
  }
  try {
    return { entry: statmountId(spec.uniqueId, fields) };
  } catch (err) {
    // ENOENT: no such mount here; EINVAL too for an ID that no mount can have (below 2^31), but
    // EINVAL is also an older kernel refusing a field: the root mount's own ID tells which.
    const noSuch = err instanceof MountError && (err.errno === E.ENOENT || (err.errno === E.EINVAL && statmountWorks(fields)));
    if (noSuch) throw new RequestError({ code: 'no-such-mount-id', id: describeMountId(spec) });
    if (isUnsupported(err)) throw new RequestError({ code: 'mount-id-unsupported' });
    throw err;
  }
}

function statmountWorks(fields: readonly MountField[]): boolean {
  try {
    statmountId(mountIdOf('/'), fields);
    return true;
  } catch {
    return false;
  }
}

/**
 * Is the mount still the one reached at its mount point (not moved away, not covered by a mount on
 * top)? umount2() takes a path, and a path reaches only the topmost mount there: checked right before
 * the call, by statx(STATX_MNT_ID_UNIQUE) of the path (Linux 6.8+; without it, the table's answer stands).
 */
function stillOnTop(e: MountEntry): boolean {
  if (e.uniqueId === undefined) return true;
  try {
    return mountIdOf(e.target) === e.uniqueId;
  } catch (err) {
    if (err instanceof MountError && err.errno === E.ENOSYS) return true;
    return false;
  }
}
