// Merging and classification: an ordered option list becomes the flags, attributes,
// superblock flags, filesystem data and userspace options each kernel path needs.
import { lookupOption, OptionDef } from './table';
import { OptionItem, optionValue, formatItem } from './parse';
import { MS, MOUNT_ATTR } from '../sys/constants';
import { RequestError } from '../sys/error';
import { KeptAnswers } from './kept';

export interface ResolvedOptions {
  /** Every option after merging, in order (what listing, helpers and utab are built from). */
  readonly items: readonly OptionItem[];
  /** The mount ends up read-only. */
  readonly readOnly: boolean;
  /** ro/rw was given explicitly (the last of them). */
  readonly rdonlyGiven?: 'ro' | 'rw';
  /** Where `ro` applies: both layers (default), only the mount (ro=vfs), only the superblock (ro=fs). */
  readonly roScope: 'both' | 'vfs' | 'fs';
  /** MS_* flags for mount(2) (per-mount, superblock and ignored-by-new-API flags; no operations, no propagation). */
  readonly msFlags: number;
  /** MOUNT_ATTR_* to set and clear on this mount. */
  readonly attrSet: number;
  readonly attrClr: number;
  /** An atime option was given (its choice is in attrSet/attrClr). */
  readonly atimeGiven: boolean;
  /** MOUNT_ATTR_* to set and clear recursively (VFSFLAG=recursive). */
  readonly recursiveSet: number;
  readonly recursiveClr: number;
  /** Superblock flags for fsconfig(SET_FLAG), in order. */
  readonly sbFlags: readonly string[];
  /** Filesystem options (not in the option table), in order, duplicates kept as util-linux does. */
  readonly data: readonly OptionItem[];
  /** Userspace-only options. */
  readonly userspace: readonly OptionItem[];
  /** Propagation changes (MS_SHARED … with MS_REC for r-forms), in order. */
  readonly propagation: readonly number[];
  readonly bind: boolean;
  readonly rbind: boolean;
  readonly move: boolean;
  readonly remount: boolean;
}

interface Classified {
  item: OptionItem;
  def?: OptionDef;
}

/**
 * Merge: options from the table keep only the last of one group (a duplicate, a flag and its
 * inverse, the choosing atime options) — except that one flag given with different values
 * ("ro,ro=fs", "nosuid,nosuid=recursive") is kept in each, as libmount's merge removes only an
 * equal option or an inverse; userspace options with values (x-*, X-*, offset= …) are all
 * kept but an identical repeat, and filesystem options are all kept, as util-linux does.
 */
export function mergeOptions(items: readonly OptionItem[]): OptionItem[] {
  /** Per group, the later items kept so far (walking backwards). */
  const seen = new Map<string, OptionItem[]>();
  const seenItems = new Set<string>();
  const out: Classified[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    const def = lookupOption(item.name);
    // Userspace options with values (x-*, X-*, offset=, helper= …) are all kept, as libmount's
    // option list keeps them: utab records each, and a lookup takes the first (userOption).
    // user=NAME too: libmount hides the first one and keeps the others.
    const keepAll = !!def && (def.keepsAll || (item.name === 'user' && item.raw !== undefined));
    if (def && !keepAll) {
      const later = seen.get(def.group);
      if (later && !survivesLater(item, def, later)) continue;
      if (later) later.push(item);
      else seen.set(def.group, [item]);
    } else if (def) {
      // Kept all, but an identical repeat ("x-a,x-a") once, at its last place (libmount's dedup).
      const whole = formatItem(item);
      if (seenItems.has(whole)) continue;
      seenItems.add(whole);
    }
    out.push({ item, def });
  }
  return out.reverse().map((c) => c.item);
}

/**
 * An earlier option of a group stays beside the later ones only when all of them are the same
 * flag, not inverted, with another value ("ro" before "ro=fs"): libmount's merge removes an
 * earlier option equal to a later one, or of the same flag when either is the inverse.
 */
function survivesLater(item: OptionItem, def: OptionDef, later: readonly OptionItem[]): boolean {
  if (def.invert) return false;
  const value = optionValue(item);
  return later.every((l) => l.name === item.name && !lookupOption(l.name)?.invert && optionValue(l) !== value);
}

