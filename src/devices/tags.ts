// LABEL=, UUID=, PARTUUID=, PARTLABEL=, ID= sources: resolved through udev's
// /dev/disk/by-* links, then (all but ID=) by probing the block devices /proc/partitions lists
// with libblkid, as libblkid's own blkid_evaluate_tag() falls back to scanning them.
import fs = require('fs');
import { probeTags, DeviceTags } from './identify';
import { BlkidUnavailable } from './blkid';
import { osPath } from '../sys/bytes';

export const TAG_NAMES = ['LABEL', 'UUID', 'PARTUUID', 'PARTLABEL', 'ID'] as const;
export type TagName = (typeof TAG_NAMES)[number];

export interface Tag {
  name: TagName;
  value: string;
}

/** "LABEL=x" / 'LABEL="x"' → the tag, or undefined for anything else. */
export function parseTag(spec: string): Tag | undefined {
  const eq = spec.indexOf('=');
  if (eq <= 0) return undefined;
  const name = spec.slice(0, eq);
  if (!(TAG_NAMES as readonly string[]).includes(name)) return undefined;
  let value = spec.slice(eq + 1);
  if (value.length >= 2 && ((value[0] === '"' && value.endsWith('"')) || (value[0] === "'" && value.endsWith("'")))) {
    value = value.slice(1, -1);
  }
  return { name: name as TagName, value };
}

const BY_DIR: Record<TagName, string> = {
  LABEL: '/dev/disk/by-label', UUID: '/dev/disk/by-uuid', PARTUUID: '/dev/disk/by-partuuid',
  PARTLABEL: '/dev/disk/by-partlabel', ID: '/dev/disk/by-id',
};

/** udev escapes blanks and '/' in link names as \x20 and \x2f. */
function udevEncode(v: string): string {
  return v.replace(/[^A-Za-z0-9#+\-.:=@_]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Block devices from /proc/partitions (loop devices included). */
export function partitionDevices(text?: string): string[] {
  let t = text;
  if (t === undefined) {
    try {
      t = fs.readFileSync('/proc/partitions', 'utf8');
    } catch {
      return [];
    }
  }
  const out: string[] = [];
  for (const line of t.split('\n').slice(2)) {
    const f = line.trim().split(/\s+/);
    if (f.length === 4 && f[3]) out.push(`/dev/${f[3]}`);
  }
  return out;
}

/** Resolve a tag to a device path, or undefined. */
export function resolveTag(tag: Tag): string | undefined {
  const link = `${BY_DIR[tag.name]}/${udevEncode(tag.value)}`;
  try {
    return fs.realpathSync(link);
  } catch {
    /* not known to udev */
  }
  if (tag.name === 'ID') return undefined; // ID= is udev's own name for a device: nothing to probe
  return probedPartitions().get(tagKey(tag.name, tag.value));
}

/** The key a tag is compared by: UUIDs without case, every other value as it is. */
function tagKey(name: TagName, value: string): string {
  return `${name}=${name === 'UUID' ? value.toLowerCase() : value}`;
}

/** Same tag name and value ('LABEL="x"' equals 'LABEL=x'; UUIDs compare without case). */
export function sameTag(a: Tag | undefined, b: Tag): boolean {
  if (!a || a.name !== b.name) return false;
  return tagKey(a.name, a.value) === tagKey(b.name, b.value);
}

/** Set when a probe could not be made because libblkid is missing (for "can't find" messages). */
let unavailable: BlkidUnavailable | undefined;

/** Why devices could not be probed for tags in this run, if they could not. */
export function tagProbeUnavailable(): BlkidUnavailable | undefined {
  return unavailable;
}

/** Tags found per device, so that a device is probed once per run however many tags are asked about. */
const deviceTags = new Map<string, DeviceTags>();

function probeDevice(dev: string): DeviceTags {
  let tags: DeviceTags = {};
  try {
    tags = probeTags(dev);
  } catch (e) {
    if (!(e instanceof BlkidUnavailable)) throw e;
    unavailable = e; // no libblkid: the device carries no tag we can see
  }
  deviceTags.set(dev, tags);
  return tags;
}

/**
 * Does the device (or image) at `dev` carry this tag? As libmount's mnt_cache_device_has_tag():
 * the device is probed once per run, whatever the number of tags asked about.
 */
export function deviceHasTag(dev: string, tag: Tag): boolean {
  if (tag.name === 'ID') return false;
  let tags = deviceTags.get(dev);
  if (!tags) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(osPath(dev));
    } catch {
      /* nothing there: no tags */
    }
    if (st && (st.isBlockDevice() || st.isFile())) tags = probeDevice(dev);
    else deviceTags.set(dev, (tags = {}));
  }
  const v = tags[tag.name];
  return v !== undefined && sameTag({ name: tag.name, value: v }, tag);
}

let partitionIndex: { text: string; devices: Map<string, string> } | undefined;

/**
 * Every tag of every device /proc/partitions lists (tagKey → the first device carrying it), probed
 * once and kept while that list is unchanged: mount -a with many tag entries probes each device
 * once, not once per entry. A changed list (a loop device attached since) probes them again.
 */
function probedPartitions(): Map<string, string> {
  let text = '';
  try {
    text = fs.readFileSync('/proc/partitions', 'utf8');
  } catch {
    /* no /proc: nothing to probe */
  }
  if (partitionIndex?.text === text) return partitionIndex.devices;
  // The first index reuses what deviceHasTag() already probed; a later one (the list changed, so a
  // device name may now stand for another disk) probes every device again.
  const first = partitionIndex === undefined;
  const devices = new Map<string, string>();
  for (const dev of partitionDevices(text)) {
    const tags = (first && deviceTags.get(dev)) || probeDevice(dev);
    for (const name of ['LABEL', 'UUID', 'PARTUUID', 'PARTLABEL'] as const) {
      const v = tags[name];
      if (v === undefined) continue;
      const k = tagKey(name, v);
      if (!devices.has(k)) devices.set(k, dev);
    }
  }
  partitionIndex = { text, devices };
  return devices;
}
