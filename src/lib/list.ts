// Listing: the mount table with utab's userspace options merged in, as mount(8) shows it.
import { MountEntry, MountTable, MountField, mergedOptions } from '../tables/mountinfo';
import { readMountTable } from './mount-table';
import { unmangle } from '../tables/escape';
import { matchFsType } from '../tables/patterns';
import { readUtab, UtabEntry, UtabIndex } from '../tables/utab';
import { loopInfo } from '../devices/loop';
import { probeForListing } from '../devices/identify';
import { isRegularFsType, stat } from './paths';

export interface ListedMount {
  entry: MountEntry;
  /** Source as mount(8) prints it: an autoclear loop device shows its backing file. */
  source: string;
  /** Per-mount and superblock options merged, then utab's userspace options. */
  options: string;
  /** Userspace options from utab ("" when none). */
  userOptions: string;
}

export interface ListRequest {
  /** -t: type pattern. */
  types?: string;
}


/**
 * Source shown for a mount: /dev/loopN with autoclear → its backing file (libmount's pretty path),
 * for a regular filesystem only (a tmpfs whose source names a loop device shows the name).
 */
export function displaySource(e: MountEntry): string {
  if (e.source.startsWith('/dev/loop') && isRegularFsType(e.fstype)) {
    const li = loopInfo(e.source);
    if (li && li.autoclear) return li.backingFile;
  }
  return e.source;
}

export function listMounts(req: ListRequest = {}, table: MountTable = readMountTable(), utab: UtabEntry[] = readUtab()): ListedMount[] {
  const idx = new UtabIndex(utab);
  const out: ListedMount[] = [];
  for (const e of table.entries) {
    if (req.types !== undefined && !matchFsType(e.fstype, req.types)) continue;
    if (e.fstype === 'autofs' && e.fsOptions.includes('ignore')) continue;
    const u = idx.find(e.id, e.target, e.uniqueId);
    const userOptions = u?.options ?? '';
    const base = mergedOptions(e);
    out.push({ entry: e, source: displaySource(e), options: userOptions ? `${base},${userOptions}` : base, userOptions });
  }
  return out;
}

