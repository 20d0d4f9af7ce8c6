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
//  - else a sample of the mounts, spread over their IDs (listmount with newest-first and a few
//    probes, sys/listmount.ts sampleMountIds; the whole list before Linux 6.14), is asked for its
//    propagation only (statmount MNT_BASIC, no strings). A namespace where no sampled mount is a slave is read from
//    mountinfo (there it is the cheaper of the two at every size); one with slaves is read with
//    statmount, whose cost does not depend on the peer groups.
import { ALL_FIELDS, MountTable, parseMountinfo, MountField, readMountinfoText } from '../tables/mountinfo';
import { decodeBytes } from '../sys/bytes';
import { MountError } from '../sys/error';
import {
  listMountIds, sampleMountIds, statmountEach, isUnsupported, markUnsupported, statmountUnsupported, StatmountEntry, sampleHasSlave,
} from '../sys/statmount';
import { BackgroundReader, openBackgroundReader } from '../sys/syscalls';
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
export type RawTable<Text = string> = { source: 'mountinfo'; text: Text } | { source: 'statmount'; entries: Iterable<StatmountEntry> };
/** A table as a listing streams it: a small mountinfo whole, a big one as chunks of whole lines read ahead. */
export type StreamedTable = RawTable<string | AsyncIterable<Buffer>>;

/** Bytes of a streamed mountinfo read at a time (~2.5 ms of the kernel's work here). */
const AHEAD_READ = 256 * 1024;
/** The first read: the listing starts on the first lines while the kernel composes the next. */
const FIRST_READ = 16 * 1024;
const NEWLINE = 10;

/**
 * mountinfo in chunks of whole lines, each read on one of koffi's worker threads while the caller
 * works on the chunk before: the kernel composing lines (~1.6 µs each here, 79 ms for 50,000
 * mounts) and the caller formatting them (~2 µs each) then take the time of the longer of the two,
 * not of both. One read is in flight at a time, at the file's own position: the kernel sees the
 * same sequence of read(2)s as a synchronous loop makes. (Node's own fs.read would hand over
 * between threads for every read(2), and a seq_file gives at most a page per read(2).) Without
 * koffi, the chunks are read synchronously. A listing of a big table never holds its whole text.
 * Each chunk's bytes are valid until the next one is asked for (the buffers are reused).
 */
export async function* mountinfoAhead(path = '/proc/self/mountinfo', readSize = AHEAD_READ): AsyncGenerator<Buffer> {
  let reader: BackgroundReader | undefined;
  try {
    reader = openBackgroundReader(path);
  } catch {
    // No koffi here (an architecture it has no binary for): the same chunks, read synchronously.
  }
  if (!reader) {
    yield* mountinfoChunks(path);
    return;
  }
  const lines = new LineBuffers(readSize, FIRST_READ);
  let pending: Promise<number> | undefined;
  try {
    for (let next = reader.read(lines.room()); ;) {
      pending = next;
      const got = await next;
      pending = undefined;
      // fread(3) fills the whole room but at the end of the file.
      const atEnd = got < lines.room().length;
      const whole = lines.took(got);
      if (atEnd) {
        if (whole.length) yield whole;
        const rest = lines.took(0);
        if (rest.length) yield rest;
        break;
      }
      // The next read goes out before this chunk is decoded: it fills the other buffer meanwhile.
      pending = next = reader.read(lines.room());
      // Its failure is taken when it is awaited; until then (the caller may let the event loop
      // turn between chunks) it must not count as unhandled.
      next.catch(() => undefined);
      if (whole.length) yield whole;
    }
  } finally {
    // A caller that stops early (or fails) leaves a read in flight: the file is closed after it.
    if (pending) await pending.catch(() => 0);
    reader.close();
  }
}

