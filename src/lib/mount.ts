// One mount(8) request, start to finish: fstab/mount-table lookup, option merging,
// source and type resolution, the Plan, and its execution.
import * as fs from 'fs';
import { parseOptions, OptionItem, optionValue, formatOptions } from '../options/parse';
import { resolveOptions, ResolvedOptions, userOption, hasUserOption } from '../options/resolve';
import { planMount, PlanInput } from '../plan/planner';
import { Plan } from '../plan/types';
import { runPlan, ExecutorMode, executorFromEnv, StepError, ExecResult } from '../exec/run';
import { findHelper } from '../exec/helper';
import { UsageError, MountError } from '../sys/error';
import { E, errnoNumber } from '../sys/errno';
import { O } from '../sys/constants';
import { osPath } from '../sys/bytes';
import { statmountAt } from '../sys/statmount';
import { mergedOptions, MountEntry, MountTable } from '../tables/mountinfo';
import { FstabEntry } from '../tables/fstab';
import { isTypePattern, matchFsType } from '../tables/patterns';
import { readProcFilesystems, parseEtcFilesystems } from '../tables/filesystems';
import { UtabUpdateError, writeUniqueIds } from '../tables/utab';
import { changeUtab, uniqueIdOf } from './utab-update';
import { probeSafe, SafeProbeResult } from '../devices/identify';
import { BlkidUnavailable, knownFsType } from '../devices/blkid';
import { parseTag, resolveTag, tagProbeUnavailable } from '../devices/tags';
import { listLoopDevices, findLoopMatch, loopInfo } from '../devices/loop';
import { MountFailure } from './errors';
import { Tables } from './tables';
import { parseIdmap } from '../exec/idmap';
import { pinTarget, unpin, PinnedTarget } from '../exec/pin';
import { canonical, withPrefix, isRegularFile, isBlockDevice, isPseudoFs, isNetworkFs, exists, sourceKeptAsWritten, stat } from './paths';
import { userId, groupId } from './users';
import { parseSize } from '../options/size';

export type OptionsMode = 'prepend' | 'append' | 'replace' | 'ignore';

export interface MountRequest {
  source?: string;
  target?: string;
  /** -t: a type, a list ("a,b") or a pattern ("noX"). */
  types?: string;
  /** The type field of an fstab entry given whole (mount -a): a type as it is, or a list tried in order. */
  fstype?: string;
  /** Option strings in command-line order (-o values, "ro" for -r, "rw" for -w, "shared" for --make-shared …). */
  options?: string | readonly string[];
  /** How fstab (or mount-table) options combine with `options` (default prepend: fstab first). */
  optionsMode?: OptionsMode;
  /** Tables options may come from: "fstab", "mtab", both (default) or "disable". */
  optionsSource?: string;
  /** Read fstab even when both source and target are given. */
  optionsSourceForce?: boolean;
  /**
   * A single argument without -L/-U/--source/--target (libmount's swap-match): a path is looked up
   * in fstab as target, then as source; a tag as source. Not found: "can't find in /etc/fstab".
   */
  swapMatch?: boolean;
  fake?: boolean;
  /**
   * --dry-run (or -f -vv): nothing at all is done, no helper started and utab not written; the plan
   * is printed instead. Implies `fake`.
   */
  dryRun?: boolean;
  verbose?: boolean;
  noMtab?: boolean;
  noHelpers?: boolean;
  sloppy?: boolean;
  noCanonicalize?: boolean;
  /** -w: never fall back to read-only. */
  rwOnly?: boolean;
  onlyOnce?: boolean;
  exclusive?: boolean;
  beneath?: boolean;
  targetPrefix?: string;
  executor?: ExecutorMode;
  /**
   * Called after the target was checked and opened, just before the kernel calls (a seam for
   * tests that swap the path for a symlink: the mount still lands on the directory that was checked).
   */
  onTargetPinned?: (target: string) => void;
}

export interface MountResult {
  kind: Plan['kind'];
  source?: string;
  target: string;
  fstype?: string;
  plan: Plan;
  /** Kernel warnings and infos ("w …", "i …"). */
  messages: string[];
  roFallback: boolean;
  helperStatus?: number;
  /** The helper program that could not be executed. */
  helperExecFailed?: string;
  loopDevice?: string;
  /** Nothing was done: a missing device with nofail. */
  skipped?: boolean;
  /** The mount was made, but utab could not be updated (its userspace options are not recorded). */
  utabError?: UtabUpdateError;
}

