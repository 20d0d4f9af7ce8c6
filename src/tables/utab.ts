// /run/mount/utab: libmount's table of userspace mount options (x-*, _netdev, user=, loop=,
// helper=, uhelper=), so that util-linux's findmnt/umount and tsmount see each other's mounts.
// Format (util-linux master): ID=<mnt id> [UNIQID=<64-bit id>] SRC= TARGET= ROOT= [BINDSRC=]
// [ATTRS=] OPTS=, values \ooo-mangled. UNIQID= is read, and matched on when present, but not
// written by default: util-linux 2.42 rewrites it without the blank that follows it and then drops
// the whole entry as unparseable on its next update (see docs/tsmount.8.md, DIFFERENCES).
//
// The file is shared with other tools, so an update
//  - holds utab.lock (flock, as libmount does): a concurrent util-linux mount waits for us;
//  - reads and writes bytes: a line this run does not change is written back exactly as it was
//    (another tool's entry on a Latin-1 path, a line we cannot parse);
//  - writes a new file created exclusively under an unpredictable name in the same directory,
//    never following a symlink (what mkstemp does), then renames it over utab: a user who can
//    write the directory cannot make root write anywhere else, and readers never see half a file.
import fs = require('fs');
import path = require('path');
import { mangle, unmangle } from './escape';
import { decodeBytes, encodeBytes, osPath } from '../sys/bytes';
import { isRealRoot } from '../lib/env';
import { O } from '../sys/constants';

export interface UtabEntry {
  id?: number;
  /** STATX_MNT_ID_UNIQUE: never reused by the kernel, unlike `id`. */
  uniqueId?: bigint;
  source?: string;
  target?: string;
  root?: string;
  bindSource?: string;
  options?: string;
  attrs?: string;
  /** The line as read; written back unchanged while the entry is not replaced. */
  raw?: Buffer;
}

/** utab's path: LIBMOUNT_UTAB only for root, as libmount ignores it in set-uid and user runs. */
export function utabPath(env: NodeJS.ProcessEnv = process.env, root = isRealRoot()): string {
  return (root && env.LIBMOUNT_UTAB) || '/run/mount/utab';
}

function parseLine(l: string): UtabEntry | undefined {
  const e: UtabEntry = {};
  // util-linux 2.42 writes "UNIQID=<n>" with no blank after it ("UNIQID=2147509555SRC=/dev/sda1"),
  // and then cannot read its own line: read it as master does, with the blank.
  for (const tok of l.replace(/^((?:\S+[ \t]+)*?UNIQID=\d+)(?=[A-Z]+=)/, '$1 ').split(/[ \t]+/)) {
    const eq = tok.indexOf('=');
    if (eq < 0) continue;
    const k = tok.slice(0, eq);
    const raw = tok.slice(eq + 1);
    // As libmount: the first of each key counts; a number that does not parse spoils the line.
    if (k === 'ID' && e.id === undefined) {
      if (!/^\d+$/.test(raw)) return undefined;
      e.id = Number(raw);
    } else if (k === 'UNIQID' && e.uniqueId === undefined) {
      if (!/^\d+$/.test(raw)) return undefined;
      e.uniqueId = BigInt(raw);
    } else if (k === 'SRC' && e.source === undefined) e.source = unmangle(raw);
    else if (k === 'TARGET' && e.target === undefined) e.target = unmangle(raw);
    else if (k === 'ROOT' && e.root === undefined) e.root = unmangle(raw);
    else if (k === 'BINDSRC' && e.bindSource === undefined) e.bindSource = unmangle(raw);
    else if (k === 'OPTS' && e.options === undefined) e.options = unmangle(raw);
    else if (k === 'ATTRS' && e.attrs === undefined) e.attrs = unmangle(raw);
  }
  return e.target || e.id !== undefined ? e : undefined;
}

/** The entries of a utab text (lines that are not entries are skipped). */
export function parseUtab(text: string): UtabEntry[] {
  return parseUtabLines(text).filter((e) => e.id !== undefined || e.target !== undefined);
}