/** The label of the filesystem a source path names (a device or an image file), for `-l`. */
export function labelOfSource(source: string): string | undefined {
  // libmount probes whatever path the source names (mnt_cache_find_tag_value): a device, or an
  // image file a tmpfs is named after. Not a character device or a FIFO: opening one can act.
  if (!source.startsWith('/')) return undefined;
  const st = stat(source);
  if (!st || !(st.isBlockDevice() || st.isFile())) return undefined;
  return probeForListing(source)?.label;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;
function shown(path: string): string {
  // Control characters in listed paths are shown as '?', as mount(8) does.
  return CONTROL.test(path) ? path.replace(CONTROL, '?') : path;
}

/**
 * The classic listing's lines, one mount at a time: filtered by -t, autofs "ignore" mounts left
 * out, utab's userspace options appended, an autoclear loop device shown as its backing file.
 * (lib/listing-bytes.ts makes the common lines of a mountinfo listing without strings, and asks
 * this class for the others.)
 */
export class Listing {
  private readonly idx: UtabIndex;
  private readonly hasUtab: boolean;
  private parts: string[] = [];
  private size = 0;

  /**
   * `sink`: the lines are handed over in chunks of about CHUNK characters as they are made, and
   * text() returns the rest: a listing of 50,000 mounts never holds all its output at once.
   */
  constructor(utab: UtabEntry[], private readonly types?: string, private readonly labels?: (source: string) => string | undefined,
    private readonly sink?: (chunk: string) => void) {
    this.idx = new UtabIndex(utab);
    this.hasUtab = utab.length > 0;
  }

  /** Does -t leave this type out? (Asked first: the other fields are not needed then.) */
  skips(fstype: string): boolean {
    return this.types !== undefined && !matchFsType(fstype, this.types);
  }

  /** Might utab give the mount with this ID userspace options? */
  mayHaveUserOptions(id: number): boolean {
    return this.hasUtab && this.idx.mayFind(id);
  }

  /** One mount's line, or undefined when the listing leaves the mount out. */
  line(source: string, target: string, fstype: string, vfs: string, fsOpts: string, id: () => number, uniqueId?: bigint): string | undefined {
    if (fstype === 'autofs' && fsOpts.includes('ignore')) return undefined;
    const rawSource = source;
    if (source.startsWith('/dev/loop') && isRegularFsType(fstype)) {
      const li = loopInfo(source);
      if (li && li.autoclear) source = li.backingFile;
    }
    let opts = mergedOptions({ vfsOptions: vfs, fsOptions: fsOpts });
    if (this.hasUtab) {
      const u = this.idx.find(id(), target, uniqueId);
      if (u?.options) opts += `,${u.options}`;
    }
    let out = `${shown(source)} on ${shown(target)} type ${fstype} (${opts})`;
    if (this.labels) {
      const l = this.labels(rawSource);
      if (l) out += ` [${l}]`;
    }
    return out;
  }

  add(source: string, target: string, fstype: string, vfs: string, fsOpts: string, id: () => number, uniqueId?: bigint): void {
    const out = this.line(source, target, fstype, vfs, fsOpts, id, uniqueId);
    if (out === undefined) return;
    this.parts.push(out);
    if (this.sink && (this.size += out.length) >= CHUNK) {
      this.sink(this.parts.join('\n') + '\n');
      this.parts = [];
      this.size = 0;
    }
  }

  text(): string {
    return this.parts.length ? this.parts.join('\n') + '\n' : '';
  }
}

/** Characters of listing handed to a sink at a time. */
const CHUNK = 64 * 1024;

/** What the classic listing reads of each mount (statmount is asked for these only). */
export const LIST_FIELDS: readonly MountField[] = ['target', 'source', 'fstype', 'vfsOptions', 'fsOptions'];

/**
 * One mountinfo line (without its newline) as the classic listing shows it; undefined when the
 * listing leaves it out (-t, autofs "ignore") or the line is not mountinfo's.
 */
export function listedLine(line: string, out: Listing): string | undefined {
  // id parent devno root target vfsopts [optional…] - fstype source fsopts
  const s1 = line.indexOf(' ');
  const s2 = line.indexOf(' ', s1 + 1);
  const s3 = line.indexOf(' ', s2 + 1);
  const s4 = line.indexOf(' ', s3 + 1);
  const s5 = line.indexOf(' ', s4 + 1);
  const s6 = line.indexOf(' ', s5 + 1);
  const sep = line.indexOf(' - ', s5);
  if (s1 < 0 || s5 < 0 || sep < 0) return undefined;
  const f1 = sep + 3;
  const f2 = line.indexOf(' ', f1);
  const f3 = f2 < 0 ? -1 : line.indexOf(' ', f2 + 1);
  if (f2 < 0) return undefined;
  const fstype = unesc(line.slice(f1, f2));
  if (out.skips(fstype)) return undefined;
  const vfs = line.slice(s5 + 1, s6 < 0 || s6 > sep ? sep : s6);
  // Option values are escaped as paths are (overlay's lowerdir=/a\0402): listed unescaped, as util-linux does.
  const fsOpts = f3 < 0 ? '' : unesc(line.slice(f3 + 1));
  const target = unesc(line.slice(s4 + 1, s5));
  const source = unesc(f3 < 0 ? line.slice(f2 + 1) : line.slice(f2 + 1, f3));
  return out.line(source, target, fstype, vfs, fsOpts, () => Number(line.slice(0, s1)));
}

/** The classic listing from statmount's entries (read with LIST_FIELDS): the same lines as a mountinfo listing. */
export function formatListingEntries(entries: Iterable<MountEntry>, utab: UtabEntry[], types?: string,
  labels?: (source: string) => string | undefined, sink?: (chunk: string) => void): string {
  const out = new Listing(utab, types, labels, sink);
  for (const e of entries) {
    if (out.skips(e.fstype)) continue;
    out.add(e.source, e.target, e.fstype, e.vfsOptions, e.fsOptions, () => e.id, e.uniqueId);
  }
  return out.text();
}

function unesc(s: string): string {
  return s.indexOf('\\') < 0 ? s : unmangle(s);
}
