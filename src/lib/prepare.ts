// A mount request prepared in named stages into one record, ready to plan:
//   options (command line) → lookup (fstab / mount table) → merged options and their settings →
//   kind (decided once) → target (checked and pinned) → source (tags, canonical path) → loop →
//   types → helpers.
// Each stage is a function of what the earlier ones decided; errors are RequestErrors (codes, not
// sentences) or, for a loop device that cannot be set up, a MountFailure.
import { parseOptions, OptionItem, optionValue, formatOptions } from '../options/parse';
import { resolveOptions, ResolvedOptions } from '../options/resolve';
import { readSettings } from '../options/settings';
import { MountSettings, BadOptionValue } from '../options/setting-specs';
import { PlanInput } from '../plan/planner';
import { requestKind, RequestKind } from '../plan/kind';
import { findHelper } from '../exec/helper';
import { pinTargetBy, unpin, PinnedTarget, PinRule } from '../exec/pin';
import { MountError, RequestError } from '../sys/error';
import { E } from '../sys/errno';
import { isTypePattern } from '../tables/patterns';
import { parseTag, resolveTag, tagProbeUnavailable } from '../devices/tags';
import { BlkidUnavailable, knownFsType } from '../devices/blkid';
import { listLoopDevices, findLoopMatch } from '../devices/loop';
import { parseSize } from '../options/size';
import { MountFailure } from './errors';
import { Tables } from './tables';
import { lookupTables, Lookup, loopFileMountedOn } from './lookup';
import { MOUNTED_FIELDS } from './mount-table';
import { detectType, guessTypes } from './fstype';
import { canonical, withPrefix, isRegularFile, isBlockDevice, isPseudoFs, isNetworkFs, exists, sourceKeptAsWritten, stat } from './paths';
import { userId, groupId } from './users';
import type { MountRequest, OptionsMode } from './mount';

/** The prepared request: everything decided, ready to plan. */
export interface Prepared {
  kind: RequestKind;
  input: PlanInput;
  nofail: boolean;
  /** The target, opened when it was checked; closed when the request ends. */
  pin?: PinnedTarget;
  /** The target was opened without following a final symlink (-c, X-mount.nocanonicalize): for explain. */
  targetNoFollow?: boolean;
  /** A final symlink is the target itself (X-mount.nocanonicalize=target). */
  targetKeepSymlink?: boolean;
  /** The target as given, or as the fstab entry found for the source has it (messages of the source stages). */
  given?: string;
}

/** Thrown by the source stage when nofail turns a missing device into "nothing to do". */
export class NofailSkip extends Error {}

export function prepare(req: MountRequest, tables: Tables): Prepared {
  const cmd = commandOptions(req);
  const look = lookupTables(req, cmd.resolved, tables);
  const merged = mergedOptions(req, look, cmd.items);
  const tableType = req.fstype ?? look.fstype;
  const types = typeRequest(req, tableType);
  const kind = requestKind(merged.o, look.source, types.fstype);
  const tgt = targetStage(req, look, merged.settings, kind);
  try {
    const d = sourceStages(req, tables, merged, look, kind, tgt, types, tableType);
    // Written out, not spread: see inputFields().
    return { kind: d.kind, input: d.input, nofail: d.nofail, pin: d.pin, given: d.given, targetNoFollow: tgt.rule.noFollow, targetKeepSymlink: tgt.rule.keepSymlink };
  } catch (e) {
    unpin(tgt.pin);
    throw e;
  }
}

// ---- options ---------------------------------------------------------------------------------

function optionStrings(o: MountRequest['options']): string[] {
  if (o === undefined) return [];
  return typeof o === 'string' ? [o] : [...o];
}

/**
 * util-linux's "failed to parse mount options 'rw,…'" (the option string as libmount holds it,
 * starting with rw/ro), about `spec`.
 */
