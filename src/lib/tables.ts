// The tables a run reads, each read at most once and shared by every operation of the run
// (mount -a, umount -R, umount -a): no re-read per entry or per unmount.
import { readFstab, Fstab, FstabEntry } from '../tables/fstab';
import { readUtab, UtabEntry, UtabIndex, utabWritable } from '../tables/utab';
import { defaultFstabPath } from './env';
import { canonical, isPseudoFs, isNetworkFs } from './paths';
import { parseTag, resolveTag, sameTag, deviceHasTag } from '../devices/tags';
import { statmountAt, statmountOf, statmountStack, StatmountEntry } from '../sys/statmount';
import { MountError } from '../sys/error';
import { ALL_FIELDS, MountEntry, MountField, MountTable, MountView, mountinfoNewestFirst, parentPath } from '../tables/mountinfo';
import { readMountTable, readRawTable, readSubtree, LOOKUP_FIELDS } from './mount-table';
import { newestMountId } from '../sys/listmount';

/**
 * MountView through statmount: the stack of mounts on a path is its topmost mount and the parents
 * under it on the same mount point. Unlike the table it does not see a mount hidden under an
 * over-mount of a directory above it (nothing can reach that one through the path any more).
 */
class StatmountView implements MountView {
  private fallback?: MountView;
  /**
   * @param asOf when given, the view shows the mounts as they were when this was the newest unique
   *   mount ID (newestMountId()): mounts made since are left out, as from a table read then.
   */
  constructor(private readonly fields: readonly MountField[], private readonly table: () => MountView, private readonly asOf?: bigint) {}

  *mountsOn(target: string): Generator<MountEntry> {
    let top: StatmountEntry | undefined;
    if (!this.fallback) {
      try {
        top = statmountAt(target, this.fields);
      } catch (e) {
        if (!(e instanceof MountError)) throw e;
        this.fallback = this.table();
      }
    }
    if (this.fallback) yield* this.fallback.mountsOn(target);
    else if (top) {
      for (const e of statmountStack(top, this.fields)) {
        if (this.asOf === undefined || e.uniqueId === undefined || e.uniqueId <= this.asOf) yield e;
      }
    }
  }

  containing(path: string): MountEntry | undefined {
    if (this.fallback) return this.fallback.containing(path);
    try {
      // A path that does not exist is held by the mount of its nearest existing ancestor.
      for (let p = path; ; p = parentPath(p)) {
        const e: StatmountEntry | undefined = statmountOf(p, this.fields);
        if (e || p === '/' || p === '') return e;
      }
    } catch (e) {
      if (!(e instanceof MountError)) throw e;
      this.fallback = this.table();
      return this.fallback.containing(path);
    }
  }
}

export class Tables {
  private fstabCache?: Fstab;
  private mountCache?: MountTable;
  /** The fields the cached table carries (a statmount read has only those asked for). */
  private mountFields: ReadonlySet<MountField> = new Set();
  private utabCache?: UtabEntry[];
  private utabWritableCache?: boolean;
  private utabIndexCache?: UtabIndex;
  private targetIndex?: Map<string, FstabEntry>;
  /** The newest unique mount ID at the run's first "already mounted?" check (mountSnapshot). */
  private snapshotAsOf?: bigint;

  /**
   * @param fstabPaths -T paths (files or directories); empty → $LIBMOUNT_FSTAB or /etc/fstab.
   * @param onParseError called once per broken fstab line.
   * @param fstabRead the fstab of these paths when it was read already (tsmount reads each -T path
   *   when getopt reaches it, as util-linux does; its broken lines were reported then).
   */
  constructor(
    readonly fstabPaths: readonly string[] = [],
    private readonly onParseError: (file: string, line: number) => void = () => undefined,
    fstabRead?: Fstab,
  ) {
    this.fstabCache = fstabRead;
  }

  /** The fstab path named in "can't find in …" messages: util-linux names the default even with -T. */
  get fstabName(): string {
    return defaultFstabPath();
  }

