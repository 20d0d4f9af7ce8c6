// The pure planning core: a request whose tables are already read and whose devices
// are already resolved becomes a Plan. No syscalls, no clock, no environment.
import { ResolvedOptions } from '../options/resolve';
import { optionValue, OptionItem } from '../options/parse';
import { helperOptionString, utabOptionString } from '../options/render';
import { MS_PER_MOUNT } from '../sys/constants';
import { MountSettings } from '../options/setting-specs';
import { DataOption, HelperStep, Plan, Step } from './types';
import { RequestKind } from './kind';

export interface PlanInput {
  /** What the request does, decided once (plan/kind.ts). */
  kind: RequestKind;
  source?: string;
  target: string;
  /** Types to try, in order; empty when the operation needs none (bind, move, propagation, remount). */
  types: string[];
  /** The types are guesses (from a -t list/pattern or /proc/filesystems): try each with MS_SILENT. */
  guessing: boolean;
  options: ResolvedOptions;
  /** Path of /sbin/mount.TYPE when a helper will do the mount. */
  helper?: string;
  /** Helpers found for types of a list (type → /sbin/mount.TYPE), tried in the list's order. */
  listHelpers?: Record<string, string>;
  /** The type as given to the helper (for its -t argument). */
  helperType?: string;
  sloppy?: boolean;
  fake?: boolean;
  noMtab?: boolean;
  verbose?: boolean;
  /** The source is a loop device already set up for the same file (no new one, no loop in utab). */
  loopReused?: boolean;
  /** Set up a loop device over `source` first. */
  loop?: { offset: number; sizelimit: number; device?: string };
  exclusive?: boolean;
  beneath?: boolean;
  /** -w / --rw: never fall back to read-only. */
  rwOnly?: boolean;
  /** Remount of a mount of this type (from the mount table). */
  fstype?: string;
  /** What the userspace options ask for (X-mount.mkdir, owner, subdir, idmap, nocanonicalize …). */
  settings: MountSettings;
}

/** Filesystem options as fsconfig receives them. */
export function dataOptions(items: readonly OptionItem[]): DataOption[] {
  return items.map((it) => ({ key: it.name, value: optionValue(it) }));
}

/** The mount(2) data string: quotes removed unless the value holds a comma. */
export function dataString(data: readonly DataOption[]): string {
  return data.map((d) => (d.value === undefined ? d.key : `${d.key}=${d.value.includes(',') ? `"${d.value}"` : d.value}`)).join(',');
}

function propagationSteps(target: string, o: ResolvedOptions, noFollow = false): Step[] {
  return o.propagation.map((flags) => ({ op: 'propagate' as const, target, flags, ...defined({ noFollow: noFollow || undefined }) }));
}

