// Listing: the mount table with utab's userspace options merged in, as mount(8) shows it.
import { MountEntry, MountTable, mergedOptions } from '../tables/mountinfo';
import { unmangle } from '../tables/escape';
import { matchFsType } from '../tables/patterns';
import { readUtab, UtabEntry, UtabIndex } from '../tables/utab';
import { loopInfo } from '../devices/loop';
import { probeForListing } from '../devices/identify';
import { isRegularFsType } from './paths';

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

export function listMounts(req: ListRequest = {}, table: MountTable = MountTable.read(), utab: UtabEntry[] = readUtab()): ListedMount[] {
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

/** The label of the filesystem on a /dev/… source. */
export function labelOfSource(source: string): string | undefined {
  if (!source.startsWith('/dev/')) return undefined;
  return probeForListing(source)?.label;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;
function shown(path: string): string {
  // Control characters in listed paths are shown as '?', as mount(8) does.
  return CONTROL.test(path) ? path.replace(CONTROL, '?') : path;
}

/**
 * The classic listing (`mount`, `mount -t TYPES`) straight from mountinfo text: one pass over
 * the lines, no entry objects, one output string. Equivalent to listMounts() + formatting, and
 * several times cheaper on 50,000-mount tables.
 */
export function formatListing(text: string, utab: UtabEntry[], types?: string, labels?: (source: string) => string | undefined): string {
  const idx = new UtabIndex(utab);
  const hasUtab = utab.length > 0;
  const parts: string[] = [];
  let start = 0;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    const line = text.slice(start, end);
    start = end + 1;
    // id parent devno root target vfsopts [optional…] - fstype source fsopts
    const s1 = line.indexOf(' ');
    const s2 = line.indexOf(' ', s1 + 1);
    const s3 = line.indexOf(' ', s2 + 1);
    const s4 = line.indexOf(' ', s3 + 1);
    const s5 = line.indexOf(' ', s4 + 1);
    const s6 = line.indexOf(' ', s5 + 1);
    const sep = line.indexOf(' - ', s5);
    if (s1 < 0 || s5 < 0 || sep < 0) continue;
    const f1 = sep + 3;
    const f2 = line.indexOf(' ', f1);
    const f3 = f2 < 0 ? -1 : line.indexOf(' ', f2 + 1);
    if (f2 < 0) continue;
    const fstype = unesc(line.slice(f1, f2));
    if (types !== undefined && !matchFsType(fstype, types)) continue;
    const vfs = line.slice(s5 + 1, s6 < 0 || s6 > sep ? sep : s6);
    const fsOpts = f3 < 0 ? '' : line.slice(f3 + 1);
    if (fstype === 'autofs' && fsOpts.includes('ignore')) continue;
    const target = unesc(line.slice(s4 + 1, s5));
    let source = unesc(f3 < 0 ? line.slice(f2 + 1) : line.slice(f2 + 1, f3));
    const rawSource = source;
    if (source.startsWith('/dev/loop') && isRegularFsType(fstype)) {
      const li = loopInfo(source);
      if (li && li.autoclear) source = li.backingFile;
    }
    let opts = mergedOptions({ vfsOptions: vfs, fsOptions: fsOpts });
    if (hasUtab) {
      const id = Number(line.slice(0, s1));
      const u = idx.find(id, target);
      if (u?.options) opts += `,${u.options}`;
    }
    let out = `${shown(source)} on ${shown(target)} type ${fstype} (${opts})`;
    if (labels) {
      const l = labels(rawSource);
      if (l) out += ` [${l}]`;
    }
    parts.push(out);
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}

function unesc(s: string): string {
  return s.indexOf('\\') < 0 ? s : unmangle(s);
}
