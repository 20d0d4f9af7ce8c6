// umount(8): find the mount (by target, by source, by backing file), unmount it with
// umount2(2), and for -R/-a work from one read of the mount table.
import { sysUmount2, sysMount } from '../sys/syscalls';
import { MountError, RequestError } from '../sys/error';
import { parseOptions } from '../options/parse';
import { readSetting } from '../options/settings';
import { userId, groupId } from './users';
import { E } from '../sys/errno';
import { MNT, MS } from '../sys/constants';
import { MountEntry, MountTable, mergedOptions } from '../tables/mountinfo';
import { matchFsType, matchOptions } from '../tables/patterns';
import { UtabEntry, UtabUpdateError } from '../tables/utab';
import { changeUtab } from './utab-update';
import { runToEnd, Steps } from './steps';
import { parseTag, resolveTag } from '../devices/tags';
import { listLoopDevices, loopInfo, detachLoop } from '../devices/loop';
import { findHelper, runHelper, anyUmountHelper } from '../exec/helper';
import { Tables } from './tables';
import { canonical, isDirectory, isRegularFile, lstat } from './paths';
import { UmountFailure } from './errors';
import { MountIdSpec, mountToUnmount } from './by-id';
import { UMOUNT_FIELDS } from './mount-table';

const USER_IDS = { userId, groupId };

/** A utab entry's options as items; a string the parser refuses (another tool's) asks nothing. */
function recordedOptions(options: string | undefined): ReturnType<typeof parseOptions> {
  try {
    return parseOptions(options ?? '');
  } catch {
    return [];
  }
}

export interface UmountRequest {
  lazy?: boolean;
  force?: boolean;
  /** -r: on EBUSY remount read-only instead. */
  readOnlyFallback?: boolean;
  /** -d: free the loop device afterwards. */
  detachLoop?: boolean;
  noMtab?: boolean;
  noCanonicalize?: boolean;
  noHelpers?: boolean;
  fake?: boolean;
  verbose?: boolean;
}

export interface UmountResult {
  target: string;
  /** The source, when the mount table was consulted (util-linux prints it with -v then). */
  source?: string;
  /** Remounted read-only instead of unmounted (-r). */
  remountedReadOnly?: boolean;
  /** The /sbin/umount.TYPE helper that ran, and its exit status. */
  helper?: string;
  helperStatus?: number;
  helperExecFailed?: string;
  /** Unmounted, but utab could not be updated (util-linux: exit 16). */
  utabError?: UtabUpdateError;
}

export interface Found {
  target: string;
  entry?: MountEntry;
}

/** The topmost mount of `source` that is itself on top of its mount point. */
function topmostOfSource(table: MountTable, source: string): MountEntry | undefined {
  const list = table.withSource(source);
  for (let i = list.length - 1; i >= 0; i--) if (table.topAt(list[i].target) === list[i]) return list[i];
  return undefined;
}

/**
 * The topmost mount on the mount point `spec` names, as libmount's mnt_table_find_target(): the
 * path as written first (a mount on a symlink, made with X-mount.nocanonicalize, is found only
 * so), then made absolute, then its canonical form.
 */
export function findMountAt(spec: string, table: MountTable, noCanonicalize = false): MountEntry | undefined {
  const native = spec.startsWith('/') ? table.topAt(spec) : table.topAt(`${process.cwd()}/${spec}`);
  if (native) return native;
  return table.topAt(noCanonicalize ? spec : canonical(spec));
}

/**
 * Find what `spec` names: a mount point (topmost mount first), a source, a tag, or a regular
 * file backing a loop device. Returns the spec itself when nothing matches, so umount2() can
 * give the kernel's verdict.
 */
