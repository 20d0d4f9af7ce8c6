// Updates of utab made by mount and umount after the kernel did its part.
import { updateUtab, UtabEntry, UtabUpdateError } from '../tables/utab';
import { sysFlockExclusive } from '../sys/syscalls';
import { mountIdOf } from '../sys/statmount';
import type { Tables } from './tables';

/**
 * Apply `change` to utab. Skipped, silently, when this system keeps no writable utab (decided
 * once per run, as libmount decides before it mounts); a failure is returned, not thrown: it does
 * not undo the mount or unmount, but the command reports it (util-linux's exit 16).
 */
export function changeUtab(tables: Tables, change: (entries: UtabEntry[]) => UtabEntry[]): UtabUpdateError | undefined {
  if (!tables.utabWritable()) return undefined;
  try {
    updateUtab(change, sysFlockExclusive);
    tables.invalidateUtab();
    return undefined;
  } catch (e) {
    if (e instanceof UtabUpdateError) return e;
    throw e;
  }
}

/** The unique mount ID of the mount on `target`, or undefined on kernels without STATX_MNT_ID_UNIQUE. */
export function uniqueIdOf(target: string): bigint | undefined {
  try {
    return mountIdOf(target);
  } catch {
    return undefined;
  }
}