/** mountinfo in chunks of whole lines, read synchronously (each read(2) into the rest of a 64 KiB buffer). */
export function* mountinfoChunks(path = '/proc/self/mountinfo', readSize = 64 * 1024): Generator<Buffer> {
  const fd = fs.openSync(path, 'r');
  try {
    const lines = new LineBuffers(readSize);
    for (;;) {
      const room = lines.room();
      const got = fs.readSync(fd, room, 0, room.length, null);
      const chunk = lines.took(got);
      if (chunk.length) yield chunk;
      if (got === 0) break;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Bytes read into two buffers by turns → chunks of whole lines, without copying a chunk: the
 * part-line a chunk ends with is copied to the start of the other buffer, and the next read goes
 * into the rest of it (a fresh 256 KiB concatenated per chunk cost ~10 ms of page faults at 50,000
 * mounts here). A chunk handed out stays valid while the next read fills the other buffer.
 */
class LineBuffers {
  private readonly bufs: Buffer[];
  private which = 0;
  /** Bytes at the start of bufs[which]: what was read since its last whole line. */
  private filled = 0;
  /** Where the first read ends (the later ones fill the rest of the buffer). */
  private limit: number;

  constructor(size: number, first = size) {
    this.bufs = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
    this.limit = Math.min(first, size);
  }

  /** Where the next read goes. */
  room(): Buffer {
    const buf = this.bufs[this.which];
    return buf.subarray(this.filled, Math.min(buf.length, this.limit));
  }

  /**
   * `got` bytes were read into room(): the whole lines so far (empty when none yet); with got 0,
   * the end of the file, the last line without its newline (empty when none).
   */
  took(got: number): Buffer {
    const buf = this.bufs[this.which];
    this.limit = Number.MAX_SAFE_INTEGER;
    if (got === 0) {
      const rest = buf.subarray(0, this.filled);
      this.filled = 0;
      return rest;
    }
    const filled = this.filled + got;
    const end = buf.lastIndexOf(NEWLINE, filled - 1) + 1;
    if (end === 0) {
      // No newline yet; a line longer than a buffer: both grow, the line so far kept.
      if (filled === buf.length) {
        const grown = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(grown, 0, 0, filled);
        this.bufs[this.which] = grown;
        this.bufs[this.which ^ 1] = Buffer.allocUnsafe(grown.length);
      }
      this.filled = filled;
      return buf.subarray(0, 0);
    }
    this.which ^= 1;
    this.filled = filled - end;
    buf.copy(this.bufs[this.which], 0, end, filled);
    return buf.subarray(0, end);
  }
}

/** How many mounts the choice asks for their propagation (evenly spread over the table). */
export const SAMPLE = 64;
/** mountinfo up to this size is read without asking anything else (about 60 lines). */
export const SMALL = 8192;


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
export function readRawTable(fields: readonly MountField[] = ALL_FIELDS, listing = false): RawTable {
  return chooseTable(fields, listing, () => readMountinfoText());
}

/** The classic listing's table: as readRawTable(fields, true), with a big mountinfo streamed (mountinfoAhead). */
export function readStreamedTable(fields: readonly MountField[]): StreamedTable {
  return chooseTable(fields, true, () => mountinfoAhead());
}

/** readRawTable's choice, with `mountinfo` reading that table when it is the one chosen. */
function chooseTable<Text>(fields: readonly MountField[], listing: boolean, mountinfo: () => Text): RawTable<Text | string> {
  const force = forced();
  if (force === 'mountinfo' || statmountUnsupported()) return { source: 'mountinfo', text: mountinfo() };
  if (force !== 'statmount' && listing) {
    const small = smallMountinfo();
    if (small !== undefined) return { source: 'mountinfo', text: small };
  }
  // The propagation of a sample of the mounts decides (the whole list of IDs is read only when
  // statmount is chosen, or where the kernel cannot sample without it).
  let ids: Buffer | undefined;
  let sample: Buffer;
  try {
    sample = force === 'statmount' ? (ids = listMountIds()) : (sampleMountIds(SAMPLE) ?? (ids = listMountIds()));
  } catch (e) {
    // Linux before 6.8 (no listmount), a seccomp filter, or no koffi for this architecture:
    // listing needs none of them, mountinfo serves.
    if (e instanceof MountError && !isUnsupported(e)) throw e;
    markUnsupported();
    return { source: 'mountinfo', text: mountinfo() };
  }
  try {
    // A sample from sampleMountIds is asked whole (its newest ID is its last); a whole list, SAMPLE of it.
    if (force !== 'statmount' && !sampleHasSlave(sample, sample === ids ? SAMPLE : sample.length / 8)) return { source: 'mountinfo', text: mountinfo() };
    // The first answer here, in the try: a kernel that cannot give these fields says so at once.
    const each = statmountEach(ids ?? listMountIds(), fields);
    const first = each.next();
    return { source: 'statmount', entries: first.done ? [] : prepend(first.value, each) };
  } catch (e) {
    // A kernel that cannot give these fields (before 6.15: no supported_mask): mountinfo.
    if (!isUnsupported(e)) throw e;
    markUnsupported();
    return { source: 'mountinfo', text: mountinfo() };
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
  return new MountTable(parseMountinfo(raw.text, true));
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
