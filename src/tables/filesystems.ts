// /proc/filesystems and /etc/filesystems: the kernel's filesystem types and the
// administrator's list of types to try when none is given.
import fs = require('fs');

export interface KernelFilesystem {
  name: string;
  /** "nodev": needs no block device. */
  nodev: boolean;
}

export function parseProcFilesystems(text: string): KernelFilesystem[] {
  const out: KernelFilesystem[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [a, b] = line.split('\t');
    if (b !== undefined && b !== '') out.push({ name: b.trim(), nodev: a.trim() === 'nodev' });
    else out.push({ name: a.trim(), nodev: false });
  }
  return out;
}

export function readProcFilesystems(file = '/proc/filesystems'): KernelFilesystem[] {
  try {
    return parseProcFilesystems(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * /etc/filesystems: one type per line; '#' and "nodev" lines skipped; a line "*" means
 * "then go on with /proc/filesystems". Returns undefined when the file does not exist.
 */
export function parseEtcFilesystems(text: string): { types: string[]; thenProc: boolean } {
  const types: string[] = [];
  let thenProc = false;
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (!l || l.startsWith('#') || l.startsWith('nodev')) continue;
    if (l === '*') {
      thenProc = true;
      break;
    }
    types.push(l.split(/\s+/)[0]);
  }
  return { types, thenProc };
}
