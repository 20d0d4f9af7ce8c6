// Listing: the mount table with utab's userspace options merged in, as mount(8) shows it.
import { MountEntry, MountTable, mergedOptions } from '../tables/mountinfo';
import { matchFsType } from '../tables/patterns';
import { readUtab, UtabEntry } from '../tables/utab';
import { loopInfo } from '../devices/loop';
import { probeFile } from '../devices/probe';

export interface ListedMount {
  entry: MountEntry;
  /** Source as mount(8) prints it: an autoclear loop device shows its backing file. */
  source: string;
  /** Per-mount and superblock options merged, then utab's userspace options. */
  options: string;
  /** Userspace options from utab ("" when none). */
  userOptions: string;
}

export interface ListRequest {
  /** -t: type pattern. */
  types?: string;
}

/** utab entries by mount ID, then by target: one pass, no scan per mount. */
function utabIndex(utab: UtabEntry[]): { byId: Map<number, UtabEntry>; byTarget: Map<string, UtabEntry> } {
  const byId = new Map<number, UtabEntry>();
  const byTarget = new Map<string, UtabEntry>();
  for (const u of utab) {
    if (u.id !== undefined) byId.set(u.id, u);
    if (u.target !== undefined) byTarget.set(u.target, u);
  }
  return { byId, byTarget };
}

/** Source shown for a mount: /dev/loopN with autoclear → its backing file (libmount's pretty path). */
export function displaySource(e: MountEntry): string {
  if (e.source.startsWith('/dev/loop')) {
    const li = loopInfo(e.source);
    if (li && li.autoclear) return li.backingFile;
  }
  return e.source;
}

export function listMounts(req: ListRequest = {}, table: MountTable = MountTable.read(), utab: UtabEntry[] = readUtab()): ListedMount[] {
  const idx = utabIndex(utab);
  const out: ListedMount[] = [];
  for (const e of table.entries) {
    if (req.types !== undefined && !matchFsType(e.fstype, req.types)) continue;
    if (e.fstype === 'autofs' && e.fsOptions.includes('ignore')) continue;
    const u = idx.byId.get(e.id) ?? (idx.byTarget.get(e.target)?.id === undefined ? idx.byTarget.get(e.target) : undefined);
    const userOptions = u?.options ?? '';
    const base = mergedOptions(e);
    out.push({ entry: e, source: displaySource(e), options: userOptions ? `${base},${userOptions}` : base, userOptions });
  }
  return out;
}

/** The filesystem label of a mount's device, if it has one (for -l). */
export function labelOf(e: MountEntry): string | undefined {
  if (!e.source.startsWith('/dev/')) return undefined;
  return probeFile(e.source)?.label;
}
