// What is on a device or image, in tsmount's terms, as libmount asks libblkid: the filesystem
// type for detection (mnt_get_fstype), LABEL/UUID for listings, and the tags a device carries
// for LABEL=/UUID=/PARTUUID=/PARTLABEL= (mnt_cache_read_tags). See blkid.ts for the binding.
import { safeProbe, Lookup, SUBLKS, PARTS, BlkidUnavailable } from './blkid';

export type ProbeUsage = 'filesystem' | 'raid' | 'crypto' | 'other';

export interface ProbeResult {
  type: string;
  label?: string;
  uuid?: string;
  /** Format revision where the superblock has one (FAT12/FAT16/FAT32, "1.0", LUKS "2", ...). */
  version?: string;
  /** blkid's USAGE: 'crypto' for LUKS, 'other' for swap, journals and suspend images. */
  usage?: ProbeUsage;
}

export interface SafeProbeResult {
  /** What blkid_do_safeprobe() found; undefined when nothing matched or the match is ambiguous. */
  result?: ProbeResult;
  /** blkid_do_safeprobe() returned -2: several signatures (util-linux's "more filesystems detected"). */
  ambiguous: boolean;
}

const SUPERBLOCK_VALUES = SUBLKS.TYPE | SUBLKS.LABEL | SUBLKS.UUID | SUBLKS.USAGE | SUBLKS.VERSION;

function resultOf(get: Lookup): ProbeResult | undefined {
  const type = get('TYPE');
  if (type === undefined) return undefined;
  const r: ProbeResult = { type };
  const label = get('LABEL');
  if (label !== undefined) r.label = label;
  const uuid = get('UUID');
  if (uuid !== undefined) r.uuid = uuid;
  const version = get('VERSION');
  if (version !== undefined) r.version = version;
  const usage = get('USAGE');
  if (usage !== undefined) r.usage = usage as ProbeUsage;
  return r;
}

/**
 * blkid_do_safeprobe() of the superblocks of `file` (from `offset`). Throws BlkidUnavailable when
 * libblkid cannot be loaded; a file that cannot be opened or read is "nothing found".
 */
export function probeSafe(file: string, offset = 0): SafeProbeResult {
  const r = safeProbe(file, { superblocks: SUPERBLOCK_VALUES, offset }, (rc, get): SafeProbeResult => {
    if (rc === -2) return { ambiguous: true };
    return rc === 0 ? { result: resultOf(get), ambiguous: false } : { ambiguous: false };
  });
  return r ?? { ambiguous: false };
}

/** The filesystem on a device or image, or undefined (nothing, ambiguous, unreadable). Throws BlkidUnavailable. */
export function probeFile(file: string, offset = 0): ProbeResult | undefined {
  return probeSafe(file, offset).result;
}

/** The tags a device carries, under their tag names. */
export interface DeviceTags {
  LABEL?: string;
  UUID?: string;
  PARTUUID?: string;
  PARTLABEL?: string;
}

/**
 * LABEL and UUID of the filesystem and, for a partition, PARTUUID and PARTLABEL of its entry in
 * the partition table (libblkid reads the whole disk's table for that), in one safe probe as
 * libmount's mnt_cache_read_tags(): an ambiguous device carries no tags. Throws BlkidUnavailable.
 */
export function probeTags(dev: string): DeviceTags {
  const tags = safeProbe(dev, { superblocks: SUBLKS.LABEL | SUBLKS.UUID | SUBLKS.TYPE, partitions: PARTS.ENTRY_DETAILS },
    (rc, get): DeviceTags => {
      if (rc !== 0) return {};
      const t: DeviceTags = {};
      const set = (name: keyof DeviceTags, v: string | undefined): void => {
        if (v !== undefined) t[name] = v;
      };
      set('LABEL', get('LABEL'));
      set('UUID', get('UUID'));
      set('PARTUUID', get('PART_ENTRY_UUID'));
      set('PARTLABEL', get('PART_ENTRY_NAME'));
      return t;
    });
  return tags ?? {};
}

/**
 * probeFile() for listings (LABEL and UUID columns, mount -l): without libblkid a device simply
 * shows no label, as findmnt shows an empty column for what it cannot read.
 */
export function probeForListing(file: string): ProbeResult | undefined {
  try {
    return probeFile(file);
  } catch (e) {
    if (e instanceof BlkidUnavailable) return undefined;
    throw e;
  }
}
