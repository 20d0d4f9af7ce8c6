// THE option table: every option name util-linux 2.42 knows (libmount optmap.c,
// linux map then userspace map), with where it goes. One source of truth for the
// parser, the planner, listing, helper argv and utab. Anything not found here is
// a filesystem (data) option and goes to the filesystem as it is.
import { MS, MOUNT_ATTR } from '../sys/constants';
import { SettingSpec, SETTING } from './setting-specs';

/**
 * - `vfs`: a per-mount flag (MOUNT_ATTR_* with the new API, MS_* in mount(2));
 * - `superblock`: a superblock flag, sent with fsconfig(SET_FLAG) (sync, dirsync, mand, lazytime);
 * - `rdonly`: ro/rw, which util-linux applies to both layers;
 * - `atime`: the atime family (one MOUNT_ATTR__ATIME choice, last wins);
 * - `ignored`: known to the kernel's mount(2) but not transmitted by the new API (silent, iversion);
 * - `operation`: bind, rbind, move, remount;
 * - `propagation`: shared, slave, private, unbindable and their r-forms;
 * - `userspace`: never sent to the kernel (auto, user, _netdev, x-*, X-*, loop=, …).
 */
export type OptionClass = 'vfs' | 'superblock' | 'rdonly' | 'atime' | 'ignored' | 'operation' | 'propagation' | 'userspace';

export type ValueRule = 'none' | 'optional' | 'required';

export interface OptionDef {
  /** Name as written (for prefix entries the prefix, e.g. "x-"). */
  readonly name: string;
  readonly cls: OptionClass;
  /** MS_* bit this option sets (or, with `invert`, clears) in a mount(2) call. 0 when none. */
  readonly ms: number;
  /** The option clears its MS_* bit / MOUNT_ATTR_* bit instead of setting it (rw, exec, suid, …). */
  readonly invert: boolean;
  /** MOUNT_ATTR_* bit for per-mount flags (0 when none; RELATIME is 0 and handled as an atime choice). */
  readonly attr: number;
  readonly value: ValueRule;
  /** Matches every option starting with `name` (x-*, X-*). */
  readonly prefix: boolean;
  /** Not passed to /sbin/mount.TYPE helpers (MNT_NOHLPS). */
  readonly noHelper: boolean;
  /** Not stored in utab (MNT_NOMTAB). */
  readonly noUtab: boolean;
  /** The name of the option that undoes this one, when there is one. */
  readonly negation?: string;
  /**
   * Options sharing a group cancel each other, last wins (a flag and its inverse, the atime
   * family). Defaults to the name itself, so duplicates of one name also keep only the last.
   */
  readonly group: string;
  /**
   * Options this one stands for too, inserted right after it (without a value): user, users →
   * noexec,nosuid,nodev; owner, group → nosuid,nodev (libmount's MS_SECURE / MS_OWNERSECURE).
   * A later exec/suid/dev still wins.
   */
  readonly implies?: readonly string[];
  /** Only its implied options remain (owner, group: libmount removes them once applied). */
  readonly replacedByImplied?: boolean;
  /**
   * Every occurrence is kept by the merge (libmount's option list keeps valued userspace options:
   * utab records each); where the option is read, the first one counts. Default: prefix entries and
   * userspace options whose value is required.
   */
  readonly keepsAll: boolean;
  /** Left out of utab when a loop device of ours backs the mount (loop: libmount drops it for autoclear devices). */
  readonly noUtabWithLoopDevice: boolean;
  /** What the option means for a mount request: the typed setting it fills (options/settings.ts). */
  readonly setting?: SettingSpec;
}

interface Spec {
  cls: OptionClass;
  ms?: number;
  invert?: boolean;
  attr?: number;
  value?: ValueRule;
  prefix?: boolean;
  noHelper?: boolean;
  noUtab?: boolean;
  negation?: string;
  group?: string;
  implies?: readonly string[];
  replacedByImplied?: boolean;
  keepsAll?: boolean;
  noUtabWithLoopDevice?: boolean;
  setting?: SettingSpec;
}

const defs = new Map<string, OptionDef>();
const prefixes: OptionDef[] = [];