function optionStrings(o: MountRequest['options']): string[] {
  if (o === undefined) return [];
  return typeof o === 'string' ? [o] : [...o];
}

function parseSources(s: string | undefined): { fstab: boolean; mtab: boolean } {
  if (s === undefined) return { fstab: true, mtab: true };
  const parts = s.split(',');
  if (parts.includes('disable')) return { fstab: false, mtab: false };
  return { fstab: parts.includes('fstab'), mtab: parts.includes('mtab') };
}

/** fstab/mount-table options and command-line options, combined as --options-mode says. */
function combine(tableOpts: OptionItem[], cmd: OptionItem[], mode: OptionsMode): OptionItem[] {
  switch (mode) {
    case 'append': return [...cmd, ...tableOpts];
    case 'replace': return [...tableOpts];
    case 'ignore': return [...cmd];
    default: return [...tableOpts, ...cmd];
  }
}

/**
 * util-linux's "failed to parse mount options 'rw,…'" (the option string as libmount holds it,
 * starting with rw/ro), about `spec`.
 */
function optionsError(items: readonly OptionItem[], spec: string | undefined, errnoText?: string): UsageError {
  const first = items[0]?.name;
  const str = first === 'ro' || first === 'rw' ? formatOptions(items) : `rw${items.length ? ',' : ''}${formatOptions(items)}`;
  return new UsageError(`failed to parse mount options '${str}'${errnoText ? `: ${errnoText}` : ''}`, 1, spec);
}

/** uid=NAME / gid=NAME → numbers, as libmount does before the options reach the kernel. */
function numericIds(items: OptionItem[], spec: string | undefined): OptionItem[] {
  return items.map((it) => {
    if ((it.name === 'uid' || it.name === 'gid') && it.raw !== undefined && !/^[0-9]+$/.test(optionValue(it) ?? '')) {
      const v = optionValue(it) ?? '';
      const n = it.name === 'uid' ? userId(v) : groupId(v);
      if (n === undefined) throw optionsError(items, spec, 'Invalid argument');
      return { name: it.name, raw: String(n) };
    }
    return it;
  });
}

function parseMode(v: string, items: OptionItem[], spec: string | undefined): number {
  if (!/^[0-7]{1,4}$/.test(v)) throw optionsError(items, spec);
  return parseInt(v, 8);
}

interface Lookup {
  source?: string;
  target?: string;
  fstype?: string;
  tableOptions: OptionItem[];
  fromFstab?: FstabEntry;
  fromMounts?: MountEntry;
}

