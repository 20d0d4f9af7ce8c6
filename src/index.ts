// tsmount as a library: mount, bind, move, remount, propagation, unmount and listing,
// typed, with structured errors. The tsmount/tsumount commands are clients of this module.
import { mountRequest as runMountRequest, MountRequest, MountResult, planRequest, isAlreadyMounted } from './lib/mount';
import { HelperFailure, isNothingToUnmount } from './lib/errors';
import { findMountById, MountIdSpec } from './lib/by-id';
import { idmapsOf, MountIdmaps } from './lib/idmaps';
import { umountById as umountByIdImpl } from './lib/umount';
import { parseSize } from './options/size';
import { umountSpec, umountRecursive, UmountRequest, UmountResult, findMountFor } from './lib/umount';
import { listMounts as listMountsImpl, ListedMount, ListRequest } from './lib/list';
import { Tables } from './lib/tables';
import { readMountTable } from './lib/mount-table';
import { MountTable, MountEntry, parseMountinfo, mergedOptions, propagationOf } from './tables/mountinfo';
import { parseFstab, formatFstabEntry, Fstab, FstabEntry } from './tables/fstab';
import { parseOptions as parseOptionString, OptionItem, formatOptions } from './options/parse';
import { resolveOptions, ResolvedOptions } from './options/resolve';
import { lookupOption, allOptions, OptionDef } from './options/table';
import { scoped, tempScoped, runScoped, ScopeOps, ScopedMount, TempMount } from './lib/scoped';
import { escapeLayer } from './api/overlay';

export { MountError, RequestError } from './sys/error';
export type { RequestErrorCode, RequestProblem } from './sys/error';
export { MountFailure, UmountFailure, HelperFailure } from './lib/errors';
export { UtabUpdateError } from './tables/utab';
export { MountinfoParseError } from './tables/mountinfo';
export { Tables, MountTable, parseMountinfo, parseFstab, formatFstabEntry, mergedOptions, propagationOf, resolveOptions,
  lookupOption, allOptions, formatOptions, planRequest, isAlreadyMounted, parseSize, findMountFor };
export type { MountRequest, MountResult, UmountRequest, UmountResult, ListedMount, ListRequest, MountEntry, Fstab, FstabEntry,
  OptionItem, ResolvedOptions, OptionDef };
export type { Plan, Step } from './plan/types';
export type { MountIdSpec } from './lib/by-id';
export { watchMounts, waitForMount, diffTables } from './lib/watch';
export type { MountEvent, MountAction, WatchOptions, WatchSource } from './lib/watch';
export type { MountIdmaps } from './lib/idmaps';
export { IdmapsUnavailable } from './lib/idmaps';
export type { ScopedMount, TempMount } from './lib/scoped';

/** Options shared by the convenience functions. */
export interface CommonOptions {
  /** Comma-separated mount options, or a list of them. */
  options?: string | string[];
  /** Force the classic mount(2) executor ('mount2') or the fd-based one ('fd'); default 'auto'. */
  executor?: MountRequest['executor'];
  /** Don't record userspace options in utab. */
  noMtab?: boolean;
}

/**
 * Run a mount request (what `mount(8)` does with its arguments). A helper program that fails
 * throws HelperFailure; kernel failures throw MountFailure, bad requests RequestError (its `code` says what).
 */
export function mountRequest(req: MountRequest, tables?: Tables): MountResult {
  const r = runMountRequest(req, tables);
  if (r.helperStatus) {
    const program = r.helperExecFailed ?? r.plan.steps.find((s): s is Extract<typeof s, { op: 'helper' }> => s.op === 'helper')?.program ?? 'helper';
    throw new HelperFailure(program, r.helperStatus, r.target, r.helperExecFailed !== undefined);
  }
  return r;
}

function opts(o: string | string[] | undefined): string[] {
  if (o === undefined) return [];
  return typeof o === 'string' ? [o] : o;
}

/** Mount `source` of `type` on `target` (like `mount -t type -o options source target`). */
export function mount(source: string, target: string, type?: string, o: CommonOptions = {}): MountResult {
  return mountRequest({ source, target, types: type, options: opts(o.options), executor: o.executor, noMtab: o.noMtab });
}