export function findMountFor(spec: string, table: MountTable, noCanonicalize = false): Found {
  const byTarget = findMountAt(spec, table, noCanonicalize);
  if (byTarget) return { target: byTarget.target, entry: byTarget };
  // -c with an absolute path: libmount reads only the mounts whose target or source is that very
  // path (mnt_context_get_mountinfo_for_target()), so no tag, canonical form or backing file of it
  // is looked for — `umount -c IMAGE` does not find the loop device IMAGE is mounted through.
  if (noCanonicalize && spec.startsWith('/')) {
    const literal = topmostOfSource(table, spec);
    return literal ? { target: literal.target, entry: literal } : { target: spec };
  }
  const tag = parseTag(spec);
  const src = tag ? resolveTag(tag) : spec;
  if (src !== undefined) {
    const bySource = topmostOfSource(table, src) ?? topmostOfSource(table, canonical(src));
    if (bySource) return { target: bySource.target, entry: bySource };
    if (isRegularFile(src)) {
      const file = canonical(src);
      const devs = listLoopDevices().filter((d) => d.backingFile === file);
      for (const d of devs) {
        const e = topmostOfSource(table, d.device);
        if (e) return { target: e.target, entry: e };
      }
    }
  }
  // Not found: umount2() gets the spec as written, and messages name it so (as util-linux's).
  return { target: spec };
}

/**
 * Remove the unmounted mount's utab entry: exactly the entry that was its entry before umount2()
 * (the same fields), once. After umount2() the kernel may give the freed ID to a concurrent mount,
 * whose new entry (util-linux appends one beside ours) must stay. Entries without an ID for the
 * target (made by --fake) go too; the entries of other mounts stacked on the same target stay.
 */
function removeUtab(before: UtabEntry | undefined, entry: MountEntry | undefined, target: string, tables: Tables): UtabUpdateError | undefined {
  const fake = (u: UtabEntry): boolean => u.id === undefined && u.target === target;
  const hasFake = tables.utab().some(fake);
  if (!hasFake && !(before && entry && before.id !== undefined)) return undefined;
  return changeUtab(tables, (list) => {
    let removed = false;
    return list.filter((u) => {
      if (fake(u)) return false;
      if (removed || !before || !sameEntry(u, before)) return true;
      removed = true;
      return false;
    });
  });
}

/** The same entry: every field equal (another tool may have rewritten the line in its own layout). */
function sameEntry(a: UtabEntry, b: UtabEntry): boolean {
  return a.id === b.id && a.uniqueId === b.uniqueId && a.target === b.target && a.source === b.source && a.root === b.root
    && a.bindSource === b.bindSource && a.options === b.options && a.attrs === b.attrs;
}

/**
 * umount2(); a mount on a symlink itself (X-mount.nocanonicalize) is reached only without
 * following it: on EINVAL with a symlink there, again with UMOUNT_NOFOLLOW, as libmount does.
 */
function umount2Target(target: string, flags: number): void {
  try {
    sysUmount2(target, flags);
  } catch (e) {
    if (!(e instanceof MountError) || e.errno !== E.EINVAL || !lstat(target)?.isSymbolicLink()) throw e;
    sysUmount2(target, flags | MNT.UMOUNT_NOFOLLOW);
  }
}

function umountFlags(req: UmountRequest): number {
  return (req.lazy ? MNT.DETACH : 0) | (req.force ? MNT.FORCE : 0);
}