/** Plan one mount(8) request. Throws nothing: everything it needs was checked by the caller. */
export function planMount(input: PlanInput): Plan {
  const o = input.options;
  const target = input.target;
  const steps: Step[] = [];
  const utabOptions = input.noMtab ? '' : utabOptionString(o.items, input.loop !== undefined || !!input.loopReused);
  const sbReadOnly = o.readOnly && o.roScope !== 'vfs';

  const set = input.settings;
  // A propagation change acts on a mount that is there: nothing to create.
  if (set.mkdir && input.kind !== 'propagation') steps.push({ op: 'mkdir', path: target, mode: set.mkdir.mode });

  if (input.kind === 'move') {
    // --move -o ro (util-linux 2.42): per-mount flags applied to the moved mount.
    steps.push({ op: 'move', source: input.source ?? '', target, beneath: !!input.beneath, attrSet: o.attrSet, attrClr: o.attrClr });
    steps.push(...propagationSteps(target, o));
    return { kind: 'move', source: input.source, target, steps, utabOptions: '' };
  }

  if (input.kind === 'remount') {
    if (o.bind) {
      steps.push({ op: 'setattr', target, attrSet: o.attrSet, attrClr: o.attrClr, recursiveSet: o.recursiveSet,
        recursiveClr: o.recursiveClr, msFlags: o.msFlags & MS_PER_MOUNT });
    } else {
      const data = dataOptions(o.data);
      steps.push({
        op: 'reconfigure', source: input.source, target, fstype: input.fstype, data, sbFlags: o.sbFlags, sbReadOnly,
        attrSet: o.attrSet, attrClr: o.attrClr, recursiveSet: o.recursiveSet, recursiveClr: o.recursiveClr,
        msFlags: o.msFlags, dataString: dataString(data),
      });
    }
    steps.push(...propagationSteps(target, o));
    return { kind: 'remount', source: input.source, target, steps, utabOptions };
  }

  if (input.kind === 'bind') {
    steps.push({
      op: 'bind', source: input.source ?? '', target, recursive: o.rbind, attrSet: o.attrSet, attrClr: o.attrClr,
      recursiveSet: o.recursiveSet, recursiveClr: o.recursiveClr, msFlags: o.msFlags & MS_PER_MOUNT,
      beneath: !!input.beneath, ...defined({ idmap: set.idmap, noFollow: set.noCanonicalize?.source || undefined }),
    });
    // A symlink bound itself is the new mount's root: its propagation is set without following it.
    steps.push(...propagationSteps(target, o, !!set.noCanonicalize?.source));
    addOwner(steps, target, input);
    return { kind: 'bind', source: input.source, target, steps, utabOptions };
  }

  // Propagation only: no source (or "none") and nothing but propagation flags.
  if (input.kind === 'propagation') {
    steps.push(...propagationSteps(target, o));
    return { kind: 'propagation', target, steps, utabOptions: '' };
  }

  if (input.helper) {
    steps.push(helperStep(input, input.helper, input.helperType));
    steps.push(...propagationSteps(target, o));
    return { kind: 'helper', source: input.source, target, steps, utabOptions };
  }

  if (input.loop) {
    steps.push({ op: 'loop', file: input.source ?? '', offset: input.loop.offset, sizelimit: input.loop.sizelimit,
      readOnly: o.readOnly, device: input.loop.device });
  }
  const data = dataOptions(o.data);
  steps.push({
    op: 'fsmount', types: input.types, guessing: input.guessing, source: input.source, sourceFromLoop: !!input.loop,
    target, data, sbFlags: o.sbFlags, sbReadOnly, attrSet: o.attrSet, attrClr: o.attrClr,
    recursiveSet: o.recursiveSet, recursiveClr: o.recursiveClr, msFlags: o.msFlags, dataString: dataString(data),
    exclusive: !!input.exclusive, beneath: !!input.beneath,
    roFallback: !o.readOnly && !input.rwOnly, ...defined({ subdir: set.subdir, idmap: set.idmap, helpers: listHelperSteps(input) }),
  });
  steps.push(...propagationSteps(target, o));
  addOwner(steps, target, input);
  return { kind: 'mount', source: input.source, target, steps, utabOptions };
}

/** /sbin/mount.TYPE SOURCE TARGET [-sfnv] -o OPTIONS [-t TYPE] as util-linux calls it. */
function helperStep(input: PlanInput, program: string, type: string | undefined): HelperStep {
  const o = input.options;
  const argv = [input.source ?? 'none', input.target];
  if (input.sloppy) argv.push('-s');
  if (input.fake) argv.push('-f');
  if (input.noMtab) argv.push('-n');
  if (input.verbose) argv.push('-v');
  argv.push('-o', helperOptionString(o.items, o.readOnly));
  if (type && type.includes('.') && !program.endsWith(type)) argv.push('-t', type);
  return { op: 'helper', program, argv };
}

function listHelperSteps(input: PlanInput): Record<string, HelperStep> | undefined {
  if (!input.listHelpers) return undefined;
  const out: Record<string, HelperStep> = {};
  for (const [type, program] of Object.entries(input.listHelpers)) out[type] = helperStep(input, program, type);
  return Object.keys(out).length ? out : undefined;
}

/** Only the keys whose value is set: plans stay free of `undefined` fields. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function addOwner(steps: Step[], target: string, input: PlanInput): void {
  const { ownerUid: uid, ownerGid: gid, rootMode: mode } = input.settings;
  if (uid !== undefined || gid !== undefined || mode !== undefined) steps.push({ op: 'owner', target, uid, gid, mode });
}
