// The pure planning core: a request whose tables are already read and whose devices
// are already resolved becomes a Plan. No syscalls, no clock, no environment.
import { ResolvedOptions } from '../options/resolve';
import { optionValue, OptionItem } from '../options/parse';
import { helperOptionString, utabOptionString } from '../options/render';
import { MS } from '../sys/constants';
import { DataOption, Plan, Step } from './types';

export interface PlanInput {
  source?: string;
  target: string;
  /** Types to try, in order; empty when the operation needs none (bind, move, propagation, remount). */
  types: string[];
  /** The types are guesses (from a -t list/pattern or /proc/filesystems): try each with MS_SILENT. */
  guessing: boolean;
  options: ResolvedOptions;
  /** Path of /sbin/mount.TYPE when a helper will do the mount. */
  helper?: string;
  /** The type as given to the helper (for its -t argument). */
  helperType?: string;
  sloppy?: boolean;
  fake?: boolean;
  noMtab?: boolean;
  verbose?: boolean;
  /** Set up a loop device over `source` first. */
  loop?: { offset: number; sizelimit: number; device?: string };
  exclusive?: boolean;
  beneath?: boolean;
  /** -w / --rw: never fall back to read-only. */
  rwOnly?: boolean;
  /** X-mount.mkdir: create the target (and parents) with this mode first. */
  mkdirMode?: number;
  /** X-mount.owner/group/mode: applied to the root of the new mount. */
  owner?: { uid?: number; gid?: number; mode?: number };
  /** Remount of a mount of this type (from the mount table). */
  fstype?: string;
  /** X-mount.subdir value. */
  subdir?: string;
  /** X-mount.idmap value. */
  idmap?: string;
}

/** Filesystem options as fsconfig receives them. */
export function dataOptions(items: readonly OptionItem[]): DataOption[] {
  return items.map((it) => ({ key: it.name, value: optionValue(it) }));
}

/** The mount(2) data string: quotes removed unless the value holds a comma. */
export function dataString(data: readonly DataOption[]): string {
  return data.map((d) => (d.value === undefined ? d.key : `${d.key}=${d.value.includes(',') ? `"${d.value}"` : d.value}`)).join(',');
}

const PER_MOUNT_MS = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME | MS.RELATIME
  | MS.STRICTATIME | MS.NOSYMFOLLOW;

function propagationSteps(target: string, o: ResolvedOptions): Step[] {
  return o.propagation.map((flags) => ({ op: 'propagate' as const, target, flags }));
}

/** Plan one mount(8) request. Throws nothing: everything it needs was checked by the caller. */
export function planMount(input: PlanInput): Plan {
  const o = input.options;
  const target = input.target;
  const steps: Step[] = [];
  const utabOptions = input.noMtab ? '' : utabOptionString(o.items);
  const sbReadOnly = o.readOnly && o.roScope !== 'vfs';

  if (input.mkdirMode !== undefined) steps.push({ op: 'mkdir', path: target, mode: input.mkdirMode });

  if (o.move) {
    steps.push({ op: 'move', source: input.source ?? '', target, beneath: !!input.beneath });
    steps.push(...propagationSteps(target, o));
    return { kind: 'move', source: input.source, target, steps, utabOptions: '' };
  }

  if (o.remount) {
    if (o.bind) {
      steps.push({ op: 'setattr', target, attrSet: o.attrSet, attrClr: o.attrClr, recursiveSet: o.recursiveSet,
        recursiveClr: o.recursiveClr, msFlags: o.msFlags & PER_MOUNT_MS });
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

  if (o.bind) {
    steps.push({
      op: 'bind', source: input.source ?? '', target, recursive: o.rbind, attrSet: o.attrSet, attrClr: o.attrClr,
      recursiveSet: o.recursiveSet, recursiveClr: o.recursiveClr, msFlags: o.msFlags & PER_MOUNT_MS,
      beneath: !!input.beneath, ...defined({ idmap: input.idmap }),
    });
    steps.push(...propagationSteps(target, o));
    addOwner(steps, target, input);
    return { kind: 'bind', source: input.source, target, steps, utabOptions };
  }

  // Propagation only: no source (or "none") and nothing but propagation flags.
  if (o.propagation.length && input.types.length === 0 && !input.helper && (input.source === undefined || input.source === 'none')) {
    steps.push(...propagationSteps(target, o));
    return { kind: 'propagation', target, steps, utabOptions: '' };
  }

  if (input.helper) {
    const argv = [input.source ?? 'none', target];
    if (input.sloppy) argv.push('-s');
    if (input.fake) argv.push('-f');
    if (input.noMtab) argv.push('-n');
    if (input.verbose) argv.push('-v');
    argv.push('-o', helperOptionString(o.items, o.readOnly));
    const t = input.helperType;
    if (t && t.includes('.') && !input.helper.endsWith(t)) argv.push('-t', t);
    steps.push({ op: 'helper', program: input.helper, argv });
    steps.push(...propagationSteps(target, o));
    return { kind: 'helper', source: input.source, target, steps, utabOptions: '' };
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
    roFallback: !o.readOnly && !input.rwOnly, ...defined({ subdir: input.subdir, idmap: input.idmap }),
  });
  steps.push(...propagationSteps(target, o));
  addOwner(steps, target, input);
  return { kind: 'mount', source: input.source, target, steps, utabOptions };
}

/** Only the keys whose value is set: plans stay free of `undefined` fields. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function addOwner(steps: Step[], target: string, input: PlanInput): void {
  const ow = input.owner;
  if (ow && (ow.uid !== undefined || ow.gid !== undefined || ow.mode !== undefined)) {
    steps.push({ op: 'owner', target, uid: ow.uid, gid: ow.gid, mode: ow.mode });
  }
}