function def(name: string, s: Spec): void {
  const d: OptionDef = {
    name, cls: s.cls, ms: s.ms ?? 0, invert: s.invert ?? false, attr: s.attr ?? 0, value: s.value ?? 'none',
    prefix: s.prefix ?? false, noHelper: s.noHelper ?? false, noUtab: s.noUtab ?? false, negation: s.negation,
    group: s.group ?? name, implies: s.implies, replacedByImplied: s.replacedByImplied,
    keepsAll: s.keepsAll ?? (s.cls === 'userspace' && (!!s.prefix || s.value === 'required')),
    noUtabWithLoopDevice: s.noUtabWithLoopDevice ?? false, setting: s.setting,
  };
  if (d.prefix) prefixes.push(d);
  else defs.set(name, d);
}

/** A flag and its negation, sharing one group. */
function pair(on: string, off: string, s: Spec, offInverts = true): void {
  def(on, { ...s, negation: off, group: on });
  def(off, { ...s, invert: offInverts ? !s.invert : s.invert, negation: on, group: on });
}

// ---- the Linux map: options the kernel knows -------------------------------
pair('ro', 'rw', { cls: 'rdonly', ms: MS.RDONLY, attr: MOUNT_ATTR.RDONLY, value: 'optional' });
pair('nosuid', 'suid', { cls: 'vfs', ms: MS.NOSUID, attr: MOUNT_ATTR.NOSUID });
pair('nodev', 'dev', { cls: 'vfs', ms: MS.NODEV, attr: MOUNT_ATTR.NODEV });
pair('noexec', 'exec', { cls: 'vfs', ms: MS.NOEXEC, attr: MOUNT_ATTR.NOEXEC });
pair('nosymfollow', 'symfollow', { cls: 'vfs', ms: MS.NOSYMFOLLOW, attr: MOUNT_ATTR.NOSYMFOLLOW });
pair('nodiratime', 'diratime', { cls: 'vfs', ms: MS.NODIRATIME, attr: MOUNT_ATTR.NODIRATIME });
pair('sync', 'async', { cls: 'superblock', ms: MS.SYNCHRONOUS });
def('dirsync', { cls: 'superblock', ms: MS.DIRSYNC });
pair('mand', 'nomand', { cls: 'superblock', ms: MS.MANDLOCK });
pair('lazytime', 'nolazytime', { cls: 'superblock', ms: MS.LAZYTIME });
pair('silent', 'loud', { cls: 'ignored', ms: MS.SILENT });
pair('iversion', 'noiversion', { cls: 'ignored', ms: MS.I_VERSION });
// The atime family is one choice for the kernel (MOUNT_ATTR__ATIME): the choosing options share a
// group (last wins); each undoing form (atime, norelatime, nostrictatime) is its own group, as it
// only undoes its counterpart when that is the choice in force (options/resolve.ts).
def('noatime', { cls: 'atime', ms: MS.NOATIME, attr: MOUNT_ATTR.NOATIME, negation: 'atime', group: 'atime' });
def('atime', { cls: 'atime', ms: MS.NOATIME, invert: true, negation: 'noatime', group: 'atime-undo' });
def('relatime', { cls: 'atime', ms: MS.RELATIME, attr: MOUNT_ATTR.RELATIME, negation: 'norelatime', group: 'atime' });
def('norelatime', { cls: 'atime', ms: MS.RELATIME, invert: true, negation: 'relatime', group: 'relatime-undo' });
def('strictatime', { cls: 'atime', ms: MS.STRICTATIME, attr: MOUNT_ATTR.STRICTATIME, negation: 'nostrictatime', group: 'atime' });
def('nostrictatime', { cls: 'atime', ms: MS.STRICTATIME, invert: true, negation: 'strictatime', group: 'strictatime-undo' });

def('remount', { cls: 'operation', ms: MS.REMOUNT, noUtab: true });
def('bind', { cls: 'operation', ms: MS.BIND });
def('rbind', { cls: 'operation', ms: MS.BIND | MS.REC });
def('move', { cls: 'operation', ms: MS.MOVE, noHelper: true, noUtab: true });

for (const [name, ms] of [['unbindable', MS.UNBINDABLE], ['private', MS.PRIVATE], ['slave', MS.SLAVE], ['shared', MS.SHARED]] as const) {
  // Propagation options are steps, not state: every occurrence counts, in order (group unique per use).
  def(name, { cls: 'propagation', ms, noHelper: true, noUtab: true });
  def(`r${name}`, { cls: 'propagation', ms: ms | MS.REC, noHelper: true, noUtab: true });
}

