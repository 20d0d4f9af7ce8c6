// After the kernel calls of a mount: its userspace options recorded in utab, as libmount records
// them (a new entry keyed by the mount's ID, a helper's entry completed, a moved entry following).
import { parseOptions, formatOptions } from '../options/parse';
import { Plan } from '../plan/types';
import { ExecResult } from '../exec/run';
import { statmountAt } from '../sys/statmount';
import { bindOrigin, MountEntry } from '../tables/mountinfo';
import { readMountTable, LOOKUP_FIELDS } from './mount-table';
import { UtabEntry, UtabIndex, UtabUpdateError, writeUniqueIds } from '../tables/utab';
import { changeUtab, uniqueIdOf } from './utab-update';
import { Tables } from './tables';
import { canonical, exists } from './paths';

/**
 * After a helper mounted (util-linux 2.40+): the helper may have written its own utab entry; the
 * userspace options it lacks are added to it. Without one, an entry is added as for our own mount.
 */
export function completeHelperUtab(plan: Plan, tables: Tables): UtabUpdateError | undefined {
  const wanted = parseOptions(plan.utabOptions);
  const target = canonical(plan.target);
  let found = false;
  const err = changeUtab(tables, (entries) => {
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      if (e.target !== target || (plan.source !== undefined && e.source !== undefined && !sameSource(e.source, plan.source))) continue;
      const have = new Set(parseOptions(e.options ?? '').map((o) => o.name));
      const missing = wanted.filter((o) => !have.has(o.name));
      found = true;
      if (!missing.length) return entries;
      const next = [...entries];
      next[i] = { ...e, raw: undefined, options: [e.options, formatOptions(missing)].filter(Boolean).join(',') };
      return next;
    }
    return entries;
  });
  if (err || found) return err;
  const mi = mountNowAt(target);
  // Only a mount on the target itself: a helper that exited 0 without mounting leaves none.
  if (mi && mi.target === target) return recordUtab({ ...plan, target }, { messages: [], roFallback: false }, tables, mi);
  return undefined;
}

function sameSource(a: string, b: string): boolean {
  return a === b || canonical(a) === canonical(b);
}

/** After --move: utab entries at or below the old place follow the mount (libmount's update_modify_target). */
export function moveUtab(from: string, to: string, tables: Tables): UtabUpdateError | undefined {
  const moved = (t: string | undefined): boolean => t !== undefined && (t === from || t.startsWith(from === '/' ? '/' : `${from}/`));
  if (!tables.utab().some((e) => moved(e.target))) return undefined;
  return changeUtab(tables, (entries) => entries.map((e) => (moved(e.target)
    ? { ...e, raw: undefined, target: to + (e.target as string).slice(from.length) } : e)));
}

export function recordFakeUtab(plan: Plan, tables: Tables): UtabUpdateError | undefined {
  // A bind is recorded as a real one would be (libmount computes its fs root for --fake too):
  // the source of the mount holding the bind source, the root within it, BINDSRC=. A bind source
  // that does not exist has no fs root: the source as given, no ROOT=, as libmount writes it.
  const { source, target, utabOptions: options } = plan;
  let entry: UtabEntry = { source, target, root: '/', options };
  if (plan.kind === 'bind' && source !== undefined) {
    const origin = exists(source) ? bindOrigin(tables.mounts(), canonical(source)) : undefined;
    entry = origin ? { source: origin.holder.source, target, root: origin.root, bindSource: source, options }
      : { source, target, bindSource: source, options };
  }
  // As for a real mount: utab trouble is reported, not the mount's failure.
  return changeUtab(tables, (entries) => [...entries, entry]);
}

/**
 * The mount this run just made on `target` as the table is now — the topmost one, or with `beneath`
 * the one under it (statmount, else a fresh read of mountinfo: the run's cached table predates it).
 */
function mountNowAt(target: string, beneath = false): MountEntry | undefined {
  if (beneath) {
    // Attached beneath the top mount: the new mount is the one the top now sits on.
    const table = readMountTable(LOOKUP_FIELDS);
    const top = table.topAt(target);
    const under = top && table.byId(top.parent);
    return under && under.target === target ? under : undefined;
  }
  try {
    return statmountAt(target, LOOKUP_FIELDS);
  } catch {
    return readMountTable(LOOKUP_FIELDS).topAt(target);
  }
}

/**
 * Record userspace options in utab, as libmount does, keyed by the new mount's ID (and, with
 * TSMOUNT_UTAB_UNIQID=1 on Linux 6.8+, its unique ID, which the kernel never gives to another mount).
 */
export function recordUtab(plan: Plan, r: ExecResult, tables: Tables, known?: MountEntry): UtabUpdateError | undefined {
  const beneath = plan.steps.some((st) => 'beneath' in st && st.beneath);
  // Canonical: a target created by X-mount.mkdir could not be canonicalized before it existed.
  const entry = known ?? mountNowAt(canonical(plan.target), beneath);
  if (!entry) return undefined;
  // statx of the path names the top mount: not the one beneath it.
  const uniqueId = writeUniqueIds() ? entry.uniqueId ?? (beneath ? undefined : uniqueIdOf(entry.target)) : undefined;
  if (plan.kind === 'remount') {
    // A remount changes the options of the mount's entry in place (libmount's update_modify_options):
    // what the entry says of the mount (ID, source, root, BINDSRC=, whichever tool wrote it) stays.
    const found = (entries: UtabEntry[]): UtabEntry | undefined => new UtabIndex(entries).find(entry.id, entry.target, entry.uniqueId);
    return changeUtab(tables, (entries) => {
      const cur = found(entries);
      return cur
        ? entries.map((e) => (e === cur ? { ...cur, options: plan.utabOptions, attrs: undefined, raw: undefined } : e))
        : [...entries.filter((e) => e.id !== entry.id),
          { id: entry.id, uniqueId, source: plan.source ?? entry.source, target: entry.target, root: entry.root, options: plan.utabOptions }];
    });
  }
  return changeUtab(tables, (entries) => [
    // One entry per mount: an entry with this ID is stale (the kernel gave the ID to this new
    // mount, so the mount it named is gone); the entries of other mounts on the target (a stack) stay.
    ...entries.filter((e) => e.id !== entry.id),
    // A bind is recorded as libmount records it: the filesystem's source, the root within it, and
    // BINDSRC= the bind's source path (canonical, unless X-mount.nocanonicalize kept it as given).
    plan.kind === 'bind'
      ? { id: entry.id, uniqueId, source: entry.source, target: entry.target, root: entry.root, bindSource: plan.source, options: plan.utabOptions }
      : { id: entry.id, uniqueId, source: r.loopDevice ?? plan.source ?? entry.source, target: entry.target, root: entry.root, options: plan.utabOptions },
  ]);
}
