// Carries out a Plan: each step through the fd-based API (default) or mount(2), with
// fallback on ENOSYS, the read-only retry, type guessing, and undo on failure.
import fs = require('fs');
import { Plan, Step, FsMountStep, HelperStep } from '../plan/types';
import { MountError } from '../sys/error';
import { E, errnoNumber } from '../sys/errno';
import { MNT, MOUNT_ATTR, O } from '../sys/constants';
import { sysUmount2, sideEffect, recordNote, isRecording, sysOpen, closeFd } from '../sys/syscalls';
import { fdExecutor } from './fd';
import { legacyExecutor } from './legacy';
import { Executor, ExecContext } from './executor';
import { FSCONFIG_VALUE_MAX, OVERLAY_DIR_KEYS } from './overlay-layers';
import { runHelper } from './helper';
import { attachLoop, releaseLoop, AttachedLoop } from '../devices/loop';
import { pinTargetBy, unpin, PinnedTarget, PinRule } from './pin';
import { osPath, quoted } from '../sys/bytes';

export type ExecutorMode = 'auto' | 'fd' | 'mount2';

/** TSMOUNT_FORCE_MOUNT2 (or util-linux's LIBMOUNT_FORCE_MOUNT2): always → mount(2), never → fd-based only. */
let envMode: ExecutorMode | undefined;
export function executorFromEnv(env?: NodeJS.ProcessEnv): ExecutorMode {
  // Read once per process unless an environment is passed (mount -a asks for every entry).
  if (!env && envMode) return envMode;
  const e = env ?? process.env;
  const v = e.TSMOUNT_FORCE_MOUNT2 ?? e.LIBMOUNT_FORCE_MOUNT2;
  const mode: ExecutorMode = v === 'always' ? 'mount2' : v === 'never' ? 'fd' : 'auto';
  if (!env) envMode = mode;
  return mode;
}


export interface ExecOptions {
  mode?: ExecutorMode;
  /** Called once per step before it runs (for -v explain/trace). */
  onStep?: (step: Step) => void;
  helperTimeoutMs?: number;
  /** The target, opened (O_PATH) when it was checked: new mounts, binds and moves are attached to it. */
  targetFd?: number;
  /** How a target that X-mount.mkdir creates is pinned then, as an existing one was (default: follow). */
  latePin?: PinRule;
}

export interface ExecResult {
  /** Kernel warnings and infos ("w …", "i …"). */
  messages: string[];
  /** The source was write-protected and was mounted read-only instead. */
  roFallback: boolean;
  /** The helper's exit status when a helper did the mount. */
  helperStatus?: number;
  /** The helper program that could not be executed (status 126). */
  helperExecFailed?: string;
  /** The loop device the mount uses, when one was set up or reused. */
  loopDevice?: string;
  /** The type that was mounted (the one that worked when several were tried). */
  fstype?: string;
}

/** A step failed; `mounted` tells whether the filesystem had already been attached. */
export class StepError extends Error {
  constructor(override readonly cause: MountError, readonly step: Step, readonly mounted: boolean, readonly result: ExecResult) {
    super(cause.message);
    this.name = 'StepError';
  }
}

/**
 * A value fsconfig would refuse (it copies strings with strndup_user(value, 256)): this mount goes
 * through mount(2). An overlay's long layer list and directories are no such value: the fd-based
 * executor sends them layer by layer, or as fds (exec/overlay-layers.ts).
 */
export function needsLegacy(step: FsMountStep, type: string): boolean {
  const overlay = type === 'overlay';
  return step.data.some((d) => (Buffer.byteLength(d.value ?? '') > FSCONFIG_VALUE_MAX
    && !(overlay && (d.key === 'lowerdir' || OVERLAY_DIR_KEYS.has(d.key)))) || Buffer.byteLength(d.key) > FSCONFIG_VALUE_MAX)
    || Buffer.byteLength(step.source ?? '') > FSCONFIG_VALUE_MAX;
}

/** Run a step with the fd-based executor, or mount(2)'s when forced or when the kernel lacks the new API. */
function dispatch(mode: ExecutorMode, run: (ex: Executor) => void): void {
  if (mode === 'mount2') return run(legacyExecutor);
  try {
    run(fdExecutor);
  } catch (e) {
    if (mode === 'auto' && e instanceof MountError && e.errno === E.ENOSYS) run(legacyExecutor);
    else throw e;
  }
}

/** Run a helper step; its exit status (and an exec failure) go into the result. */
function helper(step: HelperStep, result: ExecResult, timeoutMs?: number): void {
  const h = runHelper(step.program, step.argv, timeoutMs);
  result.helperStatus = h.status;
  if (h.execFailed) result.helperExecFailed = step.program;
}