  fstab(): Fstab {
    if (!this.fstabCache) {
      const out: Fstab = { entries: [], errors: [] };
      const paths = this.fstabPaths.length ? this.fstabPaths : [defaultFstabPath()];
      for (const p of paths) {
        const t = readFstab(p, this.fstabPaths.length > 0);
        out.entries.push(...t.entries);
        out.errors.push(...t.errors);
      }
      for (const e of out.errors) this.onParseError(e.file, e.line);
      this.fstabCache = out;
    }
    return this.fstabCache;
  }

  /**
   * The whole mount table, read once per run (lib/mount-table.ts picks mountinfo or statmount).
   * `fields`: what the caller reads of each entry; a cached table without them is read again.
   */
  mounts(fields: readonly MountField[] = ALL_FIELDS): MountTable {
    if (!this.mountCache || fields.some((f) => !this.mountFields.has(f))) {
      const all = this.mountCache ? [...new Set([...this.mountFields, ...fields])] : fields;
      this.mountCache = readMountTable(all);
      this.mountFields = new Set(this.mountCache.fromMountinfo ? ALL_FIELDS : all);
    }
    return this.mountCache;
  }

  /** Single lookups go to statx + statmount (Linux 6.8+) while no table is loaded (TSMOUNT_NO_STATMOUNT: never). */
  private lookupsByStatmount(): boolean {
    return !this.mountCache && !process.env.TSMOUNT_NO_STATMOUNT;
  }

  /**
   * The topmost mount on `path` (a canonical path). Without reading the whole table when it is not
   * loaded yet: statx + statmount (Linux 6.8+) find that one mount; mountinfo is the fallback.
   */
  mountAt(path: string): MountEntry | undefined {
    if (this.lookupsByStatmount()) {
      try {
        return statmountAt(path, LOOKUP_FIELDS);
      } catch (e) {
        if (!(e instanceof MountError)) throw e;
      }
    }
    return this.mounts(LOOKUP_FIELDS).topAt(path);
  }

  /**
   * The mounts at and below `path`'s mount point as `umount -R` needs them: the stack of mounts on
   * it and everything under the bottom one, without reading the rest of the table (statmount of the
   * top, its parents on the same mount point, listmount of the bottom one's subtree). Undefined when
   * `path` is no mount point or statmount cannot serve (the caller reads the whole table then).
   */
  subtreeAt(path: string, fields: readonly MountField[]): { table: MountTable; bottom: MountEntry } | undefined {
    if (!this.lookupsByStatmount()) return undefined;
    try {
      const top = statmountAt(path, fields);
      if (!top) return undefined;
      let bottom = top;
      for (const e of statmountStack(top, fields)) bottom = e;
      const table = readSubtree(bottom, fields);
      return table && { table, bottom: table.entries[0] };
    } catch (e) {
      if (!(e instanceof MountError)) throw e;
      return undefined;
    }
  }

  /**
   * What is mounted where, for the "already mounted?" checks of mount -a and --onlyonce: the table
   * when it is loaded, else one statx + statmount per question (Linux 6.8+), so a run over fstab
   * never reads the whole table.
   */
  mountView(fields: readonly MountField[]): MountView {
    if (!this.lookupsByStatmount()) return this.mounts(fields);
    return new StatmountView(fields, () => this.mounts(fields));
  }

  /**
   * What was mounted where at this run's first "already mounted?" check, whenever asked: mount -a's
   * checks (and the loop hook's "IMAGE is already mounted" of each entry) see the table as it was
   * then (libmount reads it once per run), not the mounts the run itself made — an fstab that names
   * one filesystem twice for one target mounts it twice, as util-linux's does.
   * Through statmount the newest unique mount ID marks the moment (one listmount call); the table,
   * once read, is that moment already.
   */
  mountSnapshot(fields: readonly MountField[]): MountView {
    if (!this.lookupsByStatmount()) return this.mounts(fields);
    try {
      this.snapshotAsOf ??= newestMountId();
    } catch (e) {
      if (!(e instanceof MountError)) throw e;
      return this.mounts(fields);
    }
    return new StatmountView(fields, () => this.mounts(fields), this.snapshotAsOf);
  }

