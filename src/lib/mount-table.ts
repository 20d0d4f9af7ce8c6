// The whole mount table, from whichever of the kernel's two interfaces costs less in this namespace.
//
// /proc/self/mountinfo: the kernel composes every field of every line. For a mount that is a slave
// it also finds propagate_from: by walking the master's peer group (get_dominating_id), so in a
// slave namespace of large peer groups (systemd services, container runtimes, Kubernetes nodes)
// one read costs O(mounts × peers): 3,000 binds of a shared mount take ~120 ms to list there.
// listmount(2) + statmount(2) (Linux 6.8+): one call per mount, asking only for the fields the
// command needs and never for propagate_from unless it is shown; through koffi each call costs a
// little more than a mountinfo line where nothing is a slave.
//
// The choice, measured (docs/performance.md):
//  - for a listing, which needs koffi for nothing else: a table whose mountinfo fits in SMALL
//    bytes (a host's or a container's ~30–60 mounts) is read from there: statmount would first
//    load koffi (~3 ms through sys/koffi.ts, ~9 ms through koffi's own loader), as much as the
//    kernel spends on ~60 lines even when each walks a peer group of thousands (~40 µs at 3,000
//    peers); a bigger table costs that probe in addition;
//  - else listmount gives the IDs and a sample of them is asked for its propagation only
//    (statmount MNT_BASIC, no strings). A namespace where no sampled mount is a slave is read from
//    mountinfo (there it is the cheaper of the two at every size); one with slaves is read with
//    statmount, whose cost does not depend on the peer groups.
import { ALL_FIELDS, MountTable, parseMountinfo, MountField } from '../tables/mountinfo';
import { decodeBytes } from '../sys/bytes';
import { MountError } from '../sys/error';
import {
  listMountIds, statmountEach, isUnsupported, markUnsupported, statmountUnsupported, StatmountEntry, sampleHasSlave,
} from '../sys/statmount';
import fs = require('fs');

export type TableSource = 'statmount' | 'mountinfo';

/** Single-mount lookups (remount, umount, utab records): every field but propagation. */
export const LOOKUP_FIELDS: readonly MountField[] = ['devno', 'root', 'target', 'vfsOptions', 'fstype', 'source', 'fsOptions'];
/** What umount (-a, -R, -A) and remount -a read of each mount: where, what, and the options -O matches. */
export const UMOUNT_FIELDS: readonly MountField[] = ['target', 'source', 'fstype', 'vfsOptions', 'fsOptions'];
/** The "already mounted?" check: what is at the target, and for a bind the root within its filesystem. */
export const MOUNTED_FIELDS: readonly MountField[] = ['target', 'source', 'root'];

/**
 * A table as read: mountinfo's text (parsed by whoever needs it), or statmount's entries, asked
 * for one by one as they are taken (once: it is a read of the kernel's current state).
 */
export type RawTable = { source: 'mountinfo'; text: string | Iterable<string> } | { source: 'statmount'; entries: Iterable<StatmountEntry> };

/** mountinfo's text whole, or (`stream`) in chunks of whole lines, read 64 KiB at a time. */
function mountinfoSource(stream: boolean): string | Iterable<string> {
  return stream ? mountinfoChunks() : mountinfoText();
}

/**
 * mountinfo in chunks of whole lines: a listing of a big table then never holds its text (nor the
 * buffers a whole-file read grows through). Each read(2) of a seq_file gets whole lines; a line cut
 * by the buffer's end is carried over anyway.
 */
export function* mountinfoChunks(): Generator<string> {
  const fd = fs.openSync('/proc/self/mountinfo', 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    let carry = Buffer.alloc(0);
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      const data = carry.length ? Buffer.concat([carry, buf.subarray(0, got)]) : buf.subarray(0, got);
      const last = data.lastIndexOf(10);
      if (last < 0) {
        carry = Buffer.from(data);
        continue;
      }
      yield decodeBytes(data, 0, last + 1);
      carry = Buffer.from(data.subarray(last + 1));
    }
    if (carry.length) yield decodeBytes(carry);
  } finally {
    fs.closeSync(fd);
  }
}

/** How many mounts the choice asks for their propagation (evenly spread over the table). */
export const SAMPLE = 64;
/** mountinfo up to this size is read without asking anything else (about 60 lines). */
export const SMALL = 8192;