/** Returns true when the kernel attached a new mount (false when a helper of the type list ran). */
function newMount(step: FsMountStep, source: string | undefined, mode: ExecutorMode, x: ExecContext, result: ExecResult,
  opts: ExecOptions): boolean {
  let lastError: MountError | undefined;
  for (const [i, type] of step.types.entries()) {
    const m: ExecutorMode = mode === 'auto' && needsLegacy(step, type) ? 'mount2' : mode;
    if (m !== mode) recordNote('# an option value of 256 bytes or more: fsconfig() refuses it, mount(2) is used');
    // A dry run goes through every type the list would try.
    if (i > 0) recordNote('# on EINVAL or ENODEV, the next type:');
    const h = step.helpers?.[type];
    if (h) {
      // libmount: a type with a helper is handed to it, and the helper's run ends the list.
      helper(h, result, opts.helperTimeoutMs);
      recordNote('# the helper ends the list');
      return false;
    }
    // The read-only retry makes the mount read-only too, not only the superblock: util-linux
    // 2.42's new-API retry leaves the mount "rw" over an "ro" superblock.
    const tryOnce = (ro: boolean): void => {
      const s = ro && !step.sbReadOnly
        ? { ...step, sbReadOnly: true, attrSet: step.attrSet | MOUNT_ATTR.RDONLY, attrClr: step.attrClr & ~MOUNT_ATTR.RDONLY } : step;
      dispatch(m, (ex) => ex.newMount(s, type, source, s.sbReadOnly, x));
    };
    try {
      try {
        tryOnce(step.sbReadOnly);
      } catch (e) {
        // A write-protected source: retry read-only (util-linux's RO fallback).
        if (step.roFallback && e instanceof MountError && (e.errno === E.EROFS || e.errno === E.EACCES
          || (e.errno === E.EBUSY && readOnlyDevice(source)))) {
          tryOnce(true);
          result.roFallback = true;
        } else throw e;
      }
      result.fstype ??= type;
      if (isRecording() && i < step.types.length - 1) continue;
      return true;
    } catch (e) {
      if (!(e instanceof MountError)) throw e;
      lastError = e;
      if (!step.guessing || (e.errno !== E.EINVAL && e.errno !== E.ENODEV)) throw e;
    }
  }
  throw lastError ?? new MountError({ syscall: 'fsopen', errno: E.ENODEV, source, target: step.target });
}

/** A block device the kernel marks read-only (a loop device attached read-only, a write-protected disk). */
function readOnlyDevice(source: string | undefined): boolean {
  const m = source ? /^\/dev\/([^/]+)$/.exec(source) : null;
  if (!m) return false;
  try {
    return fs.readFileSync(`/sys/class/block/${m[1]}/ro`, 'utf8').trim() === '1';
  } catch {
    return false;
  }
}

/**
 * Create the target and its missing parents with `mode` (X-mount.mkdir), as mkdir -p and
 * util-linux's ul_mkdir_p do: component by component of the path as written, so `x/../y/z`
 * creates x, then y and z, and the kernel's walk of the same path then finds every component.
 */
function mkdirP(p: string, mode: number): void {
  sideEffect(() => `mkdir(${quoted(p)}, 0${mode.toString(8)})  # and its missing parents`, () => mkdirEach(p, mode), undefined);
}

