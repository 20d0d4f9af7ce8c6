// The Plan: what a request will do, as data. plan/ builds it without touching the
// system; exec/ carries it out through the fd-based API or mount(2).

/** A filesystem option as the filesystem receives it (quotes removed). */
export interface DataOption {
  key: string;
  value?: string;
}

/** Set up a loop device over a file; later steps use it as their source. */
export interface LoopStep {
  op: 'loop';
  file: string;
  offset: number;
  sizelimit: number;
  readOnly: boolean;
  /** loop=/dev/loopN: use this device. */
  device?: string;
}

/** Create a new filesystem instance and attach it (fsopen … move_mount, or mount(2)). */
export interface FsMountStep {
  op: 'fsmount';
  /** Types to try in order (one for -t TYPE; several for -t a,b or /proc/filesystems). */
  types: string[];
  /** True when the types are guesses: try each silently, go on after EINVAL/ENODEV. */
  guessing: boolean;
  /** The source; with `sourceFromLoop` the loop device set up by the previous step replaces it. */
  source?: string;
  sourceFromLoop: boolean;
  target: string;
  data: DataOption[];
  /** Superblock flags for fsconfig(SET_FLAG): sync, dirsync, lazytime, mand … (ro is `readOnly`). */
  sbFlags: readonly string[];
  /** Superblock read-only (fsconfig "ro"), from ro or ro=fs. */
  sbReadOnly: boolean;
  attrSet: number;
  attrClr: number;
  recursiveSet: number;
  recursiveClr: number;
  /** mount(2) flags for the fallback executor (MS_RDONLY, MS_NOSUID …). */
  msFlags: number;
  /** mount(2) data string for the fallback executor. */
  dataString: string;
  exclusive: boolean;
  beneath: boolean;
  /** Retry read-only on EROFS/EACCES (not with -w, ro, or for remounts). */
  roFallback: boolean;
  /** X-mount.subdir: attach this directory of the new filesystem instead of its root. */
  subdir?: string;
  /** X-mount.idmap: the ID mapping (or a user-namespace path) for an idmapped mount. */
  idmap?: string;
  /**
   * /sbin/mount.TYPE helpers for types of a list (fstab "a,b,c" or -t a,b,c): trying such a type
   * runs its helper instead of the kernel, and whatever the helper does ends the list (libmount).
   */
  helpers?: Record<string, HelperStep>;
}

export interface BindStep {
  op: 'bind';
  source: string;
  target: string;
  recursive: boolean;
  attrSet: number;
  attrClr: number;
  recursiveSet: number;
  recursiveClr: number;
  /** Per-mount MS_* flags for mount(2)'s second call (MS_REMOUNT|MS_BIND|flags), 0 when none. */
  msFlags: number;
  beneath: boolean;
  idmap?: string;
  /** X-mount.nocanonicalize(=source): a symlink source is bound itself, not what it points to. */
  noFollow?: boolean;
}

export interface MoveStep {
  op: 'move';
  source: string;
  target: string;
  beneath: boolean;
  /** Per-mount flags set and cleared on the moved mount (--move -o ro); others are kept. */
  attrSet: number;
  attrClr: number;
}

/** Remount: reconfigure the superblock, then reset per-mount flags (fspick … mount_setattr, or MS_REMOUNT). */
export interface ReconfigureStep {
  op: 'reconfigure';
  source?: string;
  target: string;
  fstype?: string;
  data: DataOption[];
  sbFlags: readonly string[];
  sbReadOnly: boolean;
  attrSet: number;
  attrClr: number;
  recursiveSet: number;
  recursiveClr: number;
  msFlags: number;
  dataString: string;
}

/** Change per-mount flags only (remount,bind,…). */
export interface SetAttrStep {
  op: 'setattr';
  target: string;
  attrSet: number;
  attrClr: number;
  recursiveSet: number;
  recursiveClr: number;
  msFlags: number;
}

export interface PropagateStep {
  op: 'propagate';
  target: string;
  /** MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, with MS_REC for the r-forms. */
  flags: number;
  /** The mount at the target is a symlink bound itself (X-mount.nocanonicalize): reached without following it. */
  noFollow?: boolean;
}

export interface HelperStep {
  op: 'helper';
  program: string;
  argv: string[];
}

export interface MkdirStep {
  op: 'mkdir';
  path: string;
  mode: number;
}

export interface OwnerStep {
  op: 'owner';
  target: string;
  uid?: number;
  gid?: number;
  mode?: number;
}

export type Step = LoopStep | FsMountStep | BindStep | MoveStep | ReconfigureStep | SetAttrStep | PropagateStep
  | HelperStep | MkdirStep | OwnerStep;

export type MountKind = 'mount' | 'bind' | 'move' | 'remount' | 'propagation' | 'helper';

export interface Plan {
  kind: MountKind;
  source?: string;
  target: string;
  steps: Step[];
  /** userspace options to record in utab after success ("" = no entry). */
  utabOptions: string;
  /** The target is opened without following a final symlink (-c, X-mount.nocanonicalize): for explain. */
  targetNoFollow?: boolean;
}