/** Unmount one found mount. Throws UmountFailure when umount2() fails. */
export function umountFound(found: Found, req: UmountRequest, tables: Tables = new Tables()): UmountResult {
  const target = found.target;
  const entry = found.entry;
  const result: UmountResult = { target, source: entry?.source };
  if (req.fake) return result;
  const utab = entry ? tables.utabIndex().find(entry.id, entry.target, entry.uniqueId) : undefined;
  // What the mount's utab options ask of its unmount: helper=TYPE, and loop=DEV (a device to free).
  const recorded = recordedOptions(utab?.options);
  const helperType = readSetting(recorded, 'helper', USER_IDS) ?? entry?.fstype;
  const helper = !req.noHelpers && helperType && entry ? findHelper('umount', helperType) : undefined;
  if (helper) {
    const argv = [target];
    // -n also where util-linux takes its statfs path (no utab entry, no -l/-f/-r/-d/-c): nothing to update.
    const statfsPath = !utab && !req.lazy && !req.force && !req.readOnlyFallback && !req.detachLoop && !req.noCanonicalize;
    if (req.noMtab || statfsPath) argv.push('-n');
    if (req.lazy) argv.push('-l');
    if (req.force) argv.push('-f');
    if (req.verbose) argv.push('-v');
    if (req.readOnlyFallback) argv.push('-r');
    // -t names the mount's own type when it has a subtype (fuse.sshfs), as libmount does.
    if (entry?.fstype.includes('.')) argv.push('-t', entry.fstype);
    const h = runHelper(helper, argv);
    result.helper = helper;
    result.helperStatus = h.status;
    if (h.execFailed) result.helperExecFailed = helper;
    return result;
  }
  try {
    umount2Target(target, umountFlags(req));
  } catch (e) {
    if (e instanceof MountError && e.errno === E.EBUSY && req.readOnlyFallback) {
      try {
        sysMount(entry?.source ?? null, target, null, MS.REMOUNT | MS.RDONLY, null);
        result.remountedReadOnly = true;
        return result;
      } catch (e2) {
        if (e2 instanceof MountError) throw new UmountFailure(e2, target);
        throw e2;
      }
    }
    if (e instanceof MountError) throw new UmountFailure(e, target);
    throw e;
  }
  if (!req.noMtab) result.utabError = removeUtab(utab, entry, target, tables);
  const loopOpt = readSetting(recorded, 'loop', USER_IDS)?.device;
  const dev = entry?.source;
  if (dev && (req.detachLoop || loopOpt) && dev.startsWith('/dev/loop')) {
    const li = loopInfo(dev);
    if (li && !li.autoclear) {
      try {
        detachLoop(dev);
      } catch {
        /* busy elsewhere */
      }
    }
  }
  return result;
}

/**
 * Unmount one spec. When the spec is an absolute directory and no option needs the mount
 * table, umount2() is called straight away (util-linux's fast path: no mountinfo read).
 */
export function umountSpec(spec: string, req: UmountRequest, tables: Tables): UmountResult {
  if (fastPath(spec, req, tables)) {
    // util-linux's statfs path calls umount2() with the path as written, and names it so.
    const target = spec;
    if (req.fake) return { target };
    try {
      sysUmount2(target, 0);
      return { target };
    } catch (e) {
      // As util-linux's statfs path: a directory that is not a mount point is "not mounted", even
      // when it is the source of a bind mount elsewhere (umount never takes down the other one).
      if (e instanceof MountError) throw new UmountFailure(e, target);
      throw e;
    }
  }
  // A mount point: statmount finds it without reading the whole table.
  if (spec.startsWith('/')) {
    const entry = tables.mountAt(req.noCanonicalize ? spec : canonical(spec));
    if (entry) return umountFound({ target: entry.target, entry }, req, tables);
  }
  const found = findMountFor(spec, tables.mounts(UMOUNT_FIELDS), req.noCanonicalize);
  // Not root and not in the mount table: util-linux says "not mounted" before any syscall.
  if (!found.entry && isUser()) throw new RequestError({ code: 'not-mounted' }, found.target);
  return umountFound(found, req, tables);
}

/**
 * util-linux's fast path (fstatfs, no mountinfo): an absolute directory, no option that needs the
 * mount table, no utab entry. The source then stays unknown, so -v prints "TGT unmounted".
 */
function fastPath(target: string, req: UmountRequest, tables: Tables, canonicalTarget = false): boolean {
  // util-linux's fast path still looks for /sbin/umount.<type> (it knows the type from fstatfs):
  // with any umount helper installed, look the mount up (statmount makes that cheap) instead.
  return target.startsWith('/') && !req.lazy && !req.force && !req.detachLoop && !req.readOnlyFallback
    && !req.noCanonicalize && !isUser() && (req.noHelpers || !anyUmountHelper()) && isDirectory(target) && !hasUtabEntry(canonicalTarget ? target : canonical(target), tables);
}

let user: boolean | undefined;
/** Not root (asked once per run: umount -R asks for every mount). */
function isUser(): boolean {
  if (user === undefined) user = process.geteuid !== undefined && process.geteuid() !== 0;
  return user;
}