  /**
   * The mounts newest first (children before their parents), for one walk (umount -a): the loaded
   * table backward, or a table read for the walk and not kept — from mountinfo each entry is parsed
   * as it is taken, so none outlives the walker's step.
   */
  mountsNewestFirst(fields: readonly MountField[]): Iterable<MountEntry> {
    if (this.mountCache && fields.every((f) => this.mountFields.has(f))) return [...this.mountCache.entries].reverse();
    const raw = readRawTable(fields);
    return raw.source === 'mountinfo' ? mountinfoNewestFirst(raw.text) : [...raw.entries].reverse();
  }

  /** Forget the mount table (after this run changed it and needs a fresh view). */
  invalidateMounts(): void {
    this.mountCache = undefined;
  }

  utab(): UtabEntry[] {
    if (!this.utabCache) this.utabCache = readUtab();
    return this.utabCache;
  }

  invalidateUtab(): void {
    this.utabCache = undefined;
    this.utabIndexCache = undefined;
  }

  /** The run's utab, indexed by mount (built once per read). */
  utabIndex(): UtabIndex {
    if (!this.utabIndexCache) this.utabIndexCache = new UtabIndex(this.utab());
    return this.utabIndexCache;
  }

  /** Whether this run may update utab (asked once per run, as libmount asks once per context). */
  utabWritable(): boolean {
    if (this.utabWritableCache === undefined) this.utabWritableCache = utabWritable();
    return this.utabWritableCache;
  }

  /** fstab entry by target: the string as given, then canonical paths (first match, as libmount's find_target). */
  fstabByTarget(target: string): FstabEntry | undefined {
    const entries = this.fstab().entries;
    const direct = entries.find((e) => e.target === target);
    if (direct) return direct;
    if (!this.targetIndex) {
      this.targetIndex = new Map();
      for (const e of entries) {
        const c = canonical(e.target);
        if (!this.targetIndex.has(c)) this.targetIndex.set(c, e);
      }
    }
    return this.targetIndex.get(canonical(target));
  }

  /**
   * fstab entry by source, as libmount's mnt_table_find_source(): a tag (LABEL=, UUID=, quoted or
   * not) matches the same tag in fstab, else the device it names; a path matches the path as
   * written, its canonical form, a tag the device carries, then each entry's canonical source.
   */
  fstabBySource(source: string): FstabEntry | undefined {
    const tag = parseTag(source);
    if (!tag) return this.fstabBySourcePath(source);
    const same = this.fstab().entries.find((e) => sameTag(parseTag(e.source), tag));
    if (same) return same;
    const dev = resolveTag(tag);
    return dev === undefined ? undefined : this.fstabBySourcePath(dev);
  }

  /** libmount's mnt_table_find_srcpath(), in its order: native, canonical, evaluated tags, canonicalized entries. */
  private fstabBySourcePath(path: string): FstabEntry | undefined {
    const entries = this.fstab().entries;
    const native = entries.find((e) => e.source === path);
    if (native) return native;
    const cn = canonical(path);
    if (cn === '') return undefined;
    const canon = entries.find((e) => e.source === cn);
    if (canon) return canon;
    for (const e of entries) {
      const t = parseTag(e.source);
      // Found through a tag the path carries: the path itself is the source from here on (libmount's
      // cache now knows the tag as that path, so its later tag lookup gives it back).
      if (t && deviceHasTag(cn, t)) return { ...e, source: cn };
    }
    return entries.find((e) => !parseTag(e.source) && e.source.includes('/') && !isPseudoFs(e.fstype) && !isNetworkFs(e.fstype)
      && canonical(e.source) === cn);
  }

  /** Does fstab entry `e` name `source` (as mnt_fs_match_source(): as written, a tag, or the same device)? */
  fstabSourceMatches(e: FstabEntry, source: string): boolean {
    if (e.source === source) return true;
    const tag = parseTag(source);
    const et = parseTag(e.source);
    if (tag && et) return sameTag(et, tag);
    const cn = canonical(tag ? resolveTag(tag) ?? source : source);
    if (et) return deviceHasTag(cn, et);
    return e.source === cn || (e.source.includes('/') && canonical(e.source) === cn);
  }
}
