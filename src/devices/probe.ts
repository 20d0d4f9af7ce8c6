// Filesystem type, LABEL and UUID read from superblocks in TypeScript (no blkid process).
//
// The probers follow libblkid's on-disk checks (magic, sanity checks, checksums) and its order
// (crypto first, then vfat, swap, xfs, ext*, udf, iso9660, ntfs, squashfs, btrfs, exfat, f2fs,
// erofs), so the first match is the type blkid would report and probeSafe() can report the
// "more filesystems detected" ambiguity the way blkid_do_safeprobe() does.
//
// Every read is a small positioned read through a 4 KiB chunk cache; a short, truncated or
// garbage image makes a prober answer undefined, never throw.
import * as fs from 'fs';
import { osPath } from '../sys/bytes';

export type ProbeUsage = 'filesystem' | 'crypto' | 'other';

export interface ProbeResult {
  type: string;
  label?: string;
  uuid?: string;
  /** Format revision where the superblock has one (FAT12/FAT16/FAT32, "4.0", LUKS "1"/"2", ...). */
  version?: string;
  /** As blkid's USAGE: 'crypto' for LUKS, 'other' for swap, journals and suspend images. */
  usage?: ProbeUsage;
}

/** Reads `len` bytes at `off` (relative to the probed offset); a shorter buffer at the end. */
type Reader = (off: number, len: number) => Buffer;
type Prober = (read: Reader, size: number) => ProbeResult | undefined;

// ---------------------------------------------------------------------------------------------
// helpers

const EMPTY = Buffer.alloc(0);

/** The exact `len` bytes at `off`, or undefined when the image is too short. */
function need(read: Reader, off: number, len: number): Buffer | undefined {
  const b = read(off, len);
  return b.length === len ? b : undefined;
}

function isZero(b: Buffer): boolean {
  for (const x of b) if (x !== 0) return false;
  return true;
}