/** umount -R / -A unmount each mount point as `umount TGT` would: the source is known only off the fast path. */
function umountTarget(e: MountEntry, req: UmountRequest, tables: Tables): UmountResult {
  const fast = fastPath(e.target, req, tables, true);
  const r = umountFound({ target: e.target, entry: e }, req, tables);
  if (fast) delete r.source;
  return r;
}

function hasUtabEntry(target: string, tables: Tables): boolean {
  return tables.utab().some((u) => u.target === target);
}

/**
 * Unmount the mount with this ID (tsumount --id/--uniq-id): only while it is the topmost mount on its
 * mount point, which is what umount2() of that path reaches (a covered mount is refused, untouched).
 */
export function umountById(spec: MountIdSpec, req: UmountRequest, tables: Tables): UmountResult {
  const e = mountToUnmount(spec);
  return umountFound({ target: e.target, entry: e }, req, tables);
}

/** umount -R: every mount below the target (deepest first), then the target; stops at the first failure. */
export function umountRecursive(spec: string, req: UmountRequest, tables: Tables, onDone: (r: UmountResult) => void): void {
  runToEnd(umountRecursiveSteps(spec, req, tables, onDone));
}

/** umount -R, one mount per step (the lookup happens at the first step). */
export function* umountRecursiveSteps(spec: string, req: UmountRequest, tables: Tables, onDone: (r: UmountResult) => void): Steps<void> {
  // Everything at or below the target (util-linux 2.40+), or below a directory that is no mount point.
  const { list } = subtreeOf(spec, req, tables);
  let first = true;
  try {
    for (const e of list) {
      if (!first) yield;
      first = false;
      onDone(umountTarget(e, req, tables));
    }
  } finally {
    tables.invalidateMounts();
  }
}

/**
 * What umount -R unmounts, children before parents, and a table holding it: for a mount point, from
 * the bottom of the stack of mounts on it, so mounts hidden under an over-mount go too (over-mounts
 * are children of the mount they cover: descendants() of the bottom one has the whole stack and what
 * hangs off each) — listmount(2) of just that subtree (Linux 6.8+), else the whole table.
 */
function subtreeOf(spec: string, req: UmountRequest, tables: Tables): { table: MountTable; list: MountEntry[] } {
  const whole = (table: MountTable, bottom: MountEntry): { table: MountTable; list: MountEntry[] } =>
    ({ table, list: [...table.descendants(bottom), bottom] });
  if (spec.startsWith('/')) {
    // As findMountFor: the path as written, then its canonical form.
    const sub = tables.subtreeAt(spec, UMOUNT_FIELDS) ?? (req.noCanonicalize ? undefined : tables.subtreeAt(canonical(spec), UMOUNT_FIELDS));
    if (sub) return whole(sub.table, sub.bottom);
  }
  const table = tables.mounts(UMOUNT_FIELDS);
  // A mount point only: umount -R takes no source or tag (util-linux: "it's always real mountpoint").
  const at = findMountAt(spec, table, req.noCanonicalize);
  if (at) {
    const stack = table.allAt(at.target);
    const ids = new Set(stack.map((e) => e.id));
    return whole(table, stack.find((e) => !ids.has(e.parent)) ?? at);
  }
  // A directory that is no mount point: what is mounted below it (util-linux issue #3022, which
  // its maintainer accepted for -R itself; util-linux 2.42 says "not mounted").
  const list = mountsBelow(table, req.noCanonicalize ? spec : canonical(spec));
  if (!list.length) throw new RequestError({ code: 'not-found' }, spec);
  return { table, list };
}

/**
 * The mounts below the directory `dir` (not itself a mount point), children before their parents:
 * the mount `dir` is in holds the first of them; each comes with everything mounted on and below it.
 */