/** Bind `source` on `target`; `recursive` = rbind; read-only binds are atomic with the fd-based API. */
export function bind(source: string, target: string, o: CommonOptions & { recursive?: boolean; readOnly?: boolean } = {}): MountResult {
  const list = [o.recursive ? 'rbind' : 'bind', ...(o.readOnly ? ['ro'] : []), ...opts(o.options)];
  return mountRequest({ source, target, options: list, executor: o.executor, noMtab: o.noMtab });
}

/** Move the mount at `source` to `target`. */
export function move(source: string, target: string, o: Omit<CommonOptions, 'options'> = {}): MountResult {
  return mountRequest({ source, target, options: ['move'], executor: o.executor });
}

/**
 * Remount `target` with `options` added to its current ones (from fstab, else the mount table),
 * as `mount -o remount,OPTIONS target` does: data options such as size= are kept.
 */
export function remount(target: string, o: CommonOptions & { bindOnly?: boolean } = {}): MountResult {
  return mountRequest({ target, options: ['remount', ...(o.bindOnly ? ['bind'] : []), ...opts(o.options)], executor: o.executor });
}

export type Propagation = 'shared' | 'slave' | 'private' | 'unbindable';

/** Change the propagation of the mount at `target` (recursively with `recursive`). */
export function setPropagation(target: string, propagation: Propagation, o: { recursive?: boolean; executor?: MountRequest['executor'] } = {}): MountResult {
  return mountRequest({ target, options: [`${o.recursive ? 'r' : ''}${propagation}`], executor: o.executor });
}

/**
 * Unmount `target` (a mount point, a source, or a loop-backing file). `graceful`: nothing mounted
 * there, or no such path, is no error (returns []), as `tsumount -g`.
 */
export function umount(target: string, o: UmountRequest & { recursive?: boolean; graceful?: boolean } = {}): UmountResult[] {
  if (o.graceful) {
    // Nothing mounted there (or no such path): nothing unmounted, no error (tsumount -g).
    try {
      return umount(target, { ...o, graceful: false });
    } catch (e) {
      if (isNothingToUnmount(e)) return [];
      throw e;
    }
  }
  const tables = new Tables();
  if (o.recursive) {
    const done: UmountResult[] = [];
    umountRecursive(target, o, tables, (r) => done.push(checkedUmount(r)));
    return done;
  }
  return [checkedUmount(umountSpec(target, o, tables))];
}

function checkedUmount(r: UmountResult): UmountResult {
  if (r.helperStatus) throw new HelperFailure(r.helperExecFailed ?? r.helper ?? 'umount helper', r.helperStatus, r.target, r.helperExecFailed !== undefined);
  return r;
}

const scopeOps: ScopeOps = { mount: mountRequest, umount };

/**
 * Mount `source` of `type` on `target` for the length of a scope: `using m = mountScoped(...)`
 * unmounts it (recursively) when the block is left, an exception included. Where the runtime has no
 * Symbol.dispose, call m.unmount() or use withMount().
 */
export function mountScoped(source: string, target: string, type?: string, o: CommonOptions = {}): ScopedMount {
  return scoped(scopeOps, { source, target, types: type, options: opts(o.options), executor: o.executor, noMtab: o.noMtab });
}

/** mountScoped() for `await using` (Symbol.asyncDispose unmounts). */
export async function mountScopedAsync(source: string, target: string, type?: string, o: CommonOptions = {}): Promise<ScopedMount> {
  return mountScoped(source, target, type, o);
}

/**
 * Mount on a fresh directory made for it (under `parent`, default os.tmpdir()); the end of the
 * scope unmounts it and removes the directory.
 */
export function mountTemp(source: string, type?: string, o: CommonOptions & { parent?: string } = {}): TempMount {
  return tempScoped(scopeOps, { source, types: type, options: opts(o.options), executor: o.executor, noMtab: o.noMtab }, o.parent);
}

/**
 * Run `fn` with a scoped mount and unmount it afterwards, whatever `fn` did (a returned promise is
 * awaited first): `withMount(mountTemp('tmpfs', 'tmpfs'), (m) => fs.writeFileSync(...))`.
 */