/**
 * Every line of utab in order. With `bytes`, each keeps its raw line; a line that is not an entry
 * (a comment, a line we cannot parse) becomes an entry with nothing but its raw line, which every
 * update passes through unchanged, in its place.
 */
function parseUtabLines(text: string, bytes?: Buffer): UtabEntry[] {
  const out: UtabEntry[] = [];
  for (const line of text.split('\n')) {
    const l = line.replace(/^[ \t]+|[ \t\r]+$/g, ''); // blanks only, as libmount: other whitespace is data
    if (!l) continue;
    const e = (l.startsWith('#') ? undefined : parseLine(l)) ?? (bytes ? {} : undefined);
    if (!e) continue;
    if (bytes) e.raw = encodeBytes(line);
    out.push(e);
  }
  return out;
}

/**
 * Whether new entries carry UNIQID=: only where no util-linux older than 2.43 updates utab
 * (TSMOUNT_UTAB_UNIQID=1), since 2.42 loses entries that have one (see the head of this file).
 */
export function writeUniqueIds(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TSMOUNT_UTAB_UNIQID === '1';
}

export function formatUtabEntry(e: UtabEntry): string {
  const parts: string[] = [];
  if (e.id !== undefined) parts.push(`ID=${e.id}`);
  if (e.uniqueId !== undefined) parts.push(`UNIQID=${e.uniqueId}`);
  if (e.source !== undefined) parts.push(`SRC=${mangle(e.source)}`);
  if (e.target !== undefined) parts.push(`TARGET=${mangle(e.target)}`);
  if (e.root !== undefined) parts.push(`ROOT=${mangle(e.root)}`);
  if (e.bindSource !== undefined) parts.push(`BINDSRC=${mangle(e.bindSource)}`);
  if (e.attrs) parts.push(`ATTRS=${mangle(e.attrs)}`);
  if (e.options) parts.push(`OPTS=${mangle(e.options)}`);
  return parts.join(' ');
}

function readBytes(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(osPath(file));
  } catch {
    return undefined;
  }
}

export function readUtab(file = utabPath()): UtabEntry[] {
  const b = readBytes(file);
  return b ? parseUtab(decodeBytes(b)) : [];
}

/** Why an update failed: the lock (util-linux: "failed to update userspace mount table") or the write. */
export class UtabUpdateError extends Error {
  constructor(readonly stage: 'lock' | 'write', readonly errno: string | undefined, readonly file: string) {
    super(`${file}: ${stage === 'lock' ? 'cannot lock' : 'cannot write'}${errno ? ` (${errno})` : ''}`);
    this.name = 'UtabUpdateError';
  }
}

/**
 * Whether this run may update utab at all, decided as libmount does before it mounts: utab, or
 * when it does not exist yet its directory, is writable. A read-only /run/mount means a system
 * that keeps no utab: the mount goes ahead without an entry, silently, as util-linux's does.
 */
