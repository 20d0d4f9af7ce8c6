// Filesystem type, LABEL and UUID read from superblocks in TypeScript (no blkid process).
import * as fs from 'fs';

export interface ProbeResult {
  type: string;
  label?: string;
  uuid?: string;
}

type Prober = (read: (off: number, len: number) => Buffer) => ProbeResult | undefined;

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function cString(b: Buffer): string | undefined {
  const z = b.indexOf(0);
  const s = b.toString('utf8', 0, z < 0 ? b.length : z).replace(/\s+$/, '');
  return s === '' ? undefined : s;
}

const EXT_FEATURE_COMPAT_HAS_JOURNAL = 0x4;
const EXT3_INCOMPAT_SUPPORTED = 0x2 | 0x4; // filetype, recover
const EXT2_RO_COMPAT_SUPPORTED = 0x1 | 0x2 | 0x4; // sparse_super, large_file, btree_dir

/** ext2/ext3/ext4: magic 0xEF53 at 1024+56; ext3 has a journal; ext4 has features ext3 lacks. */
const probeExt: Prober = (read) => {
  const sb = read(1024, 1024);
  if (sb.length < 264 || sb.readUInt16LE(56) !== 0xef53) return undefined;
  const compat = sb.readUInt32LE(92);
  const incompat = sb.readUInt32LE(96);
  const roCompat = sb.readUInt32LE(100);
  let type = 'ext2';
  if (compat & EXT_FEATURE_COMPAT_HAS_JOURNAL) type = 'ext3';
  if ((incompat & ~EXT3_INCOMPAT_SUPPORTED) || (roCompat & ~EXT2_RO_COMPAT_SUPPORTED)) type = 'ext4';
  if (incompat & 0x8) type = 'jbd'; // journal device
  return { type, uuid: uuidString(sb.subarray(104, 120)), label: cString(sb.subarray(120, 136)) };
};

export const PROBERS: Prober[] = [probeExt];

/** Probe a device or image (at `offset`). Returns undefined when nothing is recognised. */
export function probeFile(file: string, offset = 0): ProbeResult | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const read = (off: number, len: number): Buffer => {
      const b = Buffer.alloc(len);
      const n = fs.readSync(fd, b, 0, len, offset + off);
      return b.subarray(0, n);
    };
    for (const p of PROBERS) {
      const r = p(read);
      if (r) return r;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