export function withMount<M extends ScopedMount, R>(m: M, fn: (m: M) => R): R {
  return runScoped(m, fn);
}

/**
 * An overlay of any number of layers (paths) on `target`, as `mount -t overlay -o lowerdir=…`:
 * with the fd-based API the layers go one per fsconfig() call (lowerdir+ / datadir+, Linux 6.8),
 * so the list may be longer than fsconfig's 255 bytes or mount(2)'s page. Layers given as fds: see
 * overlayContext().
 */
export function mountOverlay(target: string, layers: { lower: readonly string[]; data?: readonly string[]; upper?: string; work?: string; source?: string },
  o: CommonOptions = {}): MountResult {
  const lowerdir = [...layers.lower.map(escapeLayer), ...(layers.data?.length ? ['', ...layers.data.map(escapeLayer)] : [])].join(':');
  // A value holding a comma is quoted for the option-string parser.
  const opt = (k: string, v: string): string => (v.includes(',') ? `${k}="${v}"` : `${k}=${v}`);
  const options = [opt('lowerdir', lowerdir), ...(layers.upper !== undefined ? [opt('upperdir', layers.upper)] : []),
    ...(layers.work !== undefined ? [opt('workdir', layers.work)] : []), ...opts(o.options)];
  return mountRequest({ source: layers.source ?? 'overlay', target, types: 'overlay', options, executor: o.executor, noMtab: o.noMtab });
}

/** The mount table as mount(8) lists it (utab options merged, -t pattern filter). */
export function listMounts(req: ListRequest = {}): ListedMount[] {
  return listMountsImpl(req);
}

/** The topmost mount on `target`, or undefined. */
export function findMount(target: string): MountEntry | undefined {
  return findMountFor(target, readMountTable()).entry;
}

/**
 * The mount with this ID in this namespace: `{ id }` is mountinfo's mount ID (the table is read),
 * `{ uniqueId }` the 64-bit one (one statmount(2), Linux 6.8+). Throws RequestError
 * `no-such-mount-id` when no mount has it, `mount-id-unsupported` without statmount.
 */
export function mountById(spec: MountIdSpec): MountEntry {
  return findMountById(spec);
}

/**
 * Unmount the mount with this ID (as `tsumount --id`/`--uniq-id`), only while it is the topmost on its
 * mount point (RequestError `mount-id-covered` otherwise: a path reaches only the top one).
 * `graceful`: no such mount is no error (returns []).
 */
export function umountById(spec: MountIdSpec, o: UmountRequest & { graceful?: boolean } = {}): UmountResult[] {
  try {
    return [checkedUmount(umountByIdImpl(spec, o, new Tables()))];
  } catch (e) {
    if (o.graceful && isNothingToUnmount(e)) return [];
    throw e;
  }
}

/**
 * The ID mappings of a mount (`findMount()`, `listMounts()` entries): `{ uid, gid }`, each mapping
 * "inside:outside:count" as the caller's namespace sees it; empty lists for a mount that is not
 * ID-mapped (no system call then), undefined when the mount is gone or covered. Throws
 * IdmapsUnavailable on kernels whose statmount(2) cannot report them (before Linux 6.15).
 */
export function mountIdmaps(e: MountEntry): MountIdmaps | undefined {
  return idmapsOf(e);
}

/** Parse a comma-separated option string as util-linux does (quotes, `\,`). */
export function parseOptions(str: string): OptionItem[] {
  // The parser's answers are shared and frozen; the caller gets its own.
  return parseOptionString(str).map((it) => ({ ...it }));
}

export { FsContext, MountFd, mountAt, unmountAt, mountAttrFor, hasDispose, MOUNT_ATTR, MNT, AT } from './api/fd';
export type { SetAttrOptions, MoveTarget, MoveOptions, OpenTreeOptions, PickOptions, CreateOptions, PropagationType } from './api/fd';
export { mountFuse } from './api/fuse';
export { overlayContext, escapeLayer } from './api/overlay';
export type { OverlayLayers, LayerRef } from './api/overlay';
export type { FuseMountOptions, FuseMount } from './api/fuse';