function uuidString(b: Buffer): string | undefined {
  if (b.length !== 16 || isZero(b)) return undefined; // blkid ignores an all-zero UUID
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** C isspace() trailing trim, as blkid_rtrim_whitespace(). */
function rtrim(s: string): string {
  return s.replace(/[ \t\n\v\f\r]+$/, '');
}

/** A NUL-terminated byte string with trailing blanks cut (blkid_probe_set_label). */
function cString(b: Buffer): string | undefined {
  const z = b.indexOf(0);
  const s = rtrim(b.toString('utf8', 0, z < 0 ? b.length : z));
  return s === '' ? undefined : s;
}

type Enc = 'utf16le' | 'utf16be' | 'latin1';

/** ul_encode_to_utf8(): stops at a NUL character and at `max` output bytes (NUL included). */
function encodeToUtf8(enc: Enc, src: Buffer, max = src.length * 3 + 1): Buffer {
  const out: number[] = [];
  const count = src.length;
  for (let i = 0; i < count; i++) {
    let c: number;
    if (enc === 'latin1') c = src[i];
    else {
      if (i + 2 > count) break;
      c = enc === 'utf16le' ? (src[i + 1] << 8) | src[i] : (src[i] << 8) | src[i + 1];
      i++;
      if (c >= 0xd800 && c <= 0xdbff && i + 2 < count) {
        const c2 = enc === 'utf16le' ? (src[i + 2] << 8) | src[i + 1] : (src[i + 1] << 8) | src[i + 2];
        if (c2 >= 0xdc00 && c2 <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
          i += 2;
        }
      }
    }
    if (c === 0) break;
    const j = out.length;
    if (c < 0x80) {
      if (j + 1 >= max) break;
      out.push(c);
    } else if (c < 0x800) {
      if (j + 2 >= max) break;
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      if (j + 3 >= max) break;
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    } else {
      if (j + 4 >= max) break;
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return Buffer.from(out);
}

/** blkid_probe_set_utf8label(): decoded, NUL-terminated, trailing blanks cut. */
function encString(b: Buffer, enc: Enc): string | undefined {
  const s = rtrim(encodeToUtf8(enc, b).toString('utf8'));
  return s === '' ? undefined : s;
}

function makeTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

let crc32cTable: Uint32Array | undefined;
let crc32Table: Uint32Array | undefined;

/** Raw reflected CRC-32C update (no pre/post inversion), as util-linux crc32c(). */
function crc32cRaw(crc: number, b: Buffer, start = 0, end = b.length): number {
  const t = (crc32cTable ??= makeTable(0x82f63b78));
  let c = crc >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

/** crc32c over `b` with bytes [exOff, exOff+exLen) read as zero (ul_crc32c_exclude_offset). */
function crc32cExclude(crc: number, b: Buffer, exOff: number, exLen: number): number {
  let c = crc32cRaw(crc, b, 0, exOff);
  c = crc32cRaw(c, Buffer.alloc(exLen));
  return crc32cRaw(c, b, exOff + exLen);
}

/** Raw reflected CRC-32 (IEEE) update, as util-linux ul_crc32(). */
function crc32Raw(crc: number, b: Buffer): number {
  const t = (crc32Table ??= makeTable(0xedb88320));
  let c = crc >>> 0;
  for (let i = 0; i < b.length; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return c >>> 0;
}

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;
const rotl64 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
const xxRound = (acc: bigint, v: bigint): bigint => (rotl64((acc + v * P2) & M64, 31n) * P1) & M64;
const xxMerge = (acc: bigint, v: bigint): bigint => (((acc ^ xxRound(0n, v)) * P1) & M64) + P4 & M64;

/** XXH64 with seed 0 (btrfs csum_type 1). */
function xxh64(b: Buffer): bigint {
  const len = b.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M64 + 1n - P1) & M64;
    for (; p + 32 <= len; p += 32) {
      v1 = xxRound(v1, b.readBigUInt64LE(p));
      v2 = xxRound(v2, b.readBigUInt64LE(p + 8));
      v3 = xxRound(v3, b.readBigUInt64LE(p + 16));
      v4 = xxRound(v4, b.readBigUInt64LE(p + 24));
    }
    h = (rotl64(v1, 1n) + rotl64(v2, 7n) + rotl64(v3, 12n) + rotl64(v4, 18n)) & M64;
    h = xxMerge(h, v1);
    h = xxMerge(h, v2);
    h = xxMerge(h, v3);
    h = xxMerge(h, v4);
  } else h = P5;
  h = (h + BigInt(len)) & M64;
  for (; p + 8 <= len; p += 8) {
    h ^= xxRound(0n, b.readBigUInt64LE(p));
    h = ((rotl64(h, 27n) * P1) & M64) + P4 & M64;
  }
  if (p + 4 <= len) {
    h ^= (BigInt(b.readUInt32LE(p)) * P1) & M64;
    h = ((rotl64(h, 23n) * P2) & M64) + P3 & M64;
    p += 4;
  }
  for (; p < len; p++) {
    h ^= (BigInt(b[p]) * P5) & M64;
    h = (rotl64(h, 11n) * P1) & M64;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
const ascii = (b: Buffer, off: number, len: number): string => b.toString('latin1', off, off + len);

// ---------------------------------------------------------------------------------------------
// crypto / other

/** LUKS1 and LUKS2 primary header: "LUKS\xba\xbe" at 0 (luks.c). */
const probeLuks: Prober = (read) => {
  const h = need(read, 0, 512);
  if (!h || !h.subarray(0, 6).equals(Buffer.from('LUKS\xba\xbe', 'latin1'))) return undefined;
  const version = h.readUInt16BE(6);
  if (version === 2 && h.readBigUInt64BE(256) !== 0n) return undefined; // hdr_offset must be 0
  const r: ProbeResult = { type: 'crypto_LUKS', usage: 'crypto', version: String(version) };
  if (version === 1 || version === 2) {
    const u = cString(h.subarray(168, 208));
    if (u) r.uuid = u;
  }
  if (version === 2) {
    const l = cString(h.subarray(24, 72));
    if (l) r.label = l;
  }
  return r;
};

const SWAP_PAGE_OFFSETS = [0xff6, 0x1ff6, 0x3ff6, 0x7ff6, 0xfff6]; // page size - 10, 4K..64K
const SWAP_MIN_SIZE = 10 * 4096;
const TOI_MAGIC = Buffer.from([0xed, 0xc3, 0x02, 0xe9, 0x98, 0x56, 0xe5, 0x0c]);

/** swap_set_info(): the v1 header at 1024 (version, lastpage, uuid, label). */
function swapInfo(read: Reader, version: string, r: ProbeResult): ProbeResult | undefined {
  const h = need(read, 1024, 16 + 16 + 12 + 117 * 4 + 4);
  if (!h) return undefined;
  if (version === '1') {
    const v = h.readUInt32LE(0);
    if (v !== 1 && h.readUInt32BE(0) !== 1) return undefined;
    if (h.readUInt32LE(4) === 0) return undefined; // lastpage
  }
  // padding[32], padding[33]: "is there any garbage down there?"
  if (h.readUInt32LE(44 + 32 * 4) === 0 && h.readUInt32LE(44 + 33 * 4) === 0) {
    const l = cString(h.subarray(28, 44));
    if (l) r.label = l;
    const u = uuidString(h.subarray(12, 28));
    if (u) r.uuid = u;
  }
  r.version = version;
  return r;
}

/** Hibernation images in a swap area (swsuspend in blkid). */
const probeSwsuspend: Prober = (read, size) => {
  if (size < SWAP_MIN_SIZE) return undefined;
  const head = need(read, 0, 8);
  if (head && head.equals(TOI_MAGIC)) return swapInfo(read, 'tuxonice', { type: 'swsuspend', usage: 'other' });
  const kinds: Record<string, string> = { S1SUSPEND: 's1suspend', S2SUSPEND: 's2suspend', ULSUSPEND: 'ulsuspend' };
  for (const off of SWAP_PAGE_OFFSETS) {
    const m = read(off, 10);
    if (m.length < 9) break;
    const k = kinds[ascii(m, 0, 9)] ?? (m.length === 10 && ascii(m, 0, 10) === 'LINHIB0001' ? 'linhib0001' : undefined);
    if (k) return swapInfo(read, k, { type: 'swsuspend', usage: 'other' });
  }
  return undefined;
};

/** Linux swap: "SWAPSPACE2" (v1) or "SWAP-SPACE" (v0) in the last 10 bytes of the first page. */
const probeSwap: Prober = (read, size) => {
  if (size < SWAP_MIN_SIZE) return undefined;
  for (const off of SWAP_PAGE_OFFSETS) {
    const m = need(read, off, 10);
    if (!m) break;
    const s = ascii(m, 0, 10);
    if (s !== 'SWAPSPACE2' && s !== 'SWAP-SPACE') continue;
    const head = need(read, 0, 8);
    if (!head || head.equals(TOI_MAGIC)) return undefined; // TuxOnIce keeps a swap header too
    if (s === 'SWAP-SPACE') return { type: 'swap', usage: 'other', version: '0' };
    return swapInfo(read, '1', { type: 'swap', usage: 'other' });
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// FAT

const FAT12_MAX = 0xff4;
const FAT16_MAX = 0xfff4;
const FAT32_MAX = 0x0ffffff6;

/** The volume-label entry of a FAT directory (search_fat_label); null = none, read in 4 KiB steps. */
function fatDirLabel(read: Reader, off: number, entries: number): Buffer | null {
  const STEP = 128; // entries per read
  for (let i = 0; i < entries; i += STEP) {
    const n = Math.min(STEP, entries - i);
    const dir = read(off + i * 32, n * 32);
    for (let k = 0; k < n; k++) {
      if ((k + 1) * 32 > dir.length) return null;
      const e = dir.subarray(k * 32, k * 32 + 32);
      if (e[0] === 0x00) return null;
      const attr = e[11];
      if (e[0] === 0xe5 || e.readUInt16LE(20) !== 0 || e.readUInt16LE(26) !== 0 || (attr & 0x3f) === 0x0f) continue;
      if ((attr & (0x08 | 0x10)) === 0x08) {
        const name = Buffer.from(e.subarray(0, 11));
        if (name[0] === 0x05) name[0] = 0xe5;
        return name;
      }
    }
  }
  return null;
}

/** vfat.c: FAT12/16/32 boot sector, label from the root directory (else the boot sector). */
const probeVfat: Prober = (read) => {
  const b = need(read, 0, 512);
  if (!b) return undefined;
  const s52 = ascii(b, 0x52, 8);
  const s36 = ascii(b, 0x36, 8);
  const strong = s52.startsWith('MSWIN') || s52 === 'FAT32   ' || s36.startsWith('MSDOS') ||
    s36 === 'FAT16   ' || s36 === 'FAT12   ' || s36 === 'FAT     ';
  if (!strong) {
    if (b[0] !== 0xeb && b[0] !== 0xe9 && !(b[0x1fe] === 0x55 && b[0x1ff] === 0xaa)) return undefined;
    // magics of one or two bytes: an old floppy has a valid MBR signature; OS/2 puts
    // FAT-like pseudo boot sectors on JFS and HPFS.
    if (b[0x1fe] !== 0x55 || b[0x1ff] !== 0xaa) return undefined;
    if (s36 === 'JFS     ' || s36 === 'HPFS    ') return undefined;
  }
  if (ascii(b, 3, 8) === '-FVE-FS-') return undefined; // BitLocker
  const fats = b[0x10];
  const reserved = b.readUInt16LE(0x0e);
  const media = b[0x15];
  const clusterSize = b[0x0d];
  const sectorSize = b.readUInt16LE(0x0b);
  if (!fats || !reserved || !(media >= 0xf8 || media === 0xf0) || !isPow2(clusterSize)) return undefined;
  if (!isPow2(sectorSize) || sectorSize < 512 || sectorSize > 4096) return undefined;
  const dirEntries = b.readUInt16LE(0x11);
  let sectCount = b.readUInt16LE(0x13);
  if (sectCount === 0) sectCount = b.readUInt32LE(0x20);
  const fatLength16 = b.readUInt16LE(0x16);
  const fat32Length = b.readUInt32LE(0x24);
  const fatLength = fatLength16 || fat32Length;
  const fatSize = (fatLength * fats) % 2 ** 32;
  const dirSize = Math.floor((dirEntries * 32 + sectorSize - 1) / sectorSize);
  const clusterCount = Math.floor(((sectCount - (reserved + fatSize + dirSize)) % 2 ** 32 + 2 ** 32) % 2 ** 32 / clusterSize);
  const maxCount = !fatLength16 && fat32Length ? FAT32_MAX : clusterCount > FAT12_MAX ? FAT16_MAX : FAT12_MAX;
  if (clusterCount > maxCount) return undefined;

  let volLabel: Buffer | null = null;
  let bootLabel: Buffer | undefined;
  let serno: Buffer | undefined;
  let version: string | undefined;
  if (fatLength16) {
    volLabel = fatDirLabel(read, (reserved + fatSize) * sectorSize, dirEntries);
    if (b[0x26] === 0x29) bootLabel = b.subarray(0x2b, 0x36);
    if (b[0x26] === 0x28 || b[0x26] === 0x29) serno = b.subarray(0x27, 0x2b);
    if (clusterCount < FAT12_MAX) version = 'FAT12';
    else if (clusterCount < FAT16_MAX) version = 'FAT16';
  } else if (fat32Length) {
    const clusterBytes = clusterSize * sectorSize;
    const startDataSect = reserved + fatSize;
    const entries = Math.floor((fat32Length * sectorSize) / 4);
    let next = b.readUInt32LE(0x2c);
    let maxloop = 100;
    while (next && next < entries && --maxloop) {
      const off = (startDataSect + (next - 2) * clusterSize) * sectorSize;
      volLabel = fatDirLabel(read, off, clusterBytes / 32);
      if (volLabel) break;
      const fe = need(read, reserved * sectorSize + next * 4, 4);
      if (!fe) break;
      next = fe.readUInt32LE(0) & 0x0fffffff;
    }
    version = 'FAT32';
    if (b[0x42] === 0x29) bootLabel = b.subarray(0x47, 0x52);
    serno = b.subarray(0x43, 0x47);
    const fsinfoSect = b.readUInt16LE(0x30);
    if (fsinfoSect) {
      const fi = need(read, fsinfoSect * sectorSize, 512);
      if (!fi) return undefined;
      const s1 = fi.readUInt32BE(0);
      const s2 = fi.readUInt32BE(484);
      if (s1 !== 0x52526141 && s1 !== 0x52526441 && s1 !== 0) return undefined;
      if (s2 !== 0x72724161 && s2 !== 0) return undefined;
    }
  } // neither FAT length set: blkid still says vfat, with nothing more to tell

  const r: ProbeResult = { type: 'vfat', usage: 'filesystem' };
  // libblkid's LABEL is the root-directory entry; the boot-sector copy (LABEL_FATBOOT) stands
  // in when the root directory has none.
  const label = (volLabel && cString(volLabel)) ||
    (bootLabel && ascii(bootLabel, 0, 11) !== 'NO NAME    ' ? cString(bootLabel) : undefined);
  if (label) r.label = label;
  if (serno) {
    const hx = (i: number): string => serno![i].toString(16).toUpperCase().padStart(2, '0');
    r.uuid = `${hx(3)}${hx(2)}-${hx(1)}${hx(0)}`;
  }
  if (version) r.version = version;
  return r;
};

// ---------------------------------------------------------------------------------------------
// xfs, ext

/** xfs.c: "XFSB" at 0, geometry sanity checks, CRC32C of v5 superblocks. */
const probeXfs: Prober = (read) => {
  const sb = need(read, 0, 272);
  if (!sb || ascii(sb, 0, 4) !== 'XFSB') return undefined;
  const blocksize = sb.readUInt32BE(4);
  const dblocks = sb.readBigUInt64BE(8);
  const rextsize = sb.readUInt32BE(80);
  const agblocks = sb.readUInt32BE(84);
  const agcount = sb.readUInt32BE(88);
  const versionnum = sb.readUInt16BE(100);
  const sectsize = sb.readUInt16BE(102);
  const inodesize = sb.readUInt16BE(104);
  const [blocklog, sectlog, inodelog, inopblog] = [sb[120], sb[121], sb[122], sb[123]];
  const imaxPct = sb[127];
  const features2 = sb.readUInt32BE(200);
  const rtext = Math.imul(rextsize, blocksize) >>> 0; // uint32 product, as in C
  if (agcount <= 0 || sectsize < 512 || sectsize > 32768 || sectlog < 9 || sectlog > 15 ||
      sectsize !== 1 << sectlog || blocksize < 512 || blocksize > 65536 || blocklog < 9 ||
      blocklog > 16 || blocksize !== 2 ** blocklog || inodesize < 256 || inodesize > 2048 ||
      inodelog < 8 || inodelog > 11 || inodesize !== 1 << inodelog ||
      blocklog - inodelog !== inopblog || rtext > 1024 * 1024 * 1024 || rtext < 4096 ||
      imaxPct > 100 || dblocks === 0n || dblocks > BigInt(agcount) * BigInt(agblocks) ||
      dblocks < BigInt(agcount - 1) * BigInt(agblocks) + 64n) return undefined;
  if ((versionnum & 0x0f) === 5) {
    if (!(versionnum & 0x8000) || !(features2 & 0x100)) return undefined;
    const full = need(read, 0, sectsize);
    if (!full) return undefined;
    const crc = (crc32cExclude(0xffffffff, full, 224, 4) ^ 0xffffffff) >>> 0;
    if (crc !== full.readUInt32LE(224)) return undefined;
  }
  const r: ProbeResult = { type: 'xfs', usage: 'filesystem' };
  if (sb[108] !== 0) {
    const l = cString(sb.subarray(108, 120));
    if (l) r.label = l;
  }
  const u = uuidString(sb.subarray(32, 48));
  if (u) r.uuid = u;
  return r;
};

const EXT3_FEATURE_COMPAT_HAS_JOURNAL = 0x4;
const EXT3_FEATURE_INCOMPAT_JOURNAL_DEV = 0x8;
const EXT2_RO_COMPAT_SUPP = 0x1 | 0x2 | 0x4; // sparse_super, large_file, btree_dir
const EXT2_INCOMPAT_SUPP = 0x2 | 0x10; // filetype, meta_bg
const EXT3_INCOMPAT_SUPP = 0x2 | 0x4 | 0x10; // filetype, recover, meta_bg
const EXT4_RO_COMPAT_METADATA_CSUM = 0x400;
const EXT2_FLAGS_TEST_FILESYS = 0x4;

/** ext.c: magic 0xEF53 at 1024+56; ext2 / ext3 (journal) / ext4 (features ext3 lacks) / jbd. */
const probeExt: Prober = (read) => {
  const sb = need(read, 1024, 1024);
  if (!sb || sb.readUInt16LE(56) !== 0xef53) return undefined;
  const compat = sb.readUInt32LE(92);
  const incompat = sb.readUInt32LE(96);
  const roCompat = sb.readUInt32LE(100);
  if (roCompat & EXT4_RO_COMPAT_METADATA_CSUM) {
    if (crc32cRaw(0xffffffff, sb, 0, 1020) !== sb.readUInt32LE(1020)) return undefined;
  } else if (sb.readUInt32LE(24) >= 256) return undefined; // s_log_block_size
  const flags = sb.readUInt32LE(0x160);
  let type: string;
  if (incompat & EXT3_FEATURE_INCOMPAT_JOURNAL_DEV) type = 'jbd';
  else if (flags & EXT2_FLAGS_TEST_FILESYS) type = 'ext4dev';
  else if ((roCompat & ~EXT2_RO_COMPAT_SUPP) || (incompat & ~EXT3_INCOMPAT_SUPP)) type = 'ext4';
  else if (compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) type = 'ext3';
  else if (!(incompat & ~EXT2_INCOMPAT_SUPP)) type = 'ext2';
  else return undefined; // no journal but "recover": nothing blkid names
  const r: ProbeResult = { type, usage: type === 'jbd' ? 'other' : 'filesystem' };
  r.version = `${sb.readUInt32LE(76)}.${sb.readUInt16LE(62)}`;
  const u = uuidString(sb.subarray(104, 120));
  if (u) r.uuid = u;
  if (sb[120] !== 0) {
    const l = cString(sb.subarray(120, 136));
    if (l) r.label = l;
  }
  return r;
};

// ---------------------------------------------------------------------------------------------
// optical: udf, iso9660

const UDF_VD_SIZE = 440; // sizeof(struct volume_descriptor)
const OSTA_CS0 = 'OSTA Compressed Unicode';

/** strncmp(field, lit, field.length) === 0 for a shorter literal: lit, then NUL. */
function fieldIs(b: Buffer, off: number, len: number, lit: string): boolean {
  const f = b.subarray(off, off + len);
  const l = Buffer.from(lit, 'latin1');
  return f.subarray(0, l.length).equals(l) && (l.length >= len || f[l.length] === 0);
}

/** A dstring (cid, chars, length byte) in its CS0 encoding, as UTF-8 bytes. */
function udfDstring(vd: Buffer, off: number, size: number, max?: number): Buffer | undefined {
  const cid = vd[off];
  const enc: Enc | undefined = cid === 8 ? 'latin1' : cid === 16 ? 'utf16be' : undefined;
  if (!enc) return undefined;
  let clen = vd[off + size - 1];
  if (clen > 0) clen--;
  clen = Math.min(clen, size - 2);
  return encodeToUtf8(enc, vd.subarray(off + 1, off + 1 + clen), max);
}

/** gen_uuid_from_volset_id(): up to 16 hex characters from the VolumeSetIdentifier. */
function udfUuid(vd: Buffer): string | undefined {
  const u8 = udfDstring(vd, 72, 128, 17);
  if (!u8 || u8.length < 8) return undefined;
  const buf = Buffer.alloc(17);
  u8.copy(buf);
  const isx = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  let nonhex = 16;
  for (let i = 0; i < 16; i++) if (!isx(buf[i])) { nonhex = i; break; }
  const hex = (from: number, to: number): string => buf.subarray(from, to).toString('hex');
  const lower = (to: number): string => buf.toString('latin1', 0, to).toLowerCase();
  const s = nonhex < 8 ? hex(0, 8) : nonhex < 16 ? lower(8) + hex(8, 12) : lower(16);
  return rtrim(s) || undefined;
}

/** udf.c: ECMA-167 volume recognition (BEA01/NSR0x), anchor at 256, "*OSTA UDF Compliant" LVD. */
const probeUdf: Prober = (read) => {
  const first = read(0x8000, 6);
  const UDF_MAGICS = ['BEA01', 'BOOT2', 'CD001', 'CDW02', 'NSR02', 'NSR03', 'TEA01'];
  if (first.length < 6 || !UDF_MAGICS.includes(ascii(first, 1, 5))) return undefined;
  let bs = 0;
  let anchor: Buffer | undefined;
  let vsd2048: boolean | undefined;
  for (const pbs of [512, 1024, 2048, 4096]) {
    const vsdLen = Math.max(pbs, 2048);
    let found = false;
    if (vsdLen === 2048 && vsd2048 !== undefined) {
      if (!vsd2048) continue;
      found = true;
    } else {
      for (let b = 0; b < 64; b++) {
        const vsd = need(read, 0x8000 + b * vsdLen, 7);
        if (!vsd) return undefined;
        const id = ascii(vsd, 1, 5);
        if (vsd[1] === 0) break;
        if (id === 'NSR02' || id === 'NSR03') { found = true; break; }
        if (!['BEA01', 'BOOT2', 'CD001', 'CDW02', 'TEA01'].includes(id)) break;
      }
      if (vsdLen === 2048) vsd2048 = found;
      if (!found) continue;
    }
    for (const sect of [256, 512]) {
      const vd = need(read, sect * pbs, UDF_VD_SIZE);
      if (!vd) return undefined;
      if (vd.readUInt32LE(12) === sect && vd.readUInt16LE(0) === 2) { anchor = vd; break; }
    }
    if (anchor) { bs = pbs; break; }
  }
  if (!anchor) return undefined;
  const count = Math.min(Math.floor(anchor.readUInt32LE(16) / bs), 64);
  const loc = anchor.readUInt32LE(20);
  let isUdf = false;
  let udfRev = 0;
  let label: string | undefined;
  let haveLabel = false;
  let uuid: string | undefined;
  let lvidLen = 0;
  let lvidLoc = 0;
  for (let b = 0; b < count; b++) {
    const vd = need(read, (loc + b) * bs, UDF_VD_SIZE);
    if (!vd) return undefined;
    const type = vd.readUInt16LE(0);
    if (type === 0 || vd.readUInt32LE(12) !== loc + b || type === 8) break;
    if (type === 1) { // primary volume descriptor
      if (uuid === undefined && vd[200] === 0 && fieldIs(vd, 201, 63, OSTA_CS0)) uuid = udfUuid(vd);
    } else if (type === 6) { // logical volume descriptor
      if ((!lvidLen || !lvidLoc) && vd.readUInt32LE(268)) {
        lvidLen = vd.readUInt32LE(432);
        lvidLoc = vd.readUInt32LE(436);
      }
      if ((!isUdf || !udfRev) && fieldIs(vd, 217, 23, '*OSTA UDF Compliant')) {
        isUdf = true;
        if (!udfRev) udfRev = vd.readUInt16LE(240);
      }
      if (!haveLabel && vd[20] === 0 && fieldIs(vd, 21, 63, OSTA_CS0)) {
        const l = udfDstring(vd, 84, 128);
        if (l) {
          haveLabel = true; // an empty identifier counts as found, as in blkid
          label = rtrim(l.toString('utf8')) || undefined;
        }
      }
    }
  }
  if (!isUdf) return undefined; // some other ECMA-167 filesystem
  if (lvidLoc && lvidLen >= UDF_VD_SIZE) {
    const vd = need(read, lvidLoc * bs, UDF_VD_SIZE);
    if (vd && vd.readUInt16LE(0) === 9 && vd.readUInt32LE(12) === lvidLoc && vd.readUInt32LE(76) >= 46) {
      const iu = need(read, lvidLoc * bs + 80 + 8 * vd.readUInt32LE(72), 46);
      if (iu) {
        for (const rev of [iu.readUInt16LE(40), iu.readUInt16LE(42)]) if (rev && udfRev < rev) udfRev = rev;
      }
    }
  }
  const r: ProbeResult = { type: 'udf', usage: 'filesystem' };
  if (label) r.label = label;
  if (uuid) r.uuid = uuid;
  if (udfRev) r.version = `${(udfRev >> 8).toString(16)}.${(udfRev & 0xff).toString(16).padStart(2, '0')}`;
  return r;
};

/** merge_utf16be_ascii(): rebuild a Joliet label that is a prefix of the longer ASCII one. */
function mergeUtf16beAscii(utf16: Buffer, asc: Buffer, len: number): Buffer | undefined {
  const outLen = 320;
  const out = Buffer.alloc(outLen);
  const up = (c: number): number => (c >= 0x61 && c <= 0x7a ? c - 32 : c);
  let o = 0;
  let a = 0;
  let u = 0;
  for (; u + 1 < len && a < len && o + 1 < outLen; o += 2, a++, u += 2) {
    if (utf16[u] >= 0xd8 && utf16[u] <= 0xdb && u + 3 < len && utf16[u + 2] >= 0xdc && utf16[u + 2] <= 0xdf) {
      out[o++] = utf16[u++];
      out[o++] = utf16[u++];
    }
    if (asc[a] === 0x5f) {
      out[o] = utf16[u];
      out[o + 1] = utf16[u + 1];
    } else if (utf16[u] === 0 && utf16[u + 1] === 0x5f) {
      out[o] = 0;
      out[o + 1] = asc[a];
    } else if (utf16[u] === 0 && up(asc[a]) === up(utf16[u + 1])) {
      out[o] = 0;
      out[o + 1] = asc[a] >= 0x41 && asc[a] <= 0x5a ? utf16[u + 1] : asc[a];
    } else return undefined;
  }
  for (; a < len && o + 1 < outLen; o += 2, a++) {
    out[o] = 0;
    out[o + 1] = asc[a];
  }
  return o ? out.subarray(0, o) : undefined;
}

/** "YYYY-MM-DD-HH-mm-ss-hh" from a volume date, unless the date is unset. */
function isoDateUuid(d: Buffer, tzOffset: number): string | undefined {
  if (d.length < 16) return undefined;
  if (tzOffset === 0 && d.every((c) => c === 0x30)) return undefined;
  const s = d.toString('latin1', 0, 16);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}-${s.slice(8, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}-${s.slice(14, 16)}`;
}

/** iso9660.c: "CD001" (or High Sierra "CDROM") volume descriptors from 32 KiB; Joliet label. */
const probeIso9660: Prober = (read) => {
  const m = read(0x8000, 16);
  let isHs: boolean;
  if (m.length >= 6 && ascii(m, 1, 5) === 'CD001') isHs = false;
  else if (m.length >= 14 && ascii(m, 9, 5) === 'CDROM') isHs = true;
  else return undefined;
  let pvd: Buffer | undefined;
  let joliet: Buffer | undefined;
  let boot = false;
  for (let i = 0, off = 0x8000; i < 16 && (!boot || !pvd || (!isHs && !joliet)); i++, off += 2048) {
    const d = need(read, off + (isHs ? 8 : 0), 882);
    if (!d || d[0] === 0xff) break;
    if (!boot && d[0] === 0) boot = true;
    else if (!pvd && d[0] === 1) pvd = d;
    else if (!isHs && !joliet && d[0] === 2) {
      const esc = ascii(d, 88, 3);
      if (esc === '%/@' || esc === '%/C' || esc === '%/E') joliet = d;
    }
  }
  if (!pvd) return undefined;
  const lbs = pvd.readUInt16LE(128);
  if (lbs === 0) return undefined;
  const rdr = isHs ? 172 : 156;
  const rootLba = pvd.readUInt32LE(rdr + 2);
  const rootLen = pvd.readUInt32LE(rdr + 10);
  if (rootLen < 34) return undefined;
  const root = need(read, rootLba * lbs, Math.min(rootLen, 2048));
  if (!root || root[0] < 34 || root[32] !== 1 || root[33] !== 0 || root.readUInt32LE(2) !== rootLba) return undefined;

  const r: ProbeResult = { type: 'iso9660', usage: 'filesystem' };
  const [modified, created] = isHs ? [798, 782] : [830, 813];
  const u = isoDateUuid(pvd.subarray(modified, modified + 16), isHs ? 0 : pvd[modified + 16]) ??
    isoDateUuid(pvd.subarray(created, created + 16), isHs ? 0 : pvd[created + 16]);
  if (u) r.uuid = u;
  if (joliet) r.version = 'Joliet Extension';
  else if (isHs) r.version = 'High Sierra';
  let label: string | undefined;
  if (joliet) {
    const merged = mergeUtf16beAscii(joliet.subarray(40, 72), pvd.subarray(40, 72), 32);
    label = encString(merged ?? joliet.subarray(40, 72), 'utf16be');
  } else label = cString(pvd.subarray(40, 72));
  if (label) r.label = label;
  return r;
};

// ---------------------------------------------------------------------------------------------
// ntfs, exfat

/** ntfs.c: "NTFS    " at 3, BPB checks, $MFT and $Volume records, $VOLUME_NAME label. */
const probeNtfs: Prober = (read) => {
  const ns = need(read, 0, 84);
  if (!ns || ascii(ns, 3, 8) !== 'NTFS    ') return undefined;
  const sectorSize = ns.readUInt16LE(11);
  if (sectorSize < 256 || sectorSize > 4096 || !isPow2(sectorSize)) return undefined;
  const spcRaw = ns[13];
  let spc: number;
  if ([1, 2, 4, 8, 16, 32, 64, 128].includes(spcRaw)) spc = spcRaw;
  else if (spcRaw >= 240 && spcRaw <= 249) spc = 2 ** (256 - spcRaw);
  else return undefined;
  if (sectorSize * spc > 2 * 1024 * 1024) return undefined;
  if (ns.readUInt16LE(14) || ns.readUInt16LE(17) || ns.readUInt16LE(19) || ns.readUInt16LE(22) ||
      ns.readUInt32LE(32) || ns[16]) return undefined;
  const cpm = ns.readInt8(64);
  const cpmU = ns[64];
  if ((cpmU < 0xe1 || cpmU > 0xf7) && ![1, 2, 4, 8, 16, 32, 64].includes(cpm)) return undefined;
  let recSize: number;
  if (cpm > 0) recSize = cpm * spc * sectorSize;
  else {
    const shift = -cpm;
    if (shift < 0 || shift >= 31) return undefined;
    recSize = 2 ** shift;
  }
  const nrClusters = ns.readBigUInt64LE(40) / BigInt(spc);
  const mftLoc = ns.readBigUInt64LE(48);
  if (mftLoc > nrClusters || ns.readBigUInt64LE(56) > nrClusters) return undefined;
  if (recSize < 4 || recSize > 1024 * 1024) return undefined;
  const mftOff = mftLoc * BigInt(sectorSize * spc);
  if (mftOff > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  let off = Number(mftOff);
  const mft0 = need(read, off, recSize);
  if (!mft0 || ascii(mft0, 0, 4) !== 'FILE') return undefined;
  off += 3 * recSize; // $Volume
  const mft = need(read, off, recSize);
  if (!mft || ascii(mft, 0, 4) !== 'FILE') return undefined;
  const r: ProbeResult = { type: 'ntfs', usage: 'filesystem' };
  let attrOff = mft.readUInt16LE(20);
  const allocated = mft.readUInt32LE(28);
  for (let guard = 0; attrOff + 22 <= recSize && attrOff <= allocated && guard < 1024; guard++) {
    const attrLen = mft.readUInt32LE(attrOff + 4);
    const type = mft.readUInt32LE(attrOff);
    if (!attrLen || type === 0xffffffff) break;
    if (type === 0x60) {
      const valOff = mft.readUInt16LE(attrOff + 20);
      const valLen = mft.readUInt32LE(attrOff + 16);
      if (valOff <= recSize - attrOff && valLen <= recSize - attrOff - valOff) {
        const l = encString(mft.subarray(attrOff + valOff, attrOff + valOff + valLen), 'utf16le');
        if (l) r.label = l;
      }
      break;
    }
    attrOff += attrLen;
  }
  r.uuid = ns.readBigUInt64LE(72).toString(16).toUpperCase().padStart(16, '0');
  return r;
};

/** exfat.c: "EXFAT   " at 3, boot region checks and checksum, label entry in the root dir. */
const probeExfat: Prober = (read) => {
  const sb = need(read, 0, 512);
  if (!sb || ascii(sb, 3, 8) !== 'EXFAT   ') return undefined;
  const bpsShift = sb[108];
  const spcShift = sb[109];
  const nFats = sb[110];
  const fatOffset = sb.readUInt32LE(80);
  const fatLength = sb.readUInt32LE(84);
  const heapOffset = sb.readUInt32LE(88);
  const clusterCount = sb.readUInt32LE(92);
  const rootCluster = sb.readUInt32LE(96);
  if (sb.readUInt16LE(510) !== 0xaa55) return undefined;
  if (!(sb[0] === 0xeb && sb[1] === 0x76 && sb[2] === 0x90)) return undefined;
  if (!isZero(sb.subarray(11, 64))) return undefined;
  if (nFats < 1 || nFats > 2 || bpsShift < 9 || bpsShift > 12 || spcShift > 25 - bpsShift) return undefined;
  const fatsEnd = Math.imul(fatLength, nFats) >>> 0; // uint32 arithmetic, as in C
  if (fatOffset < 24 || fatOffset > ((heapOffset - fatsEnd) >>> 0)) return undefined;
  if (heapOffset < ((fatOffset + fatsEnd) >>> 0) || heapOffset > 2 ** 31) return undefined;
  if (rootCluster < 2 || rootCluster > clusterCount + 1) return undefined;
  const sector = 2 ** bpsShift;
  const boot = need(read, 0, sector * 12);
  if (!boot) return undefined;
  let sum = 0;
  for (let i = 0; i < sector * 11; i++) {
    if (i === 106 || i === 107 || i === 112) continue;
    sum = (((sum & 1) ? 0x80000000 : 0) + (sum >>> 1) + boot[i]) >>> 0;
  }
  for (let i = 0; i < sector / 4; i++) if (boot.readUInt32LE(sector * 11 + i * 4) !== sum) return undefined;

  const r: ProbeResult = { type: 'exfat', usage: 'filesystem' };
  const clusterBytes = sector * 2 ** spcShift;
  const clusterOff = (c: number): number => (heapOffset + (c - 2) * 2 ** spcShift) * sector;
  let cluster = rootCluster;
  let off = clusterOff(cluster);
  // the label entry comes first in practice; look through at most 64 KiB of directory
  for (let i = 0; i < 2048; i++) {
    const e = need(read, off, 32);
    if (!e || e[0] === 0x00) break;
    if (e[0] === 0x83) {
      const l = encString(e.subarray(2, 2 + Math.min(e[1] * 2, 22)), 'utf16le');
      if (l) r.label = l;
      break;
    }
    off += 32;
    if (off % clusterBytes === 0) {
      const n = need(read, fatOffset * sector + cluster * 4, 4);
      if (!n) break;
      cluster = n.readUInt32LE(0);
      if (cluster < 2 || cluster > 0xffffff6) break;
      off = clusterOff(cluster);
    }
  }
  const hx = (i: number): string => sb[100 + i].toString(16).toUpperCase().padStart(2, '0');
  r.uuid = `${hx(3)}${hx(2)}-${hx(1)}${hx(0)}`;
  r.version = `${sb[105]}.${sb[104]}`;
  return r;
};

// ---------------------------------------------------------------------------------------------
// squashfs, btrfs, f2fs, erofs

/** squashfs.c: "hsqs" at 0, version 4 (no label, no UUID). */
const probeSquashfs: Prober = (read) => {
  const sb = need(read, 0, 96);
  if (!sb || ascii(sb, 0, 4) !== 'hsqs') return undefined;
  const maj = sb.readUInt16LE(28);
  if (maj < 4) return undefined;
  return { type: 'squashfs', usage: 'filesystem', version: `${maj}.${sb.readUInt16LE(30)}` };
};

/** squashfs3: "sqsh" (big endian) or "hsqs" with version <= 3. */
const probeSquashfs3: Prober = (read) => {
  const sb = need(read, 0, 96);
  if (!sb) return undefined;
  const magic = ascii(sb, 0, 4);
  if (magic !== 'sqsh' && magic !== 'hsqs') return undefined;
  const be = magic === 'sqsh';
  const maj = be ? sb.readUInt16BE(28) : sb.readUInt16LE(28);
  const min = be ? sb.readUInt16BE(30) : sb.readUInt16LE(30);
  if (maj > 3) return undefined;
  return { type: 'squashfs3', usage: 'filesystem', version: `${maj}.${min}` };
};

/** btrfs.c: "_BHRfS_M" at 64 KiB + 0x40, superblock checksum (crc32c, xxhash64, sha256). */
const probeBtrfs: Prober = (read, size) => {
  if (size < 1024 * 1024) return undefined;
  const sb = need(read, 0x10000, 4096);
  if (!sb || ascii(sb, 0x40, 8) !== '_BHRfS_M') return undefined;
  const data = sb.subarray(32);
  switch (sb.readUInt16LE(196)) {
    case 0:
      if ((crc32cRaw(0xffffffff, data) ^ 0xffffffff) >>> 0 !== sb.readUInt32LE(0)) return undefined;
      break;
    case 1:
      if (xxh64(data) !== sb.readBigUInt64LE(0)) return undefined;
      break;
    case 2:
      // crypto is loaded only here (btrfs with sha256 checksums): not at start-up.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const crypto = require('crypto') as typeof import('crypto');
      if (!crypto.createHash('sha256').update(data).digest().equals(sb.subarray(0, 32))) return undefined;
      break;
    default: // unknown (or blake2b): blkid skips the check too
  }
  if (!sb.readUInt32LE(144)) return undefined; // sectorsize
  const r: ProbeResult = { type: 'btrfs', usage: 'filesystem' };
  if (sb[299] !== 0) {
    const l = cString(sb.subarray(299, 555));
    if (l) r.label = l;
  }
  const u = uuidString(sb.subarray(32, 48));
  if (u) r.uuid = u;
  return r;
};

/** f2fs.c: magic 0xF2F52010 at 1 KiB, optional CRC32 checksum, UTF-16LE volume name. */
const probeF2fs: Prober = (read) => {
  const sb = need(read, 1024, 0x47c);
  if (!sb || sb.readUInt32LE(0) !== 0xf2f52010) return undefined;
  const maj = sb.readUInt16LE(4);
  const min = sb.readUInt16LE(6);
  if (maj === 1 && min === 0) return { type: 'f2fs', usage: 'filesystem' };
  const csumOff = sb.readUInt32LE(0x20);
  if (csumOff) {
    if (csumOff % 4 !== 0 || csumOff + 4 > 4096) return undefined;
    const body = need(read, 1024, csumOff + 4);
    if (!body || crc32Raw(0xf2f52010, body.subarray(0, csumOff)) !== body.readUInt32LE(csumOff)) return undefined;
  }
  const r: ProbeResult = { type: 'f2fs', usage: 'filesystem', version: `${maj}.${min}` };
  if (sb[0x7c] !== 0) {
    const l = encString(sb.subarray(0x7c, 0x7c + 1024), 'utf16le');
    if (l) r.label = l;
  }
  const u = uuidString(sb.subarray(0x6c, 0x7c));
  if (u) r.uuid = u;
  return r;
};

/** erofs.c: magic 0xE0F5E1E2 at 1 KiB, block size 512..64K, optional CRC32C. */
const probeErofs: Prober = (read) => {
  const sb = need(read, 1024, 128);
  if (!sb || sb.readUInt32LE(0) !== 0xe0f5e1e2) return undefined;
  const bits = sb[12];
  if (bits < 9 || bits > 16) return undefined;
  if (sb.readUInt32LE(8) & 1) { // EROFS_FEATURE_SB_CSUM
    if (2 ** bits <= 1024) return undefined;
    const body = need(read, 1024, 2 ** bits - 1024);
    if (!body || crc32cExclude(0xffffffff, body, 4, 4) !== sb.readUInt32LE(4)) return undefined;
  }
  const r: ProbeResult = { type: 'erofs', usage: 'filesystem' };
  if (sb[64] !== 0) {
    const l = cString(sb.subarray(64, 80));
    if (l) r.label = l;
  }
  const u = uuidString(sb.subarray(48, 64));
  if (u) r.uuid = u;
  return r;
};

// ---------------------------------------------------------------------------------------------
// driver

/** In libblkid's order, so the first match is the one blkid reports. */
export const PROBERS: Prober[] = [
  probeLuks,
  probeVfat,
  probeSwsuspend,
  probeSwap,
  probeXfs,
  probeExt,
  probeUdf,
  probeIso9660,
  probeNtfs,
  probeSquashfs,
  probeSquashfs3,
  probeBtrfs,
  probeExfat,
  probeF2fs,
  probeErofs,
];

/** Types blkid lets coexist with another filesystem (BLKID_IDINFO_TOLERANT). */
const TOLERANT = new Set(['udf', 'iso9660']);

const CHUNK = 4096;
const MAX_READ = 1 << 20;

function deviceSize(fd: number): number {
  const st = fs.fstatSync(fd);
  if (st.isFile()) return st.size;
  if (st.isBlockDevice()) {
    const rdev = st.rdev;
    const major = Math.floor(rdev / 256) & 0xfff | (Math.floor(rdev / 2 ** 32) & ~0xfff);
    const minor = (rdev & 0xff) | (Math.floor(rdev / 4096) & ~0xff);
    try {
      const sectors = Number(fs.readFileSync(`/sys/dev/block/${major}:${minor}/size`, 'utf8').trim());
      if (Number.isFinite(sectors) && sectors > 0) return sectors * 512;
    } catch {
      /* unknown */
    }
  }
  return Number.MAX_SAFE_INTEGER;
}

/** Positioned reads through a 4 KiB chunk cache, clipped at the end of the probed area. */
function makeReader(fd: number, base: number, size: number): Reader {
  const cache = new Map<number, Buffer>();
  const pread = (pos: number, len: number): Buffer => {
    const b = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const n = fs.readSync(fd, b, got, len - got, base + pos + got);
      if (n <= 0) break;
      got += n;
    }
    return b.subarray(0, got);
  };
  return (off, len) => {
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len <= 0 || off >= size) return EMPTY;
    len = Math.min(len, size - off, MAX_READ);
    const first = Math.floor(off / CHUNK);
    const last = Math.floor((off + len - 1) / CHUNK);
    if (last - first >= 64) return pread(off, len);
    const parts: Buffer[] = [];
    for (let c = first; c <= last; c++) {
      let chunk = cache.get(c);
      if (!chunk) {
        let end = c; // read the run of missing chunks at once
        while (end < last && !cache.has(end + 1)) end++;
        const run = pread(c * CHUNK, Math.min((end - c + 1) * CHUNK, size - c * CHUNK));
        for (let k = c; k <= end; k++) cache.set(k, run.subarray((k - c) * CHUNK, (k - c + 1) * CHUNK));
        chunk = cache.get(c)!;
      }
      parts.push(chunk);
      if (chunk.length < CHUNK) break;
    }
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    return all.subarray(off - first * CHUNK, off - first * CHUNK + len);
  };
}

function run(file: string, offset: number, all: boolean): { size: number; matches: ProbeResult[] } {
  const matches: ProbeResult[] = [];
  let fd: number;
  try {
    fd = fs.openSync(osPath(file), 'r');
  } catch {
    return { size: 0, matches };
  }
  let size = 0;
  try {
    const off = Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
    size = deviceSize(fd) - off;
    if (size <= 1024) return { size, matches }; // blkid ignores devices and files this small
    const read = makeReader(fd, off, size);
    for (const p of PROBERS) {
      let r: ProbeResult | undefined;
      try {
        r = p(read, size);
      } catch {
        r = undefined; // an I/O error or a malformed structure: not this format
      }
      if (r) {
        matches.push(r);
        if (!all) break;
      }
    }
  } catch {
    /* unreadable */
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      /* ignore */
    }
  }
  return { size, matches };
}

/** Probe a device or image (at `offset`): the first match, or undefined when nothing is recognised. */
export function probeFile(file: string, offset = 0): ProbeResult | undefined {
  return run(file, offset, false).matches[0];
}

/** Every format whose superblock checks out, in libblkid's probing order. */
export function probeAll(file: string, offset = 0): ProbeResult[] {
  return run(file, offset, true).matches;
}

export interface SafeProbeResult {
  /** What blkid_do_safeprobe() would report; undefined when nothing matched or the match is ambiguous. */
  result?: ProbeResult;
  /** util-linux's "more filesystems detected": two or more signatures, one not tolerant. */
  ambiguous: boolean;
  /** The signatures found, in probing order. */
  matches: ProbeResult[];
}

/**
 * blkid_do_safeprobe() semantics: a crypto signature ends the search, small images (<= 1.44 MB)
 * take the first match, and two or more signatures are ambiguous unless all are tolerant
 * (iso9660 and udf on a hybrid disc).
 */
export function probeSafe(file: string, offset = 0): SafeProbeResult {
  const { size, matches } = run(file, offset, true);
  if (matches.length === 0) return { ambiguous: false, matches };
  if (size <= 1440 * 1024) return { result: matches[0], ambiguous: false, matches };
  const seen: ProbeResult[] = [];
  let intolerant = 0;
  for (const m of matches) {
    seen.push(m);
    if (m.usage === 'crypto') break;
    if (!TOLERANT.has(m.type)) intolerant++;
  }
  if (seen.length > 1 && intolerant) return { ambiguous: true, matches: seen };
  return { result: seen[0], ambiguous: false, matches: seen };
}