function mkdirEach(p: string, mode: number): void {
  const parts = p.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const d = parts.slice(0, i).join('/');
    if (d === '' || parts[i - 1] === '' || parts[i - 1] === '.' || parts[i - 1] === '..') continue;
    try {
      fs.mkdirSync(osPath(d), { mode });
      fs.chmodSync(osPath(d), mode); // the umask does not narrow the mode asked for
    } catch (e) {
      // Already there — a directory, or something else (a dangling symlink): as mkdir -p and
      // util-linux's mkdir hook, not an error here; the mount call says what it thinks of it.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Execute a plan. On failure undoes what this run did (loop device, a mount whose later step failed). */
export function runPlan(plan: Plan, options: ExecOptions = {}): ExecResult {
  let opts = options;
  const mode = opts.mode ?? 'auto';
  const result: ExecResult = { messages: [], roFallback: false };
  const x = (): ExecContext => ({ targetFd: opts.targetFd, messages: result.messages });
  let loop: AttachedLoop | undefined;
  let latePin: PinnedTarget | undefined;
  let mounted = false;
  let failed = true;
  try {
    for (const step of plan.steps) {
      opts.onStep?.(step);
      try {
        switch (step.op) {
          case 'mkdir':
            mkdirP(step.path, step.mode);
            // The target exists only now: pin it before anything is attached to it.
            if (opts.targetFd === undefined) {
              latePin = pinTargetBy(step.path, opts.latePin ?? { noFollow: false, keepSymlink: false });
              if (latePin) opts = { ...opts, targetFd: latePin.fd };
            }
            break;
          case 'loop':
            loop = attachLoop(step.file, step);
            result.loopDevice = loop.device;
            break;
          case 'fsmount':
            mounted = newMount(step, step.sourceFromLoop && loop ? loop.device : step.source, mode, x(), result, opts)
              || result.helperStatus === 0;
            break;
          case 'bind':
            dispatch(mode, (ex) => ex.bind(step, x()));
            mounted = true;
            break;
          case 'move':
            dispatch(mode, (ex) => ex.move(step, x()));
            mounted = true;
            break;
          case 'reconfigure':
            dispatch(mode, (ex) => ex.reconfigure(step, x()));
            mounted = true;
            break;
          case 'setattr':
            dispatch(mode, (ex) => ex.setAttr(step, x()));
            break;
          case 'propagate':
            dispatch(mode, (ex) => ex.propagate(step, x()));
            break;
          case 'helper':
            helper(step, result, opts.helperTimeoutMs);
            mounted = result.helperStatus === 0;
            break;
          case 'owner':
            changeOwner(step.target, step.uid, step.gid, step.mode);
            break;
        }
      } catch (e) {
        const me = e instanceof MountError ? e : toMountError(e, step);
        // What this run attached is taken down again (below): report it as not mounted.
        // X-mount.owner/group/mode failing leaves the mount in place, as util-linux does ("filesystem
        // was mounted, but failed to change mode"): the mount itself is complete and said so.
        const keep = step.op === 'owner';
        if (keep) failed = false;
        throw new StepError(me, step, mounted && (keep || !undoable(plan)), result);
      }
      // A helper that failed ends the plan: nothing was mounted for the later steps to work on.
      if (result.helperStatus !== undefined && result.helperStatus !== 0) break;
    }
    failed = false;
    return result;
  } finally {
    unpin(latePin);
    if (loop) releaseLoop(loop, failed && !mounted);
    // A new mount or bind whose follow-up (propagation, owner, mode) failed is taken down again:
    // nothing half-done.
    if (failed && mounted && undoable(plan)) {
      try {
        sysUmount2(plan.target, MNT.DETACH);
      } catch {
        /* best effort */
      }
    }
  }
}

/** Mounts this run creates can be undone; a move or a remount changed something that already existed. */
function undoable(plan: Plan): boolean {
  // Beneath the top mount, the target's topmost mount is the one that was there before: not ours to take down.
  const beneath = plan.steps.some((s) => (s.op === 'fsmount' || s.op === 'bind' || s.op === 'move') && s.beneath);
  return (plan.kind === 'mount' || plan.kind === 'bind') && !beneath;
}

/**
 * X-mount.owner/group/mode on the new mount, as libmount's hook_owner: the target is opened once
 * (O_PATH, following it: the mount's root may be a symlink bound itself), and a target that cannot
 * be opened is a failure "to change mode"; then chown and chmod of that descriptor.
 */
function changeOwner(target: string, uid: number | undefined, gid: number | undefined, mode: number | undefined): void {
  let fd: number;
  try {
    fd = sysOpen(target, O.PATH | O.CLOEXEC);
  } catch (e) {
    (e as NodeJS.ErrnoException).syscall = 'chmod';
    throw e;
  }
  // Through /proc/self/fd/N: Node has no fchownat(AT_EMPTY_PATH), and fchown(2) refuses an O_PATH fd.
  const self = `/proc/self/fd/${fd}`;
  try {
    if (uid !== undefined || gid !== undefined) {
      sideEffect(() => `chown(${quoted(self)}, ${uid ?? -1}, ${gid ?? -1})`, () => fs.chownSync(self, uid ?? -1, gid ?? -1), undefined);
    }
    if (mode !== undefined) {
      sideEffect(() => `chmod(${quoted(self)}, 0${mode.toString(8)})`, () => fs.chmodSync(self, mode), undefined);
    }
  } finally {
    closeFd(fd);
  }
}

function toMountError(e: unknown, step: Step): MountError {
  // Only errors that carry an errno become MountErrors; anything else is a defect and goes up as it is.
  const err = e as NodeJS.ErrnoException;
  const errno = typeof err?.errno === 'number' ? Math.abs(err.errno) : typeof err?.code === 'string' ? errnoNumber(err.code) : undefined;
  if (errno === undefined) throw e;
  return new MountError({ syscall: err.syscall ?? step.op, errno, target: 'target' in step ? step.target : undefined });
}