function optionsError(items: readonly OptionItem[], spec: string | undefined, errnoText?: string): RequestError {
  const first = items[0]?.name;
  const options = first === 'ro' || first === 'rw' ? formatOptions(items) : `rw${items.length ? ',' : ''}${formatOptions(items)}`;
  return new RequestError(errnoText === undefined ? { code: 'bad-options', options } : { code: 'bad-options', options, errnoText }, spec);
}

function resolveOrRefuse(items: OptionItem[], spec: string | undefined): ResolvedOptions {
  try {
    return resolveOptions(items);
  } catch (e) {
    if (e instanceof RequestError && e.code === 'bad-options') throw optionsError(items, spec);
    throw e;
  }
}

/** Stage 1: the command line's options alone (they decide whether fstab is read at all). */
function commandOptions(req: MountRequest): { items: OptionItem[]; resolved: ResolvedOptions } {
  const items: OptionItem[] = [];
  for (const s of optionStrings(req.options)) items.push(...parseOptions(s));
  return { items, resolved: resolveOrRefuse(items, req.target ?? req.source) };
}

/** fstab/mount-table options and command-line options, combined as --options-mode says. */
function combine(tableOpts: readonly OptionItem[], cmd: readonly OptionItem[], mode: OptionsMode): OptionItem[] {
  switch (mode) {
    case 'append': return [...cmd, ...tableOpts];
    case 'replace': return [...tableOpts];
    case 'ignore': return [...cmd];
    default: return [...tableOpts, ...cmd];
  }
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

interface Merged {
  items: OptionItem[];
  o: ResolvedOptions;
  settings: MountSettings;
}

/** Stage 3: the table's options and the command line's, merged, and what their settings ask for. */
function mergedOptions(req: MountRequest, look: Lookup, cmdItems: OptionItem[]): Merged {
  const spec = look.target ?? look.source;
  const items = numericIds(combine(look.tableOptions, cmdItems, req.optionsMode ?? 'prepend'), spec);
  const o = resolveOrRefuse(items, spec);
  try {
    return { items, o, settings: readSettings(o.userspace, { userId, groupId }) };
  } catch (e) {
    if (e instanceof BadOptionValue) throw optionsError(items, spec, e.errnoText);
    throw e;
  }
}

// ---- types as asked for ----------------------------------------------------------------------

interface TypeRequest {
  /** One type, from -t or the table (undefined: none, or a pattern/list to try). */
  fstype?: string;
  /** A -t pattern or list ("noext3", "foo,ext2"), or fstab's type list. */
  pattern?: string;
  /** fstab's type field when it is a list ("foo,bar,ext2"): tried in order as written. */
  fstabList?: string;
  /** Only a -t value can be a negation ("noext3"). */
  negated: boolean;
}

function typeRequest(req: MountRequest, tableType: string | undefined): TypeRequest {
  // A table's type is a type, never a -t pattern ("nosuchfs" is tried as it is); a list, from -t or
  // from fstab's type field ("foo,bar,ext2"), is tried in order.
  const fstabList = req.types === undefined && tableType?.includes(',') ? tableType : undefined;
  const fstype = req.types !== undefined && !isTypePattern(req.types) ? req.types : fstabList ? undefined : tableType;
  const pattern = req.types !== undefined && isTypePattern(req.types) ? req.types : fstabList;
  return { fstype, pattern, fstabList, negated: pattern !== undefined && pattern !== fstabList && pattern.startsWith('no') };
}

// ---- target ----------------------------------------------------------------------------------

interface TargetStage {
  target: string;
  pin?: PinnedTarget;
  rule: PinRule;
  /** The source is canonicalized (no -c, no X-mount.nocanonicalize[=source]). */
  canonSource: boolean;
}

/** Stage 5: the target, checked and pinned in one step (the canonical path is read back from the open). */
function targetStage(req: MountRequest, look: Lookup, settings: MountSettings, kind: RequestKind): TargetStage {
  if (look.target === undefined) throw new RequestError({ code: 'no-target' }, look.source);
  let target = withPrefix(req.targetPrefix, look.target);
  // X-mount.nocanonicalize[=source|target]: that path is used as given, a symlink itself included.
  const nc = settings.noCanonicalize;
  const canonTarget = !req.noCanonicalize && !nc?.target;
  const canonSource = !req.noCanonicalize && !nc?.source;
  const rule: PinRule = { noFollow: !canonTarget, keepSymlink: !!nc?.target };
  // A remount and a propagation change act on what is mounted there: nothing to pin.
  const pin = kind === 'remount' || (kind === 'propagation' && look.source === undefined) ? undefined : pinTargetBy(target, rule);
  if (pin) {
    if (canonTarget) target = pin.path;
  } else if (canonTarget) target = canonical(target);
  return { target, pin, rule, canonSource };
}

// ---- source, loop, types, helpers ------------------------------------------------------------

/**
 * The device a tag source names; undefined when the source is no tag. A tag that names nothing is
 * "can't find LABEL=x" (about the target as given), or nothing to do with nofail.
 */
function tagDevice(source: string, nofail: boolean, target: string, noCanonicalize = false): string | undefined {
  const tag = parseTag(source);
  if (!tag) return undefined;
  // -c turns off every conversion of a path or a tag (libmount has no cache to evaluate one with;
  // X-mount.nocanonicalize is the option that leaves tags alone): the tag names no device.
  const dev = noCanonicalize ? undefined : resolveTag(tag);
  if (dev) return dev;
  if (nofail) throw new NofailSkip();
  if (noCanonicalize) throw new RequestError({ code: 'tag-not-found', tag: source }, target);
  // No udev link, and the devices could not be probed: say why, or "can't find" would be a guess.
  const why = tagProbeUnavailable();
  throw new RequestError(why ? { code: 'tag-not-found', tag: source, unprobed: why.library } : { code: 'tag-not-found', tag: source }, target);
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

type Decided = Omit<Prepared, 'targetNoFollow' | 'targetKeepSymlink'>;

function sourceStages(req: MountRequest, tables: Tables, m: Merged, look: Lookup, kind: RequestKind, tgt: TargetStage,
  tr: TypeRequest, tableType: string | undefined): Decided {
  const { o, settings } = m;
  const { target, pin } = tgt;
  const nofail = !!settings.nofail;
  // Errors of the source and type stages name the target as given (or as fstab has it): libmount
  // prepares the source, its loop device and its type before it canonicalizes the target.
  const given = withPrefix(req.targetPrefix, look.target ?? target);
  let source = look.source;

  // A bind or a move needs its source: libmount fails before any call ("mount failed: Invalid
  // argument"), where open_tree("") would take the current directory's mount.
  if ((kind === 'move' || kind === 'bind') && (source === undefined || source === '')) {
    throw new RequestError({ code: 'no-operation-source' }, given);
  }
  if (kind === 'move' || kind === 'bind' || kind === 'remount') {
    // A tag names a device for a bind, a move and a remount too (libmount prepares every source
    // alike: a remount whose fstab entry names a LABEL= that no device has fails "can't find").
    const dev = source !== undefined ? tagDevice(source, nofail, given, req.noCanonicalize) : undefined;
    if (dev !== undefined) source = dev;
    else if (source !== undefined && kind !== 'remount' && tgt.canonSource && !sourceKeptAsWritten(req.types ?? tableType)) source = canonical(source);
    return { kind, nofail, pin, input: inputFields(kind, target, o, settings, req, source, [], false, look.fstype) };
  }
  if (kind === 'propagation') return { kind, nofail, pin, input: inputFields(kind, target, o, settings, req, source, [], false) };

  // Tags → devices; a path that exists → its canonical form (not for pseudo and network filesystems).
  let fstype = tr.fstype;
  if (source !== undefined) {
    const dev = tagDevice(source, nofail, given, req.noCanonicalize);
    if (dev !== undefined) source = dev;
    else if (!isPseudoFs(fstype) && !isNetworkFs(fstype) && fstype !== 'none' && tgt.canonSource && exists(source)) {
      source = canonical(source);
    }
  }
  const loop = loopStage(req, tables, m, { source, target, given, fstype, tr, tableType, nofail });
  source = loop.source;
  fstype = loop.fstype;
  const { types, guessing } = typeStage(source, fstype, tr, given, settings.autoFstypes);
  const helpers = helperStage(req, types, guessing);
  const input = inputFields(kind, target, o, settings, req, source, types, guessing);
  input.helper = helpers.helper;
  input.listHelpers = helpers.listHelpers;
  input.helperType = types[0];
  input.sloppy = req.sloppy;
  input.fake = req.fake;
  input.loopReused = loop.reused;
  input.verbose = req.verbose;
  input.loop = loop.setUp;
  input.exclusive = req.exclusive;
  input.rwOnly = req.rwOnly;
  return { kind, nofail, pin, given, input };
}

/**
 * The plan input every kind has. One object literal with every field of PlanInput, so that all
 * inputs share one shape: in Node 20's V8 a property added after a spread (`{ ...base, source }`)
 * gives every object a map of its own, ~6 KB and microseconds per mount -a entry
 * (docs/performance.md).
 */
function inputFields(kind: RequestKind, target: string, options: ResolvedOptions, settings: MountSettings, req: MountRequest,
  source: string | undefined, types: string[], guessing: boolean, fstype?: string): PlanInput {
  return {
    kind, target, options, settings, noMtab: req.noMtab, beneath: req.beneath, source, types, guessing, fstype,
    helper: undefined, listHelpers: undefined, helperType: undefined, sloppy: undefined, fake: undefined, loopReused: undefined,
    verbose: undefined, loop: undefined, exclusive: undefined, rwOnly: undefined,
  };
}

interface LoopIn {
  source?: string;
  target: string;
  given: string;
  fstype?: string;
  tr: TypeRequest;
  tableType?: string;
  nofail: boolean;
}

interface LoopOut {
  source?: string;
  fstype?: string;
  setUp?: PlanInput['loop'];
  reused: boolean;
}

/**
 * The loop stage: a loop device when one is asked for (loop, offset=, sizelimit=) or when the source
 * is an image file libblkid recognises (libmount's is_loopdev_required); probing may decide the type.
 */
function loopStage(req: MountRequest, tables: Tables, m: Merged, i: LoopIn): LoopOut {
  const { o, settings, items } = m;
  const { tr, given, target } = i;
  let { source, fstype } = i;
  const allowed = settings.autoFstypes;
  const wantLoop = settings.loop !== undefined || settings.offset !== undefined || settings.sizelimit !== undefined;
  // An image file: libblkid probes it to decide on a loop device. With -t auto (a type libblkid does
  // not know) only a recognised image is looped; a probed type also wins over a -t "no…" pattern.
  let probed: string | undefined;
  let autoLoop = false;
  if (source !== undefined && !wantLoop && !isPseudoFs(fstype) && isRegularFile(source) && !settings.noLoop) {
    if (tr.fstabList === undefined && (fstype === undefined || fstype === 'auto' || tr.negated)) probed = detectType(source, 0, given, allowed);
    // libmount's is_loopdev_required(): a file of more than 1 KiB whose type, given or probed, is
    // one libblkid knows (not erofs, which mounts files itself); no type at all also loops. A type
    // list, "auto" that probing did not resolve, or an unknown type ("nosuchfs") gets no loop device.
    // A -t pattern ("noext3", "foo,ext2") is no single type: as none, the probe decides.
    const givenType = tr.pattern !== undefined ? undefined : req.types ?? i.tableType;
    const decided = probed ?? (givenType === 'auto' ? undefined : givenType);
    autoLoop = tr.fstabList === undefined && (stat(source)?.size ?? 0) > 1024 && (decided === undefined
      ? givenType !== 'auto' : blkidKnowsType(decided) && decided !== 'erofs');
    if (probed !== undefined && (fstype === undefined || fstype === 'auto' || tr.negated)) fstype = probed;
  }
  // --fake sets up no loop device (libmount's loop hook does nothing then); a dry run shows it.
  const fakeOnly = req.fake && !req.dryRun;
  if (source === undefined || isPseudoFs(fstype) || !(wantLoop || autoLoop) || fakeOnly) {
    if ((fstype === undefined || fstype === 'auto') && tr.pattern === undefined && source !== undefined && isBlockDevice(source)) {
      fstype = detectType(source, 0, given, allowed);
    }
    return { source, fstype, reused: false };
  }
  if (!exists(source)) {
    // util-linux's loop hook fails first: "failed to set up loop device for SOURCE" — and nofail
    // does not excuse a loop device that cannot be set up (libmount's mk_exit_code).
    const step = { op: 'loop' as const, file: source, offset: 0, sizelimit: 0, readOnly: o.readOnly };
    throw new MountFailure(new MountError({ syscall: 'open', errno: E.ENOENT, source, target: given }),
      'mount', step, source, given, fstype, { nofail: i.nofail, readOnly: o.readOnly, rwOnly: !!req.rwOnly, mounted: false }, []);
  }
  const offset = settings.offset !== undefined ? parseSize(settings.offset) : 0;
  const sizelimit = settings.sizelimit !== undefined ? parseSize(settings.sizelimit) : 0;
  if (offset === undefined || sizelimit === undefined) throw optionsError(items, given);
  // The same file, offset already mounted on this very target through a loop device: nothing to
  // do but say so.
  if (loopFileMountedOn(tables.mountSnapshot(MOUNTED_FIELDS), source, target, offset)) {
    throw new RequestError({ code: 'source-already-mounted', source }, given);
  }
  const match = findLoopMatch(listLoopDevices(), source, offset, sizelimit);
  // loop=/dev/loopN names another device than the one set up for the file: an overlap; a bare
  // loop reuses that one.
  if (match.kind === 'overlap' || (match.kind === 'reuse' && settings.loop?.device)) {
    throw new RequestError({ code: 'loop-overlap', source }, given);
  }
  if ((fstype === undefined || fstype === 'auto') && tr.pattern === undefined && probed === undefined) fstype = detectType(source, offset, given, allowed);
  // A read-only device serves a read-write request too: the kernel refuses it and the read-only
  // fallback takes over, as with util-linux.
  if (match.kind === 'reuse') return { source: match.dev.device, fstype, reused: true };
  return { source, fstype, reused: false, setUp: { offset, sizelimit, device: settings.loop?.device } };
}

/** The type stage: the types to try, in order, and whether they are guesses. */
function typeStage(source: string | undefined, fstype: string | undefined, tr: TypeRequest, given: string,
  allowed: string | undefined): { types: string[]; guessing: boolean } {
  if (fstype !== undefined && fstype !== 'auto') return { types: [fstype], guessing: false };
  if (tr.pattern !== undefined && !tr.negated) {
    // -t a,b,c: tried in order; "auto" in the list means the probed type.
    const types: string[] = [];
    for (const t of tr.pattern.split(',')) {
      if (t === 'auto') {
        const p = source !== undefined ? detectType(source, 0, given, allowed) : undefined;
        if (p) types.push(p);
      } else if (t) types.push(t);
    }
    return { types, guessing: true };
  }
  if (source !== undefined && source.includes(':') && !exists(source)) return { types: ['nfs'], guessing: false };
  if (source !== undefined && source.startsWith('//')) return { types: ['cifs'], guessing: false };
  const types = guessTypes(tr.pattern);
  if (types.length === 0) throw new RequestError({ code: source === undefined ? 'no-source' : 'unknown-type' }, given);
  return { types, guessing: true };
}

/** The helper stage: /sbin/mount.TYPE for one type, or for each type of a list (libmount tries each). */
function helperStage(req: MountRequest, types: string[], guessing: boolean): Pick<PlanInput, 'helper' | 'listHelpers'> {
  if (req.noHelpers) return {};
  if (types.length === 1 && !guessing) return { helper: findHelper('mount', types[0]) };
  let listHelpers: Record<string, string> | undefined;
  for (const t of types) {
    const h = findHelper('mount', t);
    if (h) (listHelpers ??= {})[t] = h;
  }
  return { listHelpers };
}