export function utabWritable(file = utabPath()): boolean {
  try {
    const st = fs.lstatSync(osPath(file), { throwIfNoEntry: false });
    if (st) return st.isFile() && access(file);
    const dir = path.dirname(file);
    try {
      fs.mkdirSync(osPath(dir), { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
    }
    return access(dir);
  } catch {
    return false;
  }
}

function access(p: string): boolean {
  try {
    fs.accessSync(osPath(p), fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rewrite utab with `change` applied, holding flock(LOCK_EX) on utab.lock as libmount does.
 * `lock` takes the lock on an open fd (koffi's flock). An entry that still has its `raw` line is
 * written back as those bytes: a `change` that modifies an entry must drop `raw` (`{ ...e, raw:
 * undefined, … }`). Throws UtabUpdateError; utab is then as it was.
 */
export function updateUtab(change: (entries: UtabEntry[]) => UtabEntry[], lock: (fd: number) => void, file = utabPath()): void {
  let fd: number;
  try {
    fs.mkdirSync(osPath(path.dirname(file)), { recursive: true, mode: 0o755 });
    fd = fs.openSync(osPath(`${file}.lock`), fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | O.CLOEXEC, 0o600);
  } catch (e) {
    throw new UtabUpdateError('lock', (e as NodeJS.ErrnoException).code, file);
  }
  try {
    try {
      lock(fd);
    } catch {
      throw new UtabUpdateError('lock', undefined, file);
    }
    // Only a missing utab is an empty one: a read that fails otherwise must not become a rewrite
    // that drops every other tool's line.
    let bytes: Buffer | undefined;
    try {
      bytes = fs.readFileSync(osPath(file));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new UtabUpdateError('write', code, file);
    }
    const next = change(bytes ? parseUtabLines(decodeBytes(bytes), bytes) : []);
    const lines = next.map((e) => e.raw ?? encodeBytes(formatUtabEntry(e)));
    replaceFile(file, Buffer.concat(lines.flatMap((l) => [l, NEWLINE])));
  } finally {
    fs.closeSync(fd); // releases the lock
  }
  emitEvent(file);
}

/**
 * Tell monitors (findmnt --poll, libmount's monitor) that utab changed, as libmount 2.40+ does:
 * open and close utab.event for writing (inotify IN_CLOSE_WRITE). A failure changes nothing.
 */
function emitEvent(file: string): void {
  try {
    fs.closeSync(fs.openSync(osPath(`${file}.event`), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | O.CLOEXEC, 0o644));
  } catch {
    /* no monitor learns of it; utab itself is right */
  }
}

const NEWLINE = Buffer.from('\n');

/** Write `data` to a new file beside `file` (O_EXCL, O_NOFOLLOW, random name) and rename it over `file`. */
function replaceFile(file: string, data: Buffer): void {
  const F = fs.constants;
  let tmp = '';
  let fd = -1;
  // crypto is loaded here, not at start-up: requiring it costs every command several ms (more than
  // the rest of the module graph), and only a utab update needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { randomBytes } = require('crypto') as typeof import('crypto');
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = `${file}.${randomBytes(6).toString('base64url')}`;
    try {
      fd = fs.openSync(osPath(tmp), F.O_WRONLY | F.O_CREAT | F.O_EXCL | F.O_NOFOLLOW | O.CLOEXEC, 0o600);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || attempt >= 100) throw new UtabUpdateError('write', code, file);
    }
  }
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fchmodSync(fd, 0o644);
    const st = fs.statSync(osPath(file), { throwIfNoEntry: false });
    if (st) fs.fchownSync(fd, st.uid, st.gid); // keep the owner of the file it replaces, as libmount
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(osPath(tmp), osPath(file));
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    try {
      fs.unlinkSync(osPath(tmp));
    } catch {
      /* gone */
    }
    throw e instanceof UtabUpdateError ? e : new UtabUpdateError('write', (e as NodeJS.ErrnoException).code, file);
  }
}

/**
 * utab entries looked up by mount: built in one pass, no scan per mount. An entry with an ID
 * belongs to a mount only when the mount has that ID and is where the entry says (and, when both
 * know one, has its unique ID): an entry left behind by a mount that is gone (killed tool, another
 * tool's unmount) must not lend its options to the mount that got the ID later. Entries without an
 * ID (--fake) are found by target.
 */
export class UtabIndex {
  private readonly byId = new Map<number, UtabEntry>();
  private readonly byTarget = new Map<string, UtabEntry>();

  constructor(utab: readonly UtabEntry[]) {
    for (const u of utab) {
      if (u.id !== undefined) this.byId.set(u.id, u);
      else if (u.target !== undefined) this.byTarget.set(u.target, u);
    }
  }

  get size(): number {
    return this.byId.size + this.byTarget.size;
  }

  /** Might find() answer for a mount with this ID (whatever its target)? */
  mayFind(id: number): boolean {
    return this.byTarget.size > 0 || this.byId.has(id);
  }

  /** The entry of the mount with this ID on this target (unique ID when known), else an ID-less one for the target. */
  find(id: number, target: string, uniqueId?: bigint): UtabEntry | undefined {
    const u = this.byId.get(id);
    if (u && (u.target === undefined || u.target === target) && (u.uniqueId === undefined || uniqueId === undefined || u.uniqueId === uniqueId)) return u;
    return this.byTarget.get(target);
  }
}
