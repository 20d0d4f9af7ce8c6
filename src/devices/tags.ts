// LABEL=, UUID=, PARTUUID=, PARTLABEL=, ID= sources: resolved through udev's
// /dev/disk/by-* links, then by probing the block devices /proc/partitions lists.
import * as fs from 'fs';
import { probeForListing as probeFile } from './identify';
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
  if (tag.name !== 'LABEL' && tag.name !== 'UUID') return undefined;
  const idx = probedPartitions();
  return tag.name === 'LABEL' ? idx.byLabel.get(tag.value) : idx.byUuid.get(tag.value.toLowerCase());
}

/** Same tag name and value ('LABEL="x"' equals 'LABEL=x'; UUIDs compare without case). */
export function sameTag(a: Tag | undefined, b: Tag): boolean {
  if (!a || a.name !== b.name) return false;
  return a.name === 'UUID' ? a.value.toLowerCase() === b.value.toLowerCase() : a.value === b.value;
}

const deviceTagCache = new Map<string, Partial<Record<TagName, string>>>();

/**
 * Does the device (or image) at `dev` carry this tag? As libmount's mnt_cache_device_has_tag():
 * the device is probed once per run, whatever the number of tags asked about.
 */
export function deviceHasTag(dev: string, tag: Tag): boolean {
  let tags = deviceTagCache.get(dev);
  if (!tags) {
    tags = {};
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(osPath(dev));
    } catch {
      /* nothing there: no tags */
    }
    if (st && (st.isBlockDevice() || st.isFile())) {
      const r = probeFile(dev);
      if (r?.label !== undefined) tags.LABEL = r.label;
      if (r?.uuid !== undefined) tags.UUID = r.uuid;
    }
    deviceTagCache.set(dev, tags);
  }
  const v = tags[tag.name];
  return v !== undefined && sameTag({ name: tag.name, value: v }, tag);
}

interface PartitionIndex {
  text: string;
  byLabel: Map<string, string>;
  byUuid: Map<string, string>;
}
let partitionIndex: PartitionIndex | undefined;

/**
 * LABEL and UUID of every device /proc/partitions lists, probed once and kept while that list is
 * unchanged: mount -a with many tag entries probes each device once, not once per entry.
 */
function probedPartitions(): PartitionIndex {
  let text = '';
  try {
    text = fs.readFileSync('/proc/partitions', 'utf8');
  } catch {
    /* no /proc: nothing to probe */
  }
  if (partitionIndex?.text === text) return partitionIndex;
  const byLabel = new Map<string, string>();
  const byUuid = new Map<string, string>();
  for (const dev of partitionDevices(text)) {
    const r = probeFile(dev);
    if (r?.label !== undefined && !byLabel.has(r.label)) byLabel.set(r.label, dev);
    if (r?.uuid !== undefined && !byUuid.has(r.uuid.toLowerCase())) byUuid.set(r.uuid.toLowerCase(), dev);
  }
  partitionIndex = { text, byLabel, byUuid };
  return partitionIndex;
}
