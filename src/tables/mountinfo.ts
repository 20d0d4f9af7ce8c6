// /proc/self/mountinfo, parsed once into a table indexed by target, id and parent.
// The parser is written for 50,000-line tables: one split per line, \ooo decoding
// only for fields that contain a backslash, the source index built on first use.
import fs = require('fs');
import { unmangle } from './escape';
import { decodeBytes } from '../sys/bytes';

export interface MountEntry {
  id: number;
  parent: number;
  /** "major:minor" */
  devno: string;
  root: string;
  target: string;
  /** Per-mount options (rw,nosuid,relatime …). */
  vfsOptions: string;
  /** Optional fields: shared:N, master:N, propagate_from:N, unbindable. */
  optional: string[];
  fstype: string;
  source: string;
  /** Superblock options (rw,size=1024k …). */
  fsOptions: string;
  /** STATX_MNT_ID_UNIQUE, when the entry came from statmount(2) (mountinfo does not show it). */
  uniqueId?: bigint;
}

/**
 * The fields of a MountEntry a reader asks for (id and parent always come). A table read through
 * statmount(2) carries only these (unasked strings are '', an unasked `optional` is empty); one
 * read from mountinfo carries all. `optional` is shared:/master:/unbindable; `propagateFrom` adds
 * propagate_from:, which costs the kernel a walk of the master's peer group per slave mount.
 */
export type MountField = 'devno' | 'root' | 'target' | 'vfsOptions' | 'optional' | 'propagateFrom' | 'fstype' | 'source' | 'fsOptions';

/** Every field a mountinfo line has, propagate_from included (the library's full entry). */
export const ALL_FIELDS: readonly MountField[] = ['devno', 'root', 'target', 'vfsOptions', 'optional', 'propagateFrom', 'fstype',
  'source', 'fsOptions'];

export class MountinfoParseError extends Error {
  constructor(readonly line: number) {
    super(`mountinfo: parse error at line ${line}`);
  }
}

function parseLine(l: string, lineNo: number): MountEntry {
  const f = l.split(' ');
  let sep = -1;
  for (let i = 6; i < f.length; i++) {
    if (f[i] === '-') {
      sep = i;
      break;
    }
  }
  if (f.length < 10 || sep < 0 || sep + 3 >= f.length + 1 || f[sep + 1] === undefined || f[sep + 2] === undefined) {
    throw new MountinfoParseError(lineNo);
  }
  const id = Number(f[0]);
  const parent = Number(f[1]);
  if (!Number.isInteger(id) || !Number.isInteger(parent) || f[2].indexOf(':') < 0) throw new MountinfoParseError(lineNo);
  const u = (s: string): string => (s.indexOf('\\') < 0 ? s : unmangle(s));
  return {
    id,
    parent,
    devno: f[2],
    root: u(f[3]),
    target: u(f[4]),
    vfsOptions: u(f[5]),
    optional: sep > 6 ? f.slice(6, sep) : [],
    fstype: u(f[sep + 1]),
    source: u(f[sep + 2]),
    fsOptions: u(f[sep + 3] ?? ''),
  };
}

/** Parse mountinfo text. Malformed lines throw MountinfoParseError unless `skipBad` is set. */
export function parseMountinfo(text: string, skipBad = false): MountEntry[] {
  const out: MountEntry[] = [];
  let start = 0;
  let lineNo = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNo++;
    if (end > start) {
      try {
        out.push(parseLine(text.slice(start, end), lineNo));
      } catch (e) {
        if (!skipBad) throw e;
      }
    }
    start = end + 1;
  }
  return out;
}

/**
 * mountinfo's entries newest first (the text backward), each parsed when it is taken; malformed
 * lines skipped. For a command that walks the table once, newest first (umount -a): no entry
 * outlives its step, so the garbage collector does not copy a whole table's objects into the old
 * generation (at 10,000 mounts the scavenges of a parsed table cost ~20 ms here).
 */
