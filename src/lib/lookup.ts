// The lookup stage of a mount request: the half of the request the command line left out, from
// fstab (or, for a remount, the mount table), and whether a filesystem is already mounted there.
import { parseOptions, OptionItem } from '../options/parse';
import { ResolvedOptions } from '../options/resolve';
import { lookupOption } from '../options/table';
import { bindOrigin, mergedOptions, MountEntry, MountTable, MountView } from '../tables/mountinfo';
import { FstabEntry } from '../tables/fstab';
import { parseTag, resolveTag } from '../devices/tags';
import { loopInfo } from '../devices/loop';
import { Tables } from './tables';
import { canonical, isRegularFile } from './paths';
import { RequestError } from '../sys/error';
import { LOOKUP_FIELDS } from './mount-table';
import type { MountRequest } from './mount';

export function parseSources(s: string | undefined): { fstab: boolean; mtab: boolean } {
  if (s === undefined) return { fstab: true, mtab: true };
  const parts = s.split(',');
  if (parts.includes('disable')) return { fstab: false, mtab: false };
  return { fstab: parts.includes('fstab'), mtab: parts.includes('mtab') };
}

/** fstab/mount-table options and command-line options, combined as --options-mode says. */
export interface Lookup {
  source?: string;
  target?: string;
  fstype?: string;
  tableOptions: readonly OptionItem[];
  fromFstab?: FstabEntry;
  fromMounts?: MountEntry;
}

/** Find the missing half of the request in fstab (then, for remount, in the mount table). */
/**
 * Filesystems whose reconfigure refuses every mount-time parameter, even one set to the value it
 * has ("overlay: No changes allowed in reconfigure"): a remount re-sends none of the table's
 * filesystem options for them (util-linux 2.42 re-sends them, and its remount of an overlay fails).
 */
const RECONFIGURE_REFUSES_DATA = new Set(['overlay']);

function remountable(items: readonly OptionItem[], fstype: string): readonly OptionItem[] {
  return RECONFIGURE_REFUSES_DATA.has(fstype) ? items.filter((o) => lookupOption(o.name) !== undefined) : items;
}

export function lookupTables(req: MountRequest, cmd: ResolvedOptions, tables: Tables): Lookup {
  const src = parseSources(req.optionsSource);
  // mount.c: "for --make-* or --bind is fstab/mtab unnecessary" (a move too; a remount reads them).
  const operation = req.noTables ?? ((cmd.bind || cmd.move || cmd.propagation.length > 0) && !cmd.remount);
  const both = req.source !== undefined && req.target !== undefined;
  const out: Lookup = { source: req.source, target: req.target, tableOptions: [] };
  if (operation || (both && !req.optionsSourceForce) || (!src.fstab && !src.mtab)) {
    if (!src.fstab && !src.mtab && !both && !cmd.remount) {
      // --options-source disable with one argument: util-linux goes on without a source and fails late.
      throw new RequestError({ code: 'options-source-disabled' }, req.target ?? req.source);
    }
    return out;
  }
  let entry: FstabEntry | undefined;
  if (src.fstab) {
    if (both) {
      // mnt_table_find_pair(): the target as written or canonical, the source as fstabSourceMatches says.
      const tgt = canonical(req.target as string);
      entry = tables.fstab().entries.find((e) => (e.target === req.target || canonical(e.target) === tgt)
        && tables.fstabSourceMatches(e, req.source as string));
    }
    else if (req.target !== undefined) {
      entry = tables.fstabByTarget(req.target);
      if (!entry && req.swapMatch) entry = tables.fstabBySource(req.target);
    } else if (req.source !== undefined) entry = tables.fstabBySource(req.source);
  }
  if (entry) {
    out.fromFstab = entry;
    out.source = entry.source;
    out.target = entry.target;
    out.fstype = entry.fstype;
    out.tableOptions = parseOptions(entry.options);
    // A bind that came from fstab is not repeated on remount (unless asked for on the command line).
    if (cmd.remount && !cmd.bind) out.tableOptions = out.tableOptions.filter((o) => o.name !== 'bind' && o.name !== 'rbind');
    if (cmd.remount) out.tableOptions = remountable(out.tableOptions, entry.fstype);
    return out;
  }
  if (cmd.remount && src.mtab) {
    const key = req.target ?? req.source ?? '';
    const canonKey = canonical(key);
    // As a mount point, else as a source: written as given, then canonical (mnt_table_find_srcpath).
    const mi = tables.mountAt(canonKey) ?? topmostBySource(tables.mounts(LOOKUP_FIELDS), key)
      ?? (canonKey !== key && !req.noCanonicalize ? topmostBySource(tables.mounts(LOOKUP_FIELDS), canonKey) : undefined);
    if (mi) {
      out.fromMounts = mi;
      out.source = mi.source;
      out.target = mi.target;
      out.fstype = mi.fstype;
      const utab = tables.utabIndex().find(mi.id, mi.target, mi.uniqueId);
      out.tableOptions = remountable(parseOptions(mergedOptions(mi) + (utab?.options ? `,${utab.options}` : '')), mi.fstype);
    }
    return out; // remount of something not mounted: the kernel says so
  }
  if (cmd.remount) return out;
  const fstabName = tables.fstabName;
  if (req.swapMatch) throw new RequestError({ code: 'not-in-fstab', fstab: fstabName }, req.target ?? req.source);
  if (req.target !== undefined) throw new RequestError({ code: 'no-fstab-target', fstab: fstabName }, req.target);
  throw new RequestError({ code: 'no-fstab-source', source: req.source ?? '', fstab: fstabName }, req.source);
}

