// mount -a: every fstab entry in order, the tables read once, the mount table indexed,
// so the cost grows linearly with the size of fstab.
import { FstabEntry } from '../tables/fstab';
import { optionsWithUtab } from './umount';
import { matchFsType, matchOptions } from '../tables/patterns';
import { parseOptions } from '../options/parse';
import { Tables } from './tables';
import { mountRequest, MountRequest, MountResult, isAlreadyMounted } from './mount';
import { withPrefix, withCanonicalCache } from './paths';
import { MountFailure, nofailApplies } from './errors';
import { runToEnd, Steps } from './steps';
import { MOUNTED_FIELDS, LOOKUP_FIELDS } from './mount-table';
import type { MountView } from '../tables/mountinfo';

/** 'helper-failed': a /sbin/mount.TYPE helper ran and exited non-zero (result.helperStatus). */
export type AllStatus = 'mounted' | 'ignored' | 'already' | 'failed' | 'helper-failed';

export interface MountAllRequest extends Omit<MountRequest, 'source' | 'target' | 'types' | 'swapMatch'> {
  /** -t: a type pattern that filters entries (each keeps its own type). */
  types?: string;
  /** -O: an option pattern that filters entries. */
  testOptions?: string;
}

export interface MountAllEvent {
  entry: FstabEntry;
  status: AllStatus;
  result?: MountResult;
  error?: unknown;
}

export interface MountAllSummary {
  mounted: number;
  failed: number;
  /** util-linux's exit code: 0 all fine, 32 all failed, 64 some failed. */
  exitCode: number;
}

/** Should -a skip this entry? (swap, "/", noauto, -t and -O mismatches) */
export function ignoredByAll(e: FstabEntry, types?: string, testOptions?: string): boolean {
  if (e.fstype === 'swap' || e.target === '/' || e.target === 'root') return true;
  const opts = parseOptions(e.options);
  if (opts.some((o) => o.name === 'noauto')) return true;
  if (types !== undefined && !matchFsType(e.fstype, types)) return true;
  if (testOptions !== undefined && !matchOptions(e.options, testOptions)) return true;
  return false;
}

export function mountAll(req: MountAllRequest, tables: Tables, onEvent: (ev: MountAllEvent) => void): MountAllSummary {
  return runToEnd(mountAllSteps(req, tables, onEvent));
}

/** mount -a, one fstab entry per step; paths canonicalized once per directory (as libmount's cache). */
export function mountAllSteps(req: MountAllRequest, tables: Tables, onEvent: (ev: MountAllEvent) => void): Steps<MountAllSummary> {
  return withCanonicalCache(mountEachEntry(req, tables, onEvent));
}

function* mountEachEntry(req: MountAllRequest, tables: Tables, onEvent: (ev: MountAllEvent) => void): Steps<MountAllSummary> {
  let mounted = 0;
  let failed = 0;
  let first = true;
  // The mount table as at the first check (libmount's mnt_context_is_fs_mounted() reads it once).
  let mountedBefore: MountView | undefined;
  const template = entryTemplate(req, { source: undefined, target: undefined, types: undefined, fstype: undefined, options: undefined, optionsMode: 'ignore' });
  for (const entry of tables.fstab().entries) {
    if (!first) yield;
    first = false;
    try {
      // Inside the per-entry try: one entry with a bad option string fails alone, the others go on.
      if (ignoredByAll(entry, req.types, req.testOptions)) {
        onEvent({ entry, status: 'ignored' });
        continue;
      }
      const target = withPrefix(req.targetPrefix, entry.target);
      const bind = parseOptions(entry.options).some((o) => o.name === 'bind' || o.name === 'rbind');
      // One statx + statmount of the target per entry (Linux 6.8+), not the whole table.
      mountedBefore ??= tables.mountSnapshot(MOUNTED_FIELDS);
      if (isAlreadyMounted(mountedBefore, entry.source, target, { bind })) {
        onEvent({ entry, status: 'already' });
        continue;
      }
      const r: MountRequest = { ...template };
      r.source = entry.source;
      r.target = entry.target;
      r.fstype = entry.fstype;
      r.options = [entry.options, ...optionList(req.options)];
      const result = mountRequest(r, tables);
      // A helper that failed counts as a failure (its own message is its own); util-linux's mk_exit_code.
      if (result.helperStatus) {
        failed++;
        onEvent({ entry, status: 'helper-failed', result });
        continue;
      }
      // Mounted, but utab could not be updated: util-linux counts the entry as failed.
      if (result.utabError) failed++;
      else mounted++;
      onEvent({ entry, status: 'mounted', result });
    } catch (error) {
      if (error instanceof MountFailure && nofailApplies(error)) {
        mounted++;
        onEvent({ entry, status: 'mounted' });
        continue;
      }
      failed++;
      onEvent({ entry, status: 'failed', error });
    }
  }
  const exitCode = failed === 0 ? 0 : mounted === 0 ? 32 : 64;
  return { mounted, failed, exitCode };
}

/**
 * The request each step of a run copies: `req` with every key a step sets already there, so that
 * a step's copy (`{ ...template }`, then its own values) adds no property. In Node 20's V8 a
 * property added after a spread — `{ ...req, source }` — gives every object a map of its own
 * (a few KB and microseconds per entry; docs/performance.md), and Object.assign onto a copy does
 * the same.
 */
function entryTemplate(req: MountRequest, keys: Partial<MountRequest>): MountRequest {
  return { ...req, ...keys };
}

function optionList(o: MountRequest['options']): string[] {
  if (o === undefined) return [];
  return typeof o === 'string' ? [o] : [...o];
}

export interface RemountAllEvent {
  target: string;
  result?: MountResult;
  error?: unknown;
}

/**
 * mount -a -o remount: every mounted filesystem that matches -t/-O (the mount table, not fstab),
 * remounted with the given options; "/" included only when it matches explicitly.
 */
export function remountAll(req: MountAllRequest, tables: Tables, onEvent: (ev: RemountAllEvent) => void): MountAllSummary {
  return runToEnd(remountAllSteps(req, tables, onEvent));
}

/** mount -a -o remount, one mount per step. */
export function* remountAllSteps(req: MountAllRequest, tables: Tables, onEvent: (ev: RemountAllEvent) => void): Steps<MountAllSummary> {
  let mounted = 0;
  let failed = 0;
  // LOOKUP_FIELDS: each remount looks its target up again in this same table (Tables.mountAt).
  const entries = tables.mounts(LOOKUP_FIELDS).entries.slice();
  const options = optionsWithUtab(tables);
  const template = entryTemplate(req, { target: undefined, types: undefined, swapMatch: false });
  let first = true;
  for (const e of entries) {
    if (!first) yield;
    first = false;
    if (req.types !== undefined && !matchFsType(e.fstype, req.types)) continue;
    if (req.testOptions !== undefined && !matchOptions(options(e), req.testOptions)) continue;
    try {
      const r: MountRequest = { ...template };
      r.target = e.target;
      const result = mountRequest(r, tables);
      mounted++;
      onEvent({ target: e.target, result });
    } catch (error) {
      failed++;
      onEvent({ target: e.target, error });
    }
  }
  return { mounted, failed, exitCode: failed === 0 ? 0 : mounted === 0 ? 32 : 64 };
}