export function* mountinfoNewestFirst(text: string): Generator<MountEntry> {
  let end = text.length;
  while (end > 0) {
    const nl = text.lastIndexOf('\n', end - 1);
    if (nl === end - 1) {
      end = nl;
      continue;
    }
    let e: MountEntry | undefined;
    try {
      e = parseLine(text.slice(nl + 1, end), 0);
    } catch {
      /* as parseMountinfo(text, true): a malformed line is no mount */
    }
    end = nl < 0 ? 0 : nl;
    if (e) yield e;
  }
}

/** What the "already mounted?" checks ask: a MountTable, or single statmount lookups (lib/tables.ts). */
/**
 * Where a bind of the canonical path `p` comes from, as libmount's fs root: the mount holding it
 * and the path within that mount's filesystem (its root joined with the rest of `p`).
 */
export function bindOrigin(view: MountView, p: string): { holder: MountEntry; root: string } | undefined {
  const holder = view.containing(p);
  if (!holder) return undefined;
  const rel = p.slice(holder.target === '/' ? 0 : holder.target.length) || '/';
  const root = holder.root === '/' ? (rel.startsWith('/') ? rel : `/${rel}`)
    : rel === '/' ? holder.root : `${holder.root}${rel.startsWith('/') ? rel : `/${rel}`}`;
  return { holder, root };
}

export interface MountView {
  /** Every mount on `target` (canonical), topmost first; a lookup may stop early. */
  mountsOn(target: string): Iterable<MountEntry>;
  /** The mount `path` (canonical) is on: the topmost mount of the nearest mount point at or above it. */
  containing(path: string): MountEntry | undefined;
}

/** The mount table with its indexes. Entries keep mountinfo order (ascending unique mount ID). */
export class MountTable implements MountView {
  readonly entries: MountEntry[];
  private byTargetIdx?: Map<string, MountEntry[]>;
  private byIdIdx?: Map<number, MountEntry>;
  private childrenIdx?: Map<number, MountEntry[]>;
  private bySourceIdx?: Map<string, MountEntry[]>;

  /**
   * @param fromMountinfo false for a table read through statmount(2), whose entries carry only the
   *   fields its reader asked for.
   */
  constructor(entries: MountEntry[], readonly fromMountinfo = true) {
    this.entries = entries;
  }

  static read(file = '/proc/self/mountinfo'): MountTable {
    return new MountTable(parseMountinfo(readMountinfoText(file), true));
  }

  private get byTarget(): Map<string, MountEntry[]> {
    if (!this.byTargetIdx) {
      const m = new Map<string, MountEntry[]>();
      for (const e of this.entries) {
        const l = m.get(e.target);
        if (l) l.push(e);
        else m.set(e.target, [e]);
      }
      this.byTargetIdx = m;
    }
    return this.byTargetIdx;
  }

  private get bySource(): Map<string, MountEntry[]> {
    if (!this.bySourceIdx) {
      const m = new Map<string, MountEntry[]>();
      for (const e of this.entries) {
        const l = m.get(e.source);
        if (l) l.push(e);
        else m.set(e.source, [e]);
      }
      this.bySourceIdx = m;
    }
    return this.bySourceIdx;
  }

  byId(id: number): MountEntry | undefined {
    if (!this.byIdIdx) {
      this.byIdIdx = new Map();
      for (const e of this.entries) this.byIdIdx.set(e.id, e);
    }
    return this.byIdIdx.get(id);
  }

  children(id: number): MountEntry[] {
    if (!this.childrenIdx) {
      const m = new Map<number, MountEntry[]>();
      for (const e of this.entries) {
        if (e.parent === e.id) continue;
        const l = m.get(e.parent);
        if (l) l.push(e);
        else m.set(e.parent, [e]);
      }
      this.childrenIdx = m;
    }
    return this.childrenIdx.get(id) ?? [];
  }

  /** Every mount on `target`, bottom first. */
  allAt(target: string): MountEntry[] {
    return this.byTarget.get(target) ?? [];
  }

  mountsOn(target: string): MountEntry[] {
    return this.allAt(target).slice().reverse();
  }

  /**
   * The topmost mount on `target`: the one no other mount on the same mount point sits on.
   * mountinfo lists a mount after its parent, so the last one is the top unless a later
   * mount was made beneath (MOVE_MOUNT_BENEATH); follow the parent chain to be sure.
   */
  topAt(target: string): MountEntry | undefined {
    const list = this.byTarget.get(target);
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    const parents = new Set(list.map((e) => e.parent));
    for (let i = list.length - 1; i >= 0; i--) if (!parents.has(list[i].id)) return list[i];
    return list[list.length - 1];
  }

