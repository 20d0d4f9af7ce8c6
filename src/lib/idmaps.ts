// The ID mappings of an ID-mapped mount (listing columns UIDMAP/GIDMAP), from statmount(2)'s
// MNT_UIDMAP/MNT_GIDMAP (Linux 6.15+). mountinfo shows only that a mount is "idmapped", never how.
import { MountEntry } from '../tables/mountinfo';
import { mountIdOf, statmountId, statmountIdmaps } from '../sys/statmount';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';

/** A mount's mappings, each "inside:outside:count" (as --map-users takes them); empty when not ID-mapped. */
export interface MountIdmaps {
  uid: string[];
  gid: string[];
}

const NONE: MountIdmaps = { uid: [], gid: [] };

/** The kernel cannot report ID mappings (no statmount, or one older than Linux 6.15). */
export class IdmapsUnavailable extends Error {
  constructor() {
    super('statmount(2) cannot report ID mappings (Linux 6.15 or later)');
  }
}

/**
 * The mappings of `e`: no call for a mount that is not ID-mapped (its per-mount options say so);
 * otherwise statmount of its unique ID (from statx of the mount point when the entry came from
 * mountinfo, and only if that reaches this very mount). Undefined when the mount cannot be reached.
 */
export function idmapsOf(e: MountEntry): MountIdmaps | undefined {
  if (!e.vfsOptions.split(',').includes('idmapped')) return NONE;
  try {
    let id = e.uniqueId;
    if (id === undefined) {
      id = mountIdOf(e.target);
      if (statmountId(id, []).id !== e.id) return undefined; // covered by another mount
    }
    const m = statmountIdmaps(id);
    if (!m) return undefined;
    const colons = (l: string[]): string[] => l.map((s) => s.trim().split(/\s+/).join(':'));
    return { uid: colons(m.uid), gid: colons(m.gid) };
  } catch (err) {
    if (err instanceof MountError && err.errno === E.ENOSYS) throw new IdmapsUnavailable();
    if (err instanceof MountError) return undefined;
    throw err;
  }
}
