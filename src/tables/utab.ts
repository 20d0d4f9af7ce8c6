// /run/mount/utab: libmount's table of userspace mount options (x-*, _netdev, user=, loop=,
// helper=, uhelper=), so that util-linux's findmnt/umount and tsmount see each other's mounts.
// Format: ID=<mnt id> SRC=<src> TARGET=<tgt> ROOT=<root> [BINDSRC=<path>] OPTS=<opts> [ATTRS=<attrs>],
// values \ooo-mangled. Updates hold utab.lock (flock, as libmount does) and rewrite via rename.
import * as fs from 'fs';
import * as path from 'path';
import { mangle, unmangle } from './escape';

export interface UtabEntry {
  id?: number;
  source?: string;
  target?: string;
  root?: string;
  bindSource?: string;
  options?: string;
  attrs?: string;
}

export function utabPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LIBMOUNT_UTAB || '/run/mount/utab';
}

export function parseUtab(text: string): UtabEntry[] {
  const out: UtabEntry[] = [];
  for (const line of text.split('\n')) {
    const l = line.replace(/^[ \t]+|[ \t\r]+$/g, ''); // blanks only, as libmount: other whitespace is data
    if (!l || l.startsWith('#')) continue;
    const e: UtabEntry = {};
    for (const tok of l.split(/[ \t]+/)) {
      const eq = tok.indexOf('=');
      if (eq < 0) continue;
      const k = tok.slice(0, eq);
      const v = unmangle(tok.slice(eq + 1));
      if (k === 'ID') e.id = Number(v);
      else if (k === 'SRC') e.source = v;
      else if (k === 'TARGET') e.target = v;
      else if (k === 'ROOT') e.root = v;
      else if (k === 'BINDSRC') e.bindSource = v;
      else if (k === 'OPTS') e.options = v;
      else if (k === 'ATTRS') e.attrs = v;
    }
    if (e.target || e.id !== undefined) out.push(e);
  }
  return out;
}

export function formatUtabEntry(e: UtabEntry): string {
  const parts: string[] = [];
  if (e.id !== undefined) parts.push(`ID=${e.id}`);
  if (e.source !== undefined) parts.push(`SRC=${mangle(e.source)}`);
  if (e.target !== undefined) parts.push(`TARGET=${mangle(e.target)}`);
  if (e.root !== undefined) parts.push(`ROOT=${mangle(e.root)}`);
  if (e.bindSource !== undefined) parts.push(`BINDSRC=${mangle(e.bindSource)}`);
  if (e.options) parts.push(`OPTS=${mangle(e.options)}`);
  if (e.attrs) parts.push(`ATTRS=${mangle(e.attrs)}`);
  return parts.join(' ');
}

export function readUtab(file = utabPath()): UtabEntry[] {
  try {
    return parseUtab(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * Rewrite utab with `change` applied, holding flock(LOCK_EX) on utab.lock as libmount does
 * (so a concurrent util-linux mount waits for us and we for it), then an atomic rename so
 * readers never see half a file. `lock` takes the lock on an open fd (koffi's flock).
 */
export function updateUtab(change: (entries: UtabEntry[]) => UtabEntry[], lock: (fd: number) => void, file = utabPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  const fd = fs.openSync(`${file}.lock`, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  try {
    lock(fd);
    const next = change(readUtab(file));
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, next.map((e) => formatUtabEntry(e) + '\n').join(''), { mode: 0o644 });
    fs.renameSync(tmp, file);
  } finally {
    fs.closeSync(fd); // releases the lock
  }
}