function topmostBySource(table: MountTable, source: string): MountEntry | undefined {
  const list = table.withSource(source);
  for (let i = list.length - 1; i >= 0; i--) if (table.topAt(list[i].target) === list[i]) return list[i];
  return list[list.length - 1];
}

/**
 * Is the file `file` already mounted on `target` through a loop device at `offset`? libmount's
 * is_mounted_same_loopfile(): only mounts on the target whose source is a /dev/loop device count,
 * and the device must be attached to the file at that offset — a filesystem whose source string
 * merely names the file (a tmpfs called so) is not it.
 */
export function loopFileMountedOn(view: MountView, file: string, target: string, offset: number): boolean {
  const backing = canonical(file);
  for (const e of view.mountsOn(canonical(target))) {
    if (!e.source.startsWith('/dev/loop')) continue;
    const li = loopInfo(e.source);
    if (li && li.backingFile === backing && li.offset === offset) return true;
  }
  return false;
}

/**
 * Is this filesystem already mounted there? (mount -a, --onlyonce): source, root and target
 * compared. `view` is the table, or statmount lookups of the target (Tables.mountView).
 */
export function isAlreadyMounted(view: MountView, source: string | undefined, target: string, opts: { bind?: boolean } = {}): boolean {
  const tgt = canonical(target);
  if (source === undefined) return false;
  const mounts = view.mountsOn(tgt)[Symbol.iterator]();
  const top = mounts.next();
  if (top.done) return false;
  let src = source;
  const tag = parseTag(source);
  if (tag) src = resolveTag(tag) ?? source;
  const file = isRegularFile(src) ? canonical(src) : undefined;
  let root = '/';
  // A bind is the same filesystem when the mount holding its source (libmount's fs root) has the
  // source the target's mount has, and the root matches: a different tmpfs at the target is not it.
  let holderSource: string | undefined;
  if (opts.bind) {
    const origin = bindOrigin(view, canonical(src));
    if (origin) root = origin.root;
    holderSource = origin?.holder.source;
  }
  // Only a path can have a canonical form (realpath of "tmpfs-x" would be a failed syscall per entry).
  const canonSrc = src.includes('/') ? canonical(src) : src;
  // Topmost first: the mount a second `mount -a` finds is nearly always the top one, and the
  // mounts under it are looked up only when it is not.
  for (let it: IteratorResult<MountEntry> = top; !it.done; it = mounts.next()) {
    const e = it.value;
    if (opts.bind) {
      if (e.root === root && e.source === holderSource) return true;
      continue;
    }
    if (e.source === src || e.source === canonSrc) return true;
    if (file) {
      const li = loopInfo(e.source);
      if (li && li.backingFile === file) return true;
    }
  }
  return false;
}