/**
 * The user=NAME libmount hides (keeps for helpers only): the first `user` of a merged list, when it
 * has a value. Its `user_flags` bit is then cleared, so no `user` of the list implies anything
 * ("user=x,user" mounts with no nosuid/nodev/noexec; "user,user=x" does, and keeps user=x in utab).
 */
export function hiddenUserName(items: readonly OptionItem[]): OptionItem | undefined {
  const first = items.find((i) => i.name === 'user');
  return first?.raw !== undefined ? first : undefined;
}

/**
 * The options an option stands for (the table's `implies`), inserted right after it, as libmount
 * does for a superuser's mount: "user,exec" → "user,noexec,nosuid,nodev,exec" → exec wins.
 */
export function expandImplied(items: readonly OptionItem[]): OptionItem[] {
  const userImplies = hiddenUserName(items) === undefined;
  const out: OptionItem[] = [];
  for (const item of items) {
    const def = lookupOption(item.name);
    if (!def?.implies || (item.name === 'user' && (item.raw !== undefined || !userImplies))) {
      out.push(item);
      continue;
    }
    if (!def.replacedByImplied) out.push(item);
    for (const name of def.implies) out.push({ name });
  }
  return out;
}

/**
 * Resolved option lists by content: a mount -a of thousands of entries has a handful of distinct
 * option strings, each resolved twice per entry (the command line's, then merged with the table's).
 * The answers are frozen, so that sharing one cannot let a caller change another's.
 */
const resolved = new KeptAnswers<ResolvedOptions>(256);

/** The option list as a key: each name and value with its length first, so that no two lists share one. */
function contentKey(items: readonly OptionItem[]): string {
  let key = '';
  for (const it of items) key += it.raw === undefined ? `${it.name.length}:${it.name};` : `${it.name.length}:${it.name}=${it.raw.length}:${it.raw};`;
  return key;
}

export function resolveOptions(input: readonly OptionItem[]): ResolvedOptions {
  // Resolved from copies: the answer is frozen and shared, the caller's items stay the caller's.
  return resolved.get(contentKey(input),
    () => deepFreeze(resolveUncached(input.map((it) => (it.raw === undefined ? { name: it.name } : { name: it.name, raw: it.raw })))));
}

function deepFreeze(r: ResolvedOptions): ResolvedOptions {
  for (const list of [r.items, r.sbFlags, r.data, r.userspace, r.propagation]) Object.freeze(list);
  for (const it of r.items) Object.freeze(it);
  return Object.freeze(r);
}