function mountinfoText(): string {
  return decodeBytes(fs.readFileSync('/proc/self/mountinfo'));
}

/** mountinfo's text when it is no longer than SMALL bytes; undefined (having read SMALL + 1) when it is. */
function smallMountinfo(): string | undefined {
  const fd = fs.openSync('/proc/self/mountinfo', 'r');
  try {
    const buf = Buffer.allocUnsafe(SMALL + 1);
    // The kernel fills each read with whole lines: read until the end or until the table proves big.
    for (let n = 0; n <= SMALL;) {
      const got = fs.readSync(fd, buf, n, SMALL + 1 - n, null);
      if (got === 0) return decodeBytes(buf, 0, n);
      n += got;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * TSMOUNT_MOUNT_TABLE=mountinfo|statmount forces a source (benchmarks, tests); TSMOUNT_NO_STATMOUNT=1
 * (no statmount at all, not even for single lookups) means mountinfo.
 */
function forced(env: NodeJS.ProcessEnv = process.env): TableSource | undefined {
  if (env.TSMOUNT_NO_STATMOUNT) return 'mountinfo';
  const v = env.TSMOUNT_MOUNT_TABLE;
  return v === 'mountinfo' || v === 'statmount' ? v : undefined;
}

/**
 * The table with these fields (a statmount read carries only them; mountinfo carries all).
 * `listing`: the caller needs koffi for nothing else, so a small table is read from mountinfo.
 */
export function readRawTable(fields: readonly MountField[] = ALL_FIELDS, listing = false, stream = false): RawTable {
  const force = forced();
  if (force === 'mountinfo' || statmountUnsupported()) return { source: 'mountinfo', text: mountinfoSource(stream) };
  if (force !== 'statmount' && listing) {
    const small = smallMountinfo();
    if (small !== undefined) return { source: 'mountinfo', text: small };
  }
  let ids: Buffer;
  try {
    ids = listMountIds();
  } catch (e) {
    // Linux before 6.8 (no listmount), a seccomp filter, or no koffi for this architecture:
    // listing needs none of them, mountinfo serves.
    if (e instanceof MountError && !isUnsupported(e)) throw e;
    markUnsupported();
    return { source: 'mountinfo', text: mountinfoSource(stream) };
  }
  try {
    if (force !== 'statmount' && !sampleHasSlave(ids, SAMPLE)) return { source: 'mountinfo', text: mountinfoSource(stream) };
    // The first answer here, in the try: a kernel that cannot give these fields says so at once.
    const each = statmountEach(ids, fields);
    const first = each.next();
    return { source: 'statmount', entries: first.done ? [] : prepend(first.value, each) };
  } catch (e) {
    // A kernel that cannot give these fields (before 6.15: no supported_mask): mountinfo.
    if (!isUnsupported(e)) throw e;
    markUnsupported();
    return { source: 'mountinfo', text: mountinfoSource(stream) };
  }
}

function* prepend<T>(first: T, rest: Iterator<T>): Generator<T> {
  yield first;
  for (let r = rest.next(); !r.done; r = rest.next()) yield r.value;
}

/** The table, indexed (`listing`: see readRawTable). */
export function readMountTable(fields: readonly MountField[] = ALL_FIELDS, listing = false): MountTable {
  const raw = readRawTable(fields, listing);
  if (raw.source === 'statmount') return new MountTable([...raw.entries], false);
  return new MountTable(parseMountinfo(typeof raw.text === 'string' ? raw.text : [...raw.text].join(''), true));
}

/**
 * The mounts below the mount with unique ID `under` (its whole subtree, over-mounts included), with
 * `top` itself first: listmount(2) lists exactly them, so nothing else is asked about. Undefined
 * when statmount cannot serve (the caller reads the whole table then).
 */
export function readSubtree(top: StatmountEntry, fields: readonly MountField[]): MountTable | undefined {
  if (forced() === 'mountinfo' || statmountUnsupported()) return undefined;
  try {
    return new MountTable([top, ...statmountEach(listMountIds(top.uniqueId), fields)], false);
  } catch (e) {
    if (!(e instanceof MountError) || !isUnsupported(e)) throw e;
    markUnsupported();
    return undefined;
  }
}