  containing(path: string): MountEntry | undefined {
    for (let cur = path; ; cur = parentPath(cur)) {
      const e = this.topAt(cur);
      if (e) return e;
      if (cur === '/' || cur === '') return undefined;
    }
  }

  /** Mounts of `source`, in table order. */
  withSource(source: string): MountEntry[] {
    return this.bySource.get(source) ?? [];
  }

  /** All mounts below `root` (children, over-mounts, their children …), deepest first, `root` itself excluded. */
  descendants(root: MountEntry): MountEntry[] {
    const out: MountEntry[] = [];
    const walk = (e: MountEntry): void => {
      const kids = this.children(e.id);
      for (let i = kids.length - 1; i >= 0; i--) {
        walk(kids[i]);
        out.push(kids[i]);
      }
    };
    walk(root);
    return out;
  }
}

/** The directory above `p` ("/a/b" → "/a", "/a" → "/"); a path without a slash above it is "/". */
export function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/**
 * Options as util-linux lists them (fs.c merge_optstr): one leading "ro" (if the mount or the
 * superblock is read-only) or "rw", then the per-mount options, then the superblock options.
 */
export function mergedOptions(e: Pick<MountEntry, 'vfsOptions' | 'fsOptions'>): string {
  const v = e.vfsOptions;
  const f = e.fsOptions;
  // The kernel starts both lists with rw or ro: then a slice does it (listing 50,000 mounts calls this 50,000 times).
  if (isRwRo(v) && isRwRo(f)) {
    const ro = v.charCodeAt(1) === 111 || f.charCodeAt(1) === 111; // 'o'
    return (ro ? 'ro' : 'rw') + v.slice(2) + f.slice(2);
  }
  const vfs = v.split(',').filter((o) => o !== '');
  const fsOpts = f.split(',').filter((o) => o !== '');
  const ro = vfs.includes('ro') || fsOpts.includes('ro');
  const rest = [...vfs, ...fsOpts].filter((o) => o !== 'rw' && o !== 'ro');
  return [ro ? 'ro' : 'rw', ...rest].join(',');
}

/** "rw…"/"ro…" as a whole first item (followed by ',' or the end), and no other rw/ro after it. */
function isRwRo(s: string): boolean {
  if (s.length < 2 || s.charCodeAt(0) !== 114 || (s.charCodeAt(1) !== 119 && s.charCodeAt(1) !== 111)) return false;
  if (s.length > 2 && s.charCodeAt(2) !== 44) return false;
  return s.indexOf(',rw', 2) < 0 && s.indexOf(',ro', 2) < 0 || !/,(rw|ro)(,|$)/.test(s.slice(2));
}

/** Propagation as findmnt shows it: "shared", "private,slave", "unbindable" … */
export function propagationOf(e: Pick<MountEntry, 'optional'>): string {
  const shared = e.optional.some((o) => o.startsWith('shared:'));
  const slave = e.optional.some((o) => o.startsWith('master:'));
  const unbindable = e.optional.includes('unbindable');
  const parts: string[] = [shared ? 'shared' : 'private'];
  if (slave) parts.push('slave');
  if (unbindable) parts.push('unbindable');
  return parts.join(',');
}

/** Bytes asked of the first read of a whole mountinfo (the buffer doubles when a table is bigger). */
const WHOLE_READ = 256 * 1024;

/**
 * A mountinfo file's text, whole. Its size is unknown (procfs says 0) and each read(2) of a
 * seq_file returns at most a page: Node's readFileSync allocates a fresh 64 KiB buffer for each of
 * those reads (at 10,000 mounts ~280 of them, 18 MB for the garbage collector, ~15 ms here), so the
 * reads go into one buffer that doubles when full.
 */
export function readMountinfoText(file = '/proc/self/mountinfo'): string {
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(WHOLE_READ);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(2 * buf.length);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return decodeBytes(buf, 0, n);
  } finally {
    fs.closeSync(fd);
  }
}