function resolveUncached(input: readonly OptionItem[]): ResolvedOptions {
  // Implied options come from the implying options that survive the merge ("user,nouser" implies
  // nothing); a second merge lets a later exec/suid/dev win over them.
  const items = mergeOptions(expandImplied(mergeOptions(input)));
  let msFlags = 0;
  let attrSet = 0;
  let attrClr = 0;
  let recursiveSet = 0;
  let recursiveClr = 0;
  let atimeGiven = false;
  /** The MS_* bit of the atime option in force (0: none or the default). */
  let atimeChoice = 0;
  let atimeChoiceRec = 0;
  let readOnly = false;
  let rdonlyGiven: 'ro' | 'rw' | undefined;
  let roScope: 'both' | 'vfs' | 'fs' = 'both';
  const sbFlags: string[] = [];
  const data: OptionItem[] = [];
  const userspace: OptionItem[] = [];
  const propagation: number[] = [];
  let bind = false;
  let rbind = false;
  let move = false;
  let remount = false;

  for (const item of items) {
    const def = lookupOption(item.name);
    if (!def) {
      data.push(item);
      continue;
    }
    const value = optionValue(item);
    const recursive = value === 'recursive';
    if (def.cls !== 'userspace' && value !== undefined && !(def.cls === 'rdonly' || def.cls === 'vfs' || def.cls === 'atime')) {
      throw new RequestError({ code: 'bad-options', options: formatItem(item) });
    }
    if ((def.cls === 'vfs' || def.cls === 'atime') && value !== undefined && !recursive) {
      throw new RequestError({ code: 'bad-options', options: formatItem(item) });
    }
    switch (def.cls) {
      case 'rdonly': {
        if (value !== undefined && value !== 'vfs' && value !== 'fs' && !recursive) {
          throw new RequestError({ code: 'bad-options', options: formatItem(item) });
        }
        // After the merge, either one rw or one or more ro forms remain ("ro,ro=fs"): the mount is
        // read-only where any of them applies (ro=fs: the superblock only; ro=vfs: the mount only).
        const scope = value === 'vfs' || value === 'fs' ? value : 'both';
        roScope = def.invert || !readOnly || roScope === scope ? scope : 'both';
        readOnly = !def.invert;
        rdonlyGiven = def.invert ? 'rw' : 'ro';
        msFlags = def.invert ? msFlags & ~MS.RDONLY : msFlags | MS.RDONLY;
        if (recursive) {
          if (def.invert) recursiveClr |= MOUNT_ATTR.RDONLY;
          else recursiveSet |= MOUNT_ATTR.RDONLY;
        }
        break;
      }
      case 'vfs':
        msFlags = def.invert ? msFlags & ~def.ms : msFlags | def.ms;
        if (recursive) {
          if (def.invert) recursiveClr |= def.attr;
          else recursiveSet |= def.attr;
        } else if (def.invert) {
          attrClr |= def.attr;
          attrSet &= ~def.attr;
        } else {
          attrSet |= def.attr;
          attrClr &= ~def.attr;
        }
        break;
      case 'atime': {
        // noatime, relatime, strictatime choose (the last one wins); atime, norelatime and
        // nostrictatime only undo their own counterpart when it is the choice in force, back to the
        // kernel's default (relatime): "noatime,nostrictatime" stays noatime (as util-linux 2.42).
        // Either way the atime choice is set (util-linux's mount_setattr clears all of _ATIME).
        const current = recursive ? atimeChoiceRec : atimeChoice;
        const chosen = def.invert ? (current === def.ms ? 0 : current) : def.ms;
        atimeGiven = true;
        msFlags = (msFlags & ~(MS.NOATIME | MS.RELATIME | MS.STRICTATIME)) | chosen;
        const choice: number = chosen === MS.NOATIME ? MOUNT_ATTR.NOATIME : chosen === MS.STRICTATIME ? MOUNT_ATTR.STRICTATIME
          : MOUNT_ATTR.RELATIME;
        if (recursive) atimeChoiceRec = chosen;
        else atimeChoice = chosen;
        if (recursive) {
          recursiveSet = (recursiveSet & ~MOUNT_ATTR._ATIME) | choice;
          recursiveClr |= MOUNT_ATTR._ATIME;
        } else {
          attrSet = (attrSet & ~MOUNT_ATTR._ATIME) | choice;
          attrClr |= MOUNT_ATTR._ATIME;
        }
        break;
      }
      case 'superblock':
        msFlags = def.invert ? msFlags & ~def.ms : msFlags | def.ms;
        sbFlags.push(item.name);
        break;
      case 'ignored':
        msFlags = def.invert ? msFlags & ~def.ms : msFlags | def.ms;
        break;
      case 'operation':
        if (item.name === 'bind') bind = true;
        else if (item.name === 'rbind') { bind = true; rbind = true; }
        else if (item.name === 'move') move = true;
        else if (item.name === 'remount') remount = true;
        break;
      case 'propagation':
        propagation.push(def.ms);
        break;
      case 'userspace':
        userspace.push(item);
        break;
    }
  }
  if (readOnly && roScope !== 'fs') {
    attrSet |= MOUNT_ATTR.RDONLY;
    attrClr &= ~MOUNT_ATTR.RDONLY;
  } else if (rdonlyGiven === 'rw') {
    attrClr |= MOUNT_ATTR.RDONLY;
  }
  return {
    items, readOnly, rdonlyGiven, roScope, msFlags, attrSet, attrClr, atimeGiven, recursiveSet, recursiveClr,
    sbFlags, data, userspace, propagation, bind, rbind, move, remount,
  };
}

/**
 * The value of the first userspace option `name` (e.g. "offset"), or undefined: libmount's
 * mnt_optlist_get_named() takes the first ("offset=1M,offset=0" is 1M).
 */
export function userOption(opts: ResolvedOptions, name: string): string | undefined {
  const it = opts.userspace.find((i) => i.name === name);
  return it ? optionValue(it) ?? '' : undefined;
}

export function hasUserOption(opts: ResolvedOptions, name: string): boolean {
  return opts.userspace.some((it) => it.name === name);
}

/** A new option list with the items for which `drop` is true removed. */
export function withoutOptions(items: readonly OptionItem[], drop: (name: string) => boolean): OptionItem[] {
  return items.filter((it) => !drop(it.name));
}
