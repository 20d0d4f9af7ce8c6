// util-linux's libblkid (libblkid.so.1) through koffi: the library mount(8) itself probes with.
//
// Nothing here runs at start-up: the library is opened on the first probe (or type question), so
// listing mounts or mounting a tmpfs never maps it. When it cannot be opened, every call throws
// BlkidUnavailable and each caller says what that means for it (detection: an error naming the
// source; listing: no LABEL/UUID; tags: only udev's links).
import fs = require('fs');
import { isRealRoot } from '../lib/env';
import { cString, decodeBytes, osPath } from '../sys/bytes';
import { koffi as loadKoffi } from '../sys/koffi';

// Flag values from blkid.h (part of libblkid.so.1's ABI, unchanged since they were introduced).
export const SUBLKS = { LABEL: 1 << 1, UUID: 1 << 3, TYPE: 1 << 5, USAGE: 1 << 7, VERSION: 1 << 8 } as const;
export const PARTS = { ENTRY_DETAILS: 1 << 2 } as const;

/** libblkid could not be loaded (missing, or lacking a function we bind). */
export class BlkidUnavailable extends Error {
  constructor(readonly library: string, readonly reason: string) {
    super(`${library} not available: ${reason}`);
    this.name = 'BlkidUnavailable';
  }
}

/** A blkid_probe handle: koffi 3 passes pointers as BigInt (null for NULL). */
type Probe = bigint;
type Fn<A extends unknown[], R> = (...args: A) => R;

interface Lib {
  newProbe: Fn<[], Probe | null>;
  freeProbe: Fn<[Probe], void>;
  setDevice: Fn<[Probe, number, number, number], number>;
  enableSuperblocks: Fn<[Probe, number], number>;
  setSuperblocksFlags: Fn<[Probe, number], number>;
  enablePartitions: Fn<[Probe, number], number>;
  setPartitionsFlags: Fn<[Probe, number], number>;
  doSafeprobe: Fn<[Probe], number>;
  /** data and len are one-element out-arrays: a pointer (BigInt) to bytes owned by the probe, and their length. */
  lookupValue: Fn<[Probe, string, [bigint | null], [number]], number>;
  knownFstype: Fn<[string | Buffer], number>;
  /** Copy `len` bytes at `ptr` (before the probe that owns them is freed). */
  bytes: (ptr: bigint, len: number) => Buffer;
}

let loaded: Lib | BlkidUnavailable | undefined;

/**
 * The library to open: TSMOUNT_LIBBLKID (for tests), else libblkid.so.1 from the linker's path.
 * Honoured for root only, like LIBMOUNT_FSTAB: a set-uid tsmount must not load a library a user names.
 */
export function libraryName(env: NodeJS.ProcessEnv = process.env): string {
  return (isRealRoot() && env.TSMOUNT_LIBBLKID) || 'libblkid.so.1';
}

/** True once the library has been opened (tests check that listing and tmpfs mounts never open it). */
export function blkidLoaded(): boolean {
  return loaded !== undefined && !(loaded instanceof BlkidUnavailable);
}

function open(): Lib {
  if (loaded instanceof BlkidUnavailable) throw loaded;
  if (loaded) return loaded;
  const name = libraryName();
  try {
    const koffi = loadKoffi();
    const so = koffi.load(name);
    // A named opaque pointer type: koffi checks that only blkid_probe values go where one is expected.
    const probe = koffi.pointer('tsmount_blkid_probe', koffi.opaque());
    const f = <A extends unknown[], R>(fn: string, ret: unknown, args: unknown[]): Fn<A, R> => so.func(fn, ret, args) as Fn<A, R>;
    loaded = {
      newProbe: f('blkid_new_probe', probe, []),
      freeProbe: f('blkid_free_probe', 'void', [probe]),
      setDevice: f('blkid_probe_set_device', 'int', [probe, 'int', 'int64_t', 'int64_t']),
      enableSuperblocks: f('blkid_probe_enable_superblocks', 'int', [probe, 'int']),
      setSuperblocksFlags: f('blkid_probe_set_superblocks_flags', 'int', [probe, 'int']),
      enablePartitions: f('blkid_probe_enable_partitions', 'int', [probe, 'int']),
      setPartitionsFlags: f('blkid_probe_set_partitions_flags', 'int', [probe, 'int']),
      doSafeprobe: f('blkid_do_safeprobe', 'int', [probe]),
      // the value as a pointer, not 'const char *': labels are bytes, not always UTF-8
      lookupValue: f('blkid_probe_lookup_value', 'int',
        [probe, 'str', koffi.out(koffi.pointer('void *')), koffi.out(koffi.pointer('size_t'))]),
      knownFstype: f('blkid_known_fstype', 'int', ['str']),
      bytes: (ptr, len) => Buffer.from(koffi.decode(ptr, 'uint8_t', len)),
    };
    return loaded;
  } catch (e) {
    // dlopen's own reason ("cannot open shared object file: ...") without koffi's prefix
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^Failed to load shared library: /, '');
    loaded = new BlkidUnavailable(name, reason);
    throw loaded;
  }
}

/** What to probe for: superblocks (BLKID_SUBLKS_* flags) and, optionally, the partition entry (BLKID_PARTS_*). */
export interface ProbeRequest {
  superblocks: number;
  partitions?: number;
  /** Where the probed area starts in the file (mount's offset=). */
  offset?: number;
}

/** The values a probe found (TYPE, LABEL, PART_ENTRY_UUID, ...), read before the probe is freed. */
export type Lookup = (name: string) => string | undefined;

/**
 * blkid_do_safeprobe() on `file`: 0 (found, `lookup` reads the values), 1 (nothing found), -2
 * (ambiguous: several signatures), or -1 (an error). Undefined when the file cannot be opened
 * or the probe not set up. Throws BlkidUnavailable when the library cannot be loaded.
 */
export function safeProbe<T>(file: string, req: ProbeRequest, use: (rc: number, lookup: Lookup) => T): T | undefined {
  const lib = open();
  let fd: number;
  try {
    // As blkid_new_probe_from_filename(): read-only, non-blocking (a drive without a medium must not
    // hang us); libuv adds O_CLOEXEC. Opened here so the path's bytes and the offset are ours to give.
    fd = fs.openSync(osPath(file), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  let pr: Probe | null = null;
  try {
    pr = lib.newProbe();
    if (pr === null) return undefined;
    if (lib.setDevice(pr, fd, req.offset ?? 0, 0) !== 0) return undefined;
    lib.enableSuperblocks(pr, 1);
    lib.setSuperblocksFlags(pr, req.superblocks);
    if (req.partitions !== undefined) {
      lib.enablePartitions(pr, 1);
      lib.setPartitionsFlags(pr, req.partitions);
    }
    const rc = lib.doSafeprobe(pr);
    const probe = pr;
    return use(rc, (name) => {
      const data: [bigint | null] = [null];
      const len: [number] = [0];
      if (lib.lookupValue(probe, name, data, len) !== 0 || data[0] === null) return undefined;
      const b = lib.bytes(data[0], len[0]);
      const z = b.indexOf(0); // the length counts the terminating NUL
      return decodeBytes(b, 0, z < 0 ? b.length : z);
    });
  } finally {
    if (pr !== null) lib.freeProbe(pr);
    fs.closeSync(fd);
  }
}

/** blkid_known_fstype(): is this a type libblkid can detect? Throws BlkidUnavailable. */
export function knownFsType(type: string): boolean {
  const c = cString(type);
  return open().knownFstype(c) === 1;
}