/** Find the missing half of the request in fstab (then, for remount, in the mount table). */
function lookupTables(req: MountRequest, cmd: ResolvedOptions, tables: Tables): Lookup {
  const src = parseSources(req.optionsSource);
  const operation = (cmd.bind || cmd.move || cmd.propagation.length > 0) && !cmd.remount;
  const both = req.source !== undefined && req.target !== undefined;
  const out: Lookup = { source: req.source, target: req.target, tableOptions: [] };
  if (operation || (both && !req.optionsSourceForce) || (!src.fstab && !src.mtab)) {
    if (!src.fstab && !src.mtab && !both && !cmd.remount) {
      // --options-source disable with one argument: util-linux goes on without a source and fails late.
      throw new UsageError('filesystem was mounted, but any subsequent operation failed: Invalid argument', 1, req.target ?? req.source);
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
    return out;
  }
  if (cmd.remount && src.mtab) {
    const key = req.target ?? req.source ?? '';
    const mi = tables.mountAt(canonical(key)) ?? topmostBySource(tables.mounts(), key);
    if (mi) {
      out.fromMounts = mi;
      out.source = mi.source;
      out.target = mi.target;
      out.fstype = mi.fstype;
      const utab = tables.utabIndex().find(mi.id, mi.target, mi.uniqueId);
      out.tableOptions = parseOptions(mergedOptions(mi) + (utab?.options ? `,${utab.options}` : ''));
    }
    return out; // remount of something not mounted: the kernel says so
  }
  if (cmd.remount) return out;
  const fstabName = tables.fstabName;
  if (req.swapMatch) throw new UsageError(`can't find in ${fstabName}`, 1, req.target ?? req.source);
  if (req.target !== undefined) throw new UsageError(`can't find mount point in ${fstabName}`, 1, req.target);
  throw new UsageError(`can't find mount source ${req.source} in ${fstabName}`, 1, req.source);
}

function topmostBySource(table: MountTable, source: string): MountEntry | undefined {
  const list = table.withSource(source);
  for (let i = list.length - 1; i >= 0; i--) if (table.topAt(list[i].target) === list[i]) return list[i];
  return list[list.length - 1];
}

/** Is this filesystem already mounted there? (mount -a, --onlyonce): source, root and target compared. */
export function isAlreadyMounted(table: MountTable, source: string | undefined, target: string, opts: { bind?: boolean } = {}): boolean {
  const tgt = canonical(target);
  const list = table.allAt(tgt);
  if (!list.length || source === undefined) return false;
  let src = source;
  const tag = parseTag(source);
  if (tag) src = resolveTag(tag) ?? source;
  const file = isRegularFile(src) ? canonical(src) : undefined;
  let root = '/';
  // A bind is the same filesystem when the mount holding its source (libmount's fs root) has the
  // source the target's mount has, and the root matches: a different tmpfs at the target is not it.
  let holderSource: string | undefined;
  if (opts.bind) {
    const c = canonical(src);
    const holder = mountContaining(table, c);
    if (holder) root = joinRoot(holder.root, c.slice(holder.target === '/' ? 0 : holder.target.length) || '/');
    holderSource = holder?.source;
  }
  // Only a path can have a canonical form (realpath of "tmpfs-x" would be a failed syscall per entry).
  const canonSrc = src.includes('/') ? canonical(src) : src;
  for (const e of list) {
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

function joinRoot(root: string, rel: string): string {
  if (root === '/') return rel.startsWith('/') ? rel : `/${rel}`;
  return rel === '/' ? root : `${root}${rel.startsWith('/') ? rel : `/${rel}`}`;
}

function mountContaining(table: MountTable, p: string): MountEntry | undefined {
  let cur = p;
  for (;;) {
    const e = table.topAt(cur);
    if (e) return e;
    if (cur === '/' || cur === '') return undefined;
    const i = cur.lastIndexOf('/');
    cur = i <= 0 ? '/' : cur.slice(0, i);
  }
}

/** Types to try when none was given: /etc/filesystems (with its "*" line), else /proc/filesystems (not nodev). */
function guessTypes(pattern?: string): string[] {
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
 * libmount's mnt_get_fstype(): blkid_do_safeprobe). Ambiguous signatures, swap areas and LUKS volumes
 * are refused before any mount is tried. Detected "ntfs" is mounted with the kernel's ntfs3 driver, as
 * util-linux 2.42 does. Undefined when nothing is recognised.
 */
export function detectType(source: string, offset: number, target: string): string | undefined {
  let p: SafeProbeResult;
  try {
    p = probeSafe(source, offset);
  } catch (e) {
    // Without libblkid there is no detection: say so instead of guessing (-t still mounts).
    if (e instanceof BlkidUnavailable) throw new UsageError(`cannot probe ${source}: ${e.library} not available; use -t <type>`, 32, target);
    throw e;
  }
  if (p.ambiguous) throw new UsageError(`more filesystems detected on ${source}; use -t <type> or wipefs(8)`, 1, target);
  const t = p.result?.type;
  if (t === 'swap' || t === 'swsuspend') throw new UsageError(`${source} holds a swap area, not a filesystem; use swapon(8)`, 32, target);
  if (t === 'crypto_LUKS') throw new UsageError(`${source} is a LUKS encrypted volume; open it with cryptsetup(8) and mount the mapped device`, 32, target);
  if (t === 'ntfs') return 'ntfs3';
  return t;
}

/** The prepared request: everything decided, ready to plan. */
interface Prepared {
  input: PlanInput;
  nofail: boolean;
  /** The target, opened when it was checked; closed when the request ends. */
  pin?: PinnedTarget;
  /** The target was opened without following a final symlink (-c, X-mount.nocanonicalize). */
  targetNoFollow?: boolean;
  /** The target as given, or as the fstab entry found for the source has it (messages of the source stages). */
  given?: string;
}

function prepare(req: MountRequest, tables: Tables): Prepared {
  const cmdItems: OptionItem[] = [];
  for (const s of optionStrings(req.options)) cmdItems.push(...parseOptions(s));
  let cmd: ResolvedOptions;
  try {
    cmd = resolveOptions(cmdItems);
  } catch (e) {
    if (e instanceof UsageError) throw optionsError(cmdItems, req.target ?? req.source);
    throw e;
  }
  const look = lookupTables(req, cmd, tables);
  const spec = look.target ?? look.source;
  let items = combine(look.tableOptions, cmdItems, req.optionsMode ?? 'prepend');
  items = numericIds(items, spec);
  // Options libmount refuses in this build: loop encryption (removed from the kernel) and dm-verity.
  if (items.some((it) => it.name === 'encryption' || it.name.startsWith('verity.'))) throw optionsError(items, spec);

  let o: ResolvedOptions;
  try {
    o = resolveOptions(items);
  } catch (e) {
    if (e instanceof UsageError) throw optionsError(items, spec);
    throw e;
  }
  // X-mount.* options: the first of each counts (libmount's mnt_optlist_get_named).
  const mk = userOption(o, 'X-mount.mkdir') ?? userOption(o, 'x-mount.mkdir');
  const mkdirMode = mk === undefined ? undefined : mk ? parseMode(mk, items, spec) : 0o755;
  const owner: { uid?: number; gid?: number; mode?: number } = {};
  const ownerName = userOption(o, 'X-mount.owner');
  if (ownerName !== undefined && (owner.uid = userId(ownerName)) === undefined) throw optionsError(items, spec, 'Invalid argument');
  const groupName = userOption(o, 'X-mount.group');
  if (groupName !== undefined && (owner.gid = groupId(groupName)) === undefined) throw optionsError(items, spec, 'Invalid argument');
  const modeValue = userOption(o, 'X-mount.mode');
  if (modeValue !== undefined) owner.mode = parseMode(modeValue, items, spec);
  const subdir = userOption(o, 'X-mount.subdir');
  const idmap = userOption(o, 'X-mount.idmap');
  if (idmap !== undefined && (!idmap || !parseIdmap(idmap))) throw optionsError(items, spec);
  const nofail = hasUserOption(o, 'nofail');

  if (look.target === undefined) throw new UsageError('no mount point specified', 1, look.source);
  let target = withPrefix(req.targetPrefix, look.target);
  // X-mount.nocanonicalize[=source|target]: that path is used as given, a symlink itself included.
  const xnocanon = userOption(o, 'X-mount.nocanonicalize');
  const canon = {
    source: !req.noCanonicalize && xnocanon !== '' && xnocanon !== 'source',
    target: !req.noCanonicalize && xnocanon !== '' && xnocanon !== 'target',
  };
  // Check and pin in one step: the canonical path is read back from the opened target.
  let pin = o.remount || (o.propagation.length > 0 && !o.bind && !o.move && look.source === undefined)
    ? undefined : pinTarget(target, !canon.target);
  // -c alone names the target as the kernel will walk it: a final symlink is not pinned itself but
  // left to each call (mount(2) follows it, as util-linux's mount(2) path does; the fd-based attach
  // does not). X-mount.nocanonicalize=target means the symlink itself.
  if (pin && req.noCanonicalize && xnocanon === undefined && isSymlinkFd(pin.fd)) {
    unpin(pin);
    pin = undefined;
  }
  if (pin) {
    if (canon.target) target = pin.path;
  } else if (canon.target) target = canonical(target);
  try {
    const prep = prepareRest(req, tables, o, items, look, target, pin, nofail, mkdirMode, owner, subdir, idmap, canon.source,
      xnocanon === '' || xnocanon === 'source');
    return { ...prep, targetNoFollow: !canon.target };
  } catch (e) {
    unpin(pin);
    throw e;
  }
}

function prepareRest(req: MountRequest, tables: Tables, o: ResolvedOptions, items: OptionItem[], look: Lookup, target: string,
  pin: PinnedTarget | undefined, nofail: boolean, mkdirMode: number | undefined,
  owner: { uid?: number; gid?: number; mode?: number }, subdir: string | undefined, idmap: string | undefined,
  canonSource: boolean, sourceNoFollow: boolean): Prepared {

  // Errors of the source and type stages name the target as given (or as fstab has it): libmount
  // prepares the source, its loop device and its type before it canonicalizes the target.
  const given = withPrefix(req.targetPrefix, look.target ?? target);
  let source = look.source;
  // A table's type is a type, never a -t pattern ("nosuchfs" is tried as it is); a list, from -t or
  // from fstab's type field ("foo,bar,ext2"), is tried in order.
  const tableType = req.fstype ?? look.fstype;
  const fstabList = req.types === undefined && tableType?.includes(',') ? tableType : undefined;
  let fstype = req.types !== undefined && !isTypePattern(req.types) ? req.types : fstabList ? undefined : tableType;
  const typePattern = req.types !== undefined && isTypePattern(req.types) ? req.types : fstabList;
  // Only a -t value can be a negation ("noext3"); a list from fstab is tried as it is written.
  const negated = typePattern !== undefined && typePattern !== fstabList && typePattern.startsWith('no');

  // Operations that need no type.
  if (o.move || o.bind || o.remount) {
    // A tag names a device for a bind, a move and a remount too (libmount prepares every source
    // alike: a remount whose fstab entry names a LABEL= that no device has fails "can't find").
    const dev = source !== undefined ? tagDevice(source, nofail, given) : undefined;
    if (dev !== undefined) source = dev;
    else if (source !== undefined && !o.remount && canonSource && !sourceKeptAsWritten(req.types ?? tableType)) source = canonical(source);
    return {
      nofail, pin,
      input: { source, target, types: [], guessing: false, options: o, fstype: look.fstype, beneath: req.beneath,
        noMtab: req.noMtab, mkdirMode, owner, idmap, sourceNoFollow: o.bind && sourceNoFollow },
    };
  }
  if (o.propagation.length && (source === undefined || source === 'none') && fstype === undefined) {
    return { nofail, pin, input: { source, target, types: [], guessing: false, options: o, noMtab: req.noMtab } };
  }

  // Tags → devices.
  if (source !== undefined) {
    const dev = tagDevice(source, nofail, given);
    if (dev !== undefined) source = dev;
    else if (!isPseudoFs(fstype) && !isNetworkFs(fstype) && fstype !== 'none' && canonSource && exists(source)) {
      source = canonical(source);
    }
  }

  // Loop devices: asked for (loop, offset=, sizelimit=) or a regular file as the source.
  const loopOpt = userOption(o, 'loop');
  const offsetOpt = userOption(o, 'offset');
  const sizeOpt = userOption(o, 'sizelimit');
  let loop: PlanInput['loop'];
  let loopReused = false;
  const wantLoop = loopOpt !== undefined || offsetOpt !== undefined || sizeOpt !== undefined;
  // An image file: libblkid probes it to decide on a loop device. With -t auto (a type libblkid does
  // not know) only a recognised image is looped; a probed type also wins over a -t "no…" pattern.
  let probed: string | undefined;
  let autoLoop = false;
  if (source !== undefined && !wantLoop && !isPseudoFs(fstype) && isRegularFile(source) && !hasUserOption(o, 'X-mount.noloop')) {
    if (fstabList === undefined && (fstype === undefined || fstype === 'auto' || negated)) probed = detectType(source, 0, given);
    // libmount's is_loopdev_required(): a file of more than 1 KiB whose type, given or probed, is
    // one libblkid knows (not erofs, which mounts files itself); no type at all also loops. A type
    // list, "auto" that probing did not resolve, or an unknown type ("nosuchfs") gets no loop device.
    // A -t pattern ("noext3", "foo,ext2") is no single type: as none, the probe decides.
    const givenType = typePattern !== undefined ? undefined : req.types ?? tableType;
    const decided = probed ?? (givenType === 'auto' ? undefined : givenType);
    autoLoop = fstabList === undefined && (stat(source)?.size ?? 0) > 1024 && (decided === undefined
      ? givenType !== 'auto' : blkidKnowsType(decided) && decided !== 'erofs');
    if (probed !== undefined && (fstype === undefined || fstype === 'auto' || negated)) fstype = probed;
  }
  // --fake sets up no loop device (libmount's loop hook does nothing then); a dry run shows it.
  const fakeOnly = req.fake && !req.dryRun;
  if (source !== undefined && !isPseudoFs(fstype) && (wantLoop || autoLoop) && !fakeOnly) {
    if (!exists(source)) {
      // util-linux's loop hook fails first: "failed to set up loop device for SOURCE" — and nofail
      // does not excuse a loop device that cannot be set up (libmount's mk_exit_code).
      const step = { op: 'loop' as const, file: source, offset: 0, sizelimit: 0, readOnly: o.readOnly };
      throw new MountFailure(new MountError({ syscall: 'open', errno: E.ENOENT, source, target: given }),
        'mount', step, source, given, fstype, { nofail, readOnly: o.readOnly, rwOnly: !!req.rwOnly, mounted: false }, []);
    }
    const offset = offsetOpt !== undefined ? parseSize(offsetOpt) : 0;
    const sizelimit = sizeOpt !== undefined ? parseSize(sizeOpt) : 0;
    if (offset === undefined || sizelimit === undefined) {
      throw optionsError(items, given);
    }
    // The same file, offset already mounted on this very target: nothing to do but say so.
    const table = tables.mounts();
    if (isAlreadyMounted(table, source, target) && offset === 0) {
      throw new UsageError(`${source} is already mounted`, 1, given);
    }
    const match = findLoopMatch(listLoopDevices(), source, offset, sizelimit);
    if (match.kind === 'overlap' || (match.kind === 'reuse' && loopOpt)) {
      throw new UsageError(`overlapping loop device exists for ${source}`, 32, given);
    }
    if ((fstype === undefined || fstype === 'auto') && typePattern === undefined && probed === undefined) fstype = detectType(source, offset, given);
    if (match.kind === 'reuse') {
      // A read-only device serves a read-write request too: the kernel refuses it and the
      // read-only fallback takes over, as with util-linux.
      source = match.dev.device;
      loopReused = true;
    } else {
      loop = { offset, sizelimit, device: loopOpt ? loopOpt : undefined };
    }
  } else if ((fstype === undefined || fstype === 'auto') && typePattern === undefined && source !== undefined && isBlockDevice(source)) {
    fstype = detectType(source, 0, given);
  }

  let types: string[] = [];
  let guessing = false;
  if (fstype !== undefined && fstype !== 'auto') types = [fstype];
  else if (typePattern !== undefined && !negated) {
    // -t a,b,c: tried in order; "auto" in the list means the probed type.
    guessing = true;
    for (const t of typePattern.split(',')) {
      if (t === 'auto') {
        const p = source !== undefined ? detectType(source, 0, given) : undefined;
        if (p) types.push(p);
      } else if (t) types.push(t);
    }
  } else {
    if (source !== undefined && source.includes(':') && !exists(source)) types = ['nfs'];
    else if (source !== undefined && source.startsWith('//')) types = ['cifs'];
    else {
      types = guessTypes(typePattern);
      guessing = true;
    }
    if (types.length === 0) throw new UsageError(source === undefined ? 'no mount source specified' : 'failed to determine filesystem type', 1, given);
  }

  let helper: string | undefined;
  let listHelpers: Record<string, string> | undefined;
  if (!req.noHelpers && types.length === 1 && !guessing) helper = findHelper('mount', types[0]);
  else if (!req.noHelpers) {
    // libmount looks for /sbin/mount.TYPE for every type it tries, in a list as for one type.
    for (const t of types) {
      const h = findHelper('mount', t);
      if (h) (listHelpers ??= {})[t] = h;
    }
  }

  return {
    nofail, pin, given,
    input: {
      source, target, types, guessing, options: o, helper, listHelpers, helperType: types[0], sloppy: req.sloppy, fake: req.fake, loopReused,
      noMtab: req.noMtab, verbose: req.verbose, loop, exclusive: req.exclusive, beneath: req.beneath,
      rwOnly: req.rwOnly, mkdirMode, owner, subdir, idmap,
    },
  };
}

/**
 * The device a tag source names; undefined when the source is no tag. A tag that names nothing is
 * "can't find LABEL=x" (about the target as given), or nothing to do with nofail.
 */
function tagDevice(source: string, nofail: boolean, target: string): string | undefined {
  const tag = parseTag(source);
  if (!tag) return undefined;
  const dev = resolveTag(tag);
  if (dev) return dev;
  if (nofail) throw new NofailSkip();
  // No udev link, and the devices could not be probed: say why, or "can't find" would be a guess.
  const why = tagProbeUnavailable();
  throw new UsageError(why ? `can't find ${source} (cannot probe devices: ${why.library} not available)` : `can't find ${source}`, 1, target);
}

/**
 * blkid_known_fstype(), which libmount asks before it loops an image file. Without libblkid every
 * type counts as known: the file gets a loop device, as libmount did before it asked.
 */
function blkidKnowsType(type: string): boolean {
  try {
    return knownFsType(type);
  } catch (e) {
    if (e instanceof BlkidUnavailable) return true;
    throw e;
  }
}

/** Thrown inside prepare() when nofail turns a missing device into "nothing to do". */
class NofailSkip extends Error {}

/** Build the Plan for a request without running it (for --fake and explain mode). */
export function planRequest(req: MountRequest, tables: Tables = new Tables()): Plan {
  const prep = prepare(req, tables);
  unpin(prep.pin);
  return planMount(prep.input);
}

/**
 * Mount as mount(8) would. Throws UsageError (bad request, exit code attached) or MountFailure
 * (a kernel call failed; MountFailure.error has errno, syscall and kernel messages).
 */
export function mountRequest(req: MountRequest, tables: Tables = new Tables()): MountResult {
  let prep: Prepared;
  try {
    prep = prepare(req, tables);
  } catch (e) {
    if (e instanceof NofailSkip) {
      const plan: Plan = { kind: 'mount', target: req.target ?? '', steps: [], utabOptions: '' };
      return { kind: 'mount', target: req.target ?? '', plan, messages: [], roFallback: false, skipped: true };
    }
    throw e;
  }
  try {
    return execute(req, prep, tables);
  } finally {
    unpin(prep.pin);
  }
}

function execute(req: MountRequest, prep: Prepared, tables: Tables): MountResult {
  const input = prep.input;
  if (req.onlyOnce && isAlreadyMounted(tables.mounts(), input.source, input.target, { bind: input.options.bind })) {
    throw new UsageError('filesystem already mounted', 32, input.target);
  }
  const plan = planMount(input);
  const base = { kind: plan.kind, source: plan.source, target: plan.target, plan };
  // --dry-run: the plan is the answer; no call, no helper started, nothing recorded. It made the
  // same lookups as the real run (the target's O_PATH open): a target that cannot be opened fails
  // the dry run as it fails the real one.
  if (req.dryRun) {
    plan.targetNoFollow = prep.targetNoFollow;
    const attach = plan.steps.find((st) => st.op === 'fsmount' || st.op === 'bind' || st.op === 'move');
    const why = attach && !prep.pin && !plan.steps.some((st) => st.op === 'mkdir') ? targetOpenError(input.target) : undefined;
    if (attach && why) {
      throw new MountFailure(why, plan.kind, attach, input.source, input.target, input.types[0],
        { nofail: prep.nofail, readOnly: input.options.readOnly, rwOnly: !!req.rwOnly, mounted: false }, []);
    }
    return { ...base, fstype: input.types[0], messages: [], roFallback: false };
  }
  if (req.fake && plan.kind !== 'helper') {
    // --fake: everything but the kernel calls. A helper still runs (it gets -f), as util-linux does,
    // and utab gets its entry (there is no mount, so no ID): "-f" records mounts made by others.
    const utabError = plan.utabOptions && !req.noMtab ? recordFakeUtab(plan, tables) : undefined;
    return { ...base, fstype: input.types[0], messages: [], roFallback: false, utabError };
  }
  req.onTargetPinned?.(input.target);
  let r: ExecResult;
  try {
    r = runPlan(plan, { mode: req.executor ?? executorFromEnv(), targetFd: prep.pin?.fd });
  } catch (e) {
    if (e instanceof StepError) {
      // A loop device that cannot be set up is reported about the target as given: libmount sets it
      // up before it canonicalizes the target.
      const about = e.step.op === 'loop' ? prep.given ?? withPrefix(req.targetPrefix, req.target ?? input.target) : input.target;
      throw new MountFailure(e.cause, plan.kind, e.step, e.result.loopDevice ?? input.source, about, input.types[0],
        { nofail: prep.nofail, readOnly: input.options.readOnly, rwOnly: !!req.rwOnly, mounted: e.mounted }, e.result.messages);
    }
    throw e;
  }
  // The cached mount table is kept as it was read (mount -a compares against the table as it
  // was at the start, as util-linux does): no re-read per entry.
  let utabError: UtabUpdateError | undefined;
  if (plan.kind === 'move' && !req.noMtab && plan.source !== undefined) utabError = moveUtab(plan.source, plan.target, tables);
  if (plan.utabOptions && !req.noMtab) {
    if (r.helperStatus === undefined) utabError = recordUtab(plan, r, tables);
    else if (r.helperStatus === 0 && !req.fake) utabError = completeHelperUtab(plan, tables);
  }
  return { ...base, source: r.loopDevice ?? plan.source, fstype: r.fstype, messages: r.messages, roFallback: r.roFallback,
    helperStatus: r.helperStatus, helperExecFailed: r.helperExecFailed, loopDevice: r.loopDevice, utabError };
}

/**
 * After a helper mounted (util-linux 2.40+): the helper may have written its own utab entry; the
 * userspace options it lacks are added to it. Without one, an entry is added as for our own mount.
 */
function completeHelperUtab(plan: Plan, tables: Tables): UtabUpdateError | undefined {
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

/**
 * Why the target's path leads nowhere (the real run's pin failed and so will its attach), as the
 * kernel's error for the attach. A final symlink that leads nowhere is the kernel's to judge (the
 * fd-based attach does not follow it, mount(2) does): the dry run does not guess.
 */
function targetOpenError(target: string): MountError | undefined {
  try {
    fs.closeSync(fs.openSync(osPath(target), O.PATH | O.CLOEXEC | O.NOFOLLOW));
    return undefined;
  } catch (e) {
    const n = errnoNumber((e as NodeJS.ErrnoException).code ?? '');
    return n === undefined ? undefined : new MountError({ syscall: 'move_mount', errno: n, target });
  }
}

function isSymlinkFd(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isSymbolicLink();
  } catch {
    return false;
  }
}

function sameSource(a: string, b: string): boolean {
  return a === b || canonical(a) === canonical(b);
}

/** After --move: utab entries at or below the old place follow the mount (libmount's update_modify_target). */
function moveUtab(from: string, to: string, tables: Tables): UtabUpdateError | undefined {
  const moved = (t: string | undefined): boolean => t !== undefined && (t === from || t.startsWith(from === '/' ? '/' : `${from}/`));
  if (!tables.utab().some((e) => moved(e.target))) return undefined;
  return changeUtab(tables, (entries) => entries.map((e) => (moved(e.target)
    ? { ...e, raw: undefined, target: to + (e.target as string).slice(from.length) } : e)));
}

function recordFakeUtab(plan: Plan, tables: Tables): UtabUpdateError | undefined {
  // As for a real mount: utab trouble is reported, not the mount's failure.
  return changeUtab(tables, (entries) => [...entries, { source: plan.source, target: plan.target, root: '/', options: plan.utabOptions }]);
}

/**
 * The mount this run just made on `target` as the table is now — the topmost one, or with `beneath`
 * the one under it (statmount, else a fresh read of mountinfo: the run's cached table predates it).
 */
function mountNowAt(target: string, beneath = false): MountEntry | undefined {
  if (beneath) {
    // Attached beneath the top mount: the new mount is the one the top now sits on.
    const table = MountTable.read();
    const top = table.topAt(target);
    const under = top && table.byId(top.parent);
    return under && under.target === target ? under : undefined;
  }
  try {
    return statmountAt(target);
  } catch {
    return MountTable.read().topAt(target);
  }
}

/**
 * Record userspace options in utab, as libmount does, keyed by the new mount's ID (and, with
 * TSMOUNT_UTAB_UNIQID=1 on Linux 6.8+, its unique ID, which the kernel never gives to another mount).
 */
function recordUtab(plan: Plan, r: ExecResult, tables: Tables, known?: MountEntry): UtabUpdateError | undefined {
  const beneath = plan.steps.some((st) => 'beneath' in st && st.beneath);
  // Canonical: a target created by X-mount.mkdir could not be canonicalized before it existed.
  const entry = known ?? mountNowAt(canonical(plan.target), beneath);
  if (!entry) return undefined;
  // statx of the path names the top mount: not the one beneath it.
  const uniqueId = writeUniqueIds() ? entry.uniqueId ?? (beneath ? undefined : uniqueIdOf(entry.target)) : undefined;
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