// ---- the userspace map: never sent to the kernel --------------------------
def('defaults', { cls: 'userspace', noHelper: true, noUtab: true });
pair('noauto', 'auto', { cls: 'userspace', noHelper: true, noUtab: true }, false);
const SECURE = ['noexec', 'nosuid', 'nodev'];
const OWNER_SECURE = ['nosuid', 'nodev'];
// user=NAME (a value) is the name recorded by a non-root mount: it implies nothing.
def('user', { cls: 'userspace', value: 'optional', negation: 'nouser', group: 'user', implies: SECURE });
def('nouser', { cls: 'userspace', negation: 'user', group: 'user', noUtab: true });
def('users', { cls: 'userspace', noUtab: true, negation: 'nousers', group: 'users', implies: SECURE });
def('nousers', { cls: 'userspace', noUtab: true, negation: 'users', group: 'users' });
def('owner', { cls: 'userspace', noUtab: true, negation: 'noowner', group: 'owner', implies: OWNER_SECURE, replacedByImplied: true });
def('noowner', { cls: 'userspace', noUtab: true, negation: 'owner', group: 'owner' });
def('group', { cls: 'userspace', noUtab: true, negation: 'nogroup', group: 'group', implies: OWNER_SECURE, replacedByImplied: true });
def('nogroup', { cls: 'userspace', noUtab: true, negation: 'group', group: 'group' });
def('_netdev', { cls: 'userspace' });
def('comment', { cls: 'userspace', value: 'required', noHelper: true, noUtab: true });
def('x-', { cls: 'userspace', prefix: true, noHelper: true });
def('X-', { cls: 'userspace', prefix: true, noHelper: true, noUtab: true });
// Options that mean something to the request, each with the setting it fills. X-mount.* are X-*
// options (not for helpers, not in utab), x-mount.mkdir an x-* one; all are kept however often given.
const X_MOUNT: Spec = { cls: 'userspace', noHelper: true, noUtab: true, keepsAll: true };
// X-mount.mkdir before its deprecated x- spelling: the X- form wins when both are given (libmount).
def('X-mount.mkdir', { ...X_MOUNT, value: 'optional', setting: SETTING.mkdir });
def('x-mount.mkdir', { cls: 'userspace', noHelper: true, keepsAll: true, value: 'optional', setting: SETTING.mkdir });
def('X-mount.owner', { ...X_MOUNT, value: 'required', setting: SETTING.ownerUid });
def('X-mount.group', { ...X_MOUNT, value: 'required', setting: SETTING.ownerGid });
def('X-mount.mode', { ...X_MOUNT, value: 'required', setting: SETTING.rootMode });
def('X-mount.subdir', { ...X_MOUNT, value: 'required', setting: SETTING.subdir });
def('X-mount.idmap', { ...X_MOUNT, value: 'required', setting: SETTING.idmap });
def('X-mount.nocanonicalize', { ...X_MOUNT, value: 'optional', setting: SETTING.noCanonicalize });
def('X-mount.noloop', { ...X_MOUNT, value: 'optional', setting: SETTING.noLoop });
def('X-mount.auto-fstypes', { ...X_MOUNT, value: 'required', setting: SETTING.autoFstypes });
def('loop', { cls: 'userspace', value: 'optional', noHelper: true, noUtabWithLoopDevice: true, setting: SETTING.loop });
def('offset', { cls: 'userspace', value: 'required', noHelper: true, noUtab: true, setting: SETTING.offset });
def('sizelimit', { cls: 'userspace', value: 'required', noHelper: true, noUtab: true, setting: SETTING.sizelimit });
def('encryption', { cls: 'userspace', value: 'required', noHelper: true, noUtab: true, setting: SETTING.refused });
def('nofail', { cls: 'userspace', noUtab: true, setting: SETTING.nofail });
def('uhelper', { cls: 'userspace', value: 'required' });
def('helper', { cls: 'userspace', value: 'required', setting: SETTING.helper });
for (const v of ['hashdevice', 'roothash', 'hashoffset', 'roothashfile', 'fecdevice', 'fecoffset', 'fecroots', 'roothashsig', 'oncorruption']) {
  def(`verity.${v}`, { cls: 'userspace', value: 'required', noHelper: true, noUtab: true, setting: SETTING.refused });
}

/** Look an option name up: exact match first, then the prefix entries (x-, X-). */
export function lookupOption(name: string): OptionDef | undefined {
  const d = defs.get(name);
  if (d) return d;
  for (const p of prefixes) if (name.startsWith(p.name)) return p;
  return undefined;
}

/** Every entry of the table, prefix entries included (for tests and docs). */
export function allOptions(): OptionDef[] {
  return [...defs.values(), ...prefixes];
}