function mountsBelow(table: MountTable, dir: string): MountEntry[] {
  if (!dir.startsWith('/') || !isDirectory(dir)) return [];
  const holder = table.containing(dir);
  if (!holder) return [];
  const prefix = dir === '/' ? '/' : `${dir}/`;
  const roots = table.children(holder.id).filter((e) => e.target.startsWith(prefix));
  const out: MountEntry[] = [];
  for (let i = roots.length - 1; i >= 0; i--) out.push(...table.descendants(roots[i]), roots[i]);
  return out;
}

/** A mount's options as -O sees them: per-mount and superblock options plus utab's userspace ones. */
export function optionsWithUtab(tables: Tables): (e: MountEntry) => string {
  const idx = tables.utabIndex();
  return (e) => {
    const extra = idx.find(e.id, e.target, e.uniqueId)?.options;
    const base = mergedOptions(e);
    return extra ? `${base},${extra}` : base;
  };
}

export const UMOUNT_ALL_DEFAULT_TYPES = 'noproc,nodevfs,nodevpts,nosysfs,norpc_pipefs,nonfsd,noselinuxfs';

/** umount -a: the mount table backward (children before parents), filtered by -t/-O. */
export function umountAll(req: UmountRequest & { types?: string; testOptions?: string }, tables: Tables,
  onEvent: (e: MountEntry, r?: UmountResult, err?: unknown) => number | void, onIgnored?: (e: MountEntry) => void): number {
  return runToEnd(umountAllSteps(req, tables, onEvent, onIgnored));
}

/** umount -a, one mount per step. */
export function* umountAllSteps(req: UmountRequest & { types?: string; testOptions?: string }, tables: Tables,
  onEvent: (e: MountEntry, r?: UmountResult, err?: unknown) => number | void, onIgnored?: (e: MountEntry) => void): Steps<number> {
  const types = req.types ?? UMOUNT_ALL_DEFAULT_TYPES;
  const options = req.testOptions !== undefined ? optionsWithUtab(tables) : undefined;
  let rc = 0;
  let stepped = false;
  for (const e of tables.mountsNewestFirst(UMOUNT_FIELDS)) {
    // Not matching -t/-O: "ignored" (util-linux -v says so for each, "/" included).
    if (!matchFsType(e.fstype, types) || (options && !matchOptions(options(e), req.testOptions))) {
      onIgnored?.(e);
      continue;
    }
    if (e.target === '/') continue;
    if (stepped) yield;
    stepped = true;
    // Exit codes are ORed, as umount.c does for -a: each failure's own code, a helper's status too.
    let r: UmountResult;
    try {
      r = umountFound({ target: e.target, entry: e }, req, tables);
    } catch (err) {
      rc |= onEvent(e, undefined, err) ?? 32;
      continue;
    }
    rc |= onEvent(e, r) ?? r.helperStatus ?? 0;
  }
  tables.invalidateMounts();
  return rc;
}

/**
 * umount -A: every mount point of the same filesystem (same device number) in this namespace,
 * newest first; with `recursive` each one with its submounts.
 */
export function umountAllTargets(spec: string, req: UmountRequest, tables: Tables, recursive: boolean,
  onDone: (r: UmountResult) => void): void {
  runToEnd(umountAllTargetsSteps(spec, req, tables, recursive, onDone));
}

/** umount -A, one mount per step. */
export function* umountAllTargetsSteps(spec: string, req: UmountRequest, tables: Tables, recursive: boolean,
  onDone: (r: UmountResult) => void): Steps<void> {
  const table = tables.mounts([...UMOUNT_FIELDS, 'devno']);
  const found = findMountFor(spec, table, req.noCanonicalize);
  if (!found.entry) throw new RequestError({ code: 'not-found' }, spec);
  const devno = found.entry.devno;
  const same = table.entries.filter((e) => e.devno === devno).reverse();
  const done = new Set<number>();
  for (const e of same) {
    if (done.has(e.id)) continue;
    const list = recursive ? [...table.descendants(e), e] : [e];
    for (const x of list) {
      if (done.has(x.id)) continue;
      if (done.size) yield;
      done.add(x.id);
      onDone(umountTarget(x, req, tables));
    }
  }
  tables.invalidateMounts();
}
