// One mount(8) request, start to finish: prepared in stages (prepare.ts: lookup, options, target,
// source, loop, types), planned (plan/), executed (exec/), and recorded in utab (record.ts).
import fs = require('fs');
import { planMount } from '../plan/planner';
import { Plan } from '../plan/types';
import { runPlan, ExecutorMode, executorFromEnv, StepError, ExecResult } from '../exec/run';
import { unpin } from '../exec/pin';
import { MountError, RequestError } from '../sys/error';
import { errnoNumber } from '../sys/errno';
import { O } from '../sys/constants';
import { osPath } from '../sys/bytes';
import { UtabUpdateError } from '../tables/utab';
import { MountFailure } from './errors';
import { Tables } from './tables';
import { withPrefix } from './paths';
import { prepare, Prepared, NofailSkip } from './prepare';
import { isAlreadyMounted } from './lookup';
import { MOUNTED_FIELDS } from './mount-table';
import { completeHelperUtab, moveUtab, recordFakeUtab, recordUtab } from './record';

export { isAlreadyMounted } from './lookup';

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
   * util-linux's MNT_OMODE_NOTAB: neither fstab nor the mount table completes the request. mount(8)
   * sets it for --bind, --rbind, --move (also -o move) without remount, and for --make-*; a bind
   * given as `-o bind` still looks its single argument up in fstab. Unset: decided from the options.
   */
  noTables?: boolean;
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

/** Build the Plan for a request without running it (for --fake and explain mode). */
export function planRequest(req: MountRequest, tables: Tables = new Tables()): Plan {
  const prep = prepare(req, tables);
  unpin(prep.pin);
  return planMount(prep.input);
}

/**
 * Mount as mount(8) would. Throws RequestError (a bad request: `code` says what) or MountFailure
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
  if (req.onlyOnce && isAlreadyMounted(tables.mountView(MOUNTED_FIELDS), input.source, input.target, { bind: prep.kind === 'bind' })) {
    throw new RequestError({ code: 'already-mounted' }, input.target);
  }
  const plan = planMount(input);
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
    return { kind: plan.kind, source: plan.source, target: plan.target, plan, fstype: input.types[0], messages: [], roFallback: false };
  }
  if (req.fake && plan.kind !== 'helper') {
    // --fake: everything but the kernel calls. A helper still runs (it gets -f), as util-linux does,
    // and utab gets its entry (there is no mount, so no ID): "-f" records mounts made by others.
    const utabError = plan.utabOptions && !req.noMtab ? recordFakeUtab(plan, tables) : undefined;
    return { kind: plan.kind, source: plan.source, target: plan.target, plan, fstype: input.types[0], messages: [], roFallback: false, utabError };
  }
  req.onTargetPinned?.(input.target);
  let r: ExecResult;
  try {
    r = runPlan(plan, { mode: req.executor ?? executorFromEnv(), targetFd: prep.pin?.fd,
      latePin: { noFollow: !!prep.targetNoFollow, keepSymlink: !!prep.targetKeepSymlink } });
  } catch (e) {
    if (e instanceof StepError) {
      // A loop device that cannot be set up is reported about the target as given: libmount sets it
      // up before it canonicalizes the target.
      const about = e.step.op === 'loop' ? prep.given ?? withPrefix(req.targetPrefix, req.target ?? input.target) : input.target;
      // X-mount.owner/group/mode failing leaves the mount in place ("filesystem was mounted, but failed
      // to change mode"): its utab entry is recorded as for any mount, as util-linux records it.
      if (e.mounted && e.step.op === 'owner' && plan.utabOptions && !req.noMtab && plan.kind !== 'helper') recordUtab(plan, e.result, tables);
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
  return { kind: plan.kind, source: r.loopDevice ?? plan.source, target: plan.target, plan, fstype: r.fstype, messages: r.messages, roFallback: r.roFallback,
    helperStatus: r.helperStatus, helperExecFailed: r.helperExecFailed, loopDevice: r.loopDevice, utabError };
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
