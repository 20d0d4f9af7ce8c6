// /sbin/mount.TYPE and /sbin/umount.TYPE helpers: found in util-linux's search path,
// run with an argv array (never a shell), a fixed PATH and no LD_*/NODE_* variables.
import fs = require('fs');
import { isRealRoot } from '../lib/env';
import { hasEscapedBytes, quoted } from '../sys/bytes';
import { isRecording, recordNote } from '../sys/syscalls';
import { RequestError } from '../sys/error';

export const HELPER_DIRS: readonly string[] = Object.freeze(['/sbin', '/sbin/fs.d', '/sbin/fs']);
const SAFE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** libmount selects a helper that exists, executable or not (running it then fails with 126). */
function executable(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Find `<dir>/<prefix>.<type>`; for a type with a '.', `<prefix>.<type up to the last '.'>` is tried
 * next in the same directory (fuse.sshfs: mount.fuse.sshfs, then mount.fuse).
 */
const found = new Map<string, string | undefined>();

export function findHelper(prefix: 'mount' | 'umount', type: string, dirs: readonly string[] = HELPER_DIRS): string | undefined {
  if (!type || type === 'none' || type.includes('/') || type.includes(',') || type === 'swap') return undefined;
  // One search per type and run (mount -a and umount -a ask once per entry); the usual search path
  // (frozen) needs no join of its directories in the key.
  const key = dirs === HELPER_DIRS ? `${prefix}\0${type}` : `${prefix}\0${type}\0${dirs.join(':')}`;
  if (found.has(key)) return found.get(key);
  const p = searchHelper(prefix, type, dirs);
  found.set(key, p);
  return p;
}

function searchHelper(prefix: string, type: string, dirs: readonly string[]): string | undefined {
  for (const d of dirs) {
    const p = `${d}/${prefix}.${type}`;
    if (executable(p)) return p;
    const dot = type.lastIndexOf('.');
    if (dot > 0) {
      const q = `${d}/${prefix}.${type.slice(0, dot)}`;
      if (executable(q)) return q;
    }
  }
  return undefined;
}

/** The environment a helper gets: a fixed PATH, the locale, nothing that changes how programs load. */
export function helperEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: SAFE_PATH };
  // util-linux's table variables only from root (see lib/env.ts), as libmount's safe_getenv().
  const keys = isRealRoot() ? ['LANG', 'LC_ALL', 'LC_MESSAGES', 'LIBMOUNT_UTAB', 'LIBMOUNT_FSTAB', 'TERM', 'HOME'] : ['LANG', 'LC_ALL', 'LC_MESSAGES', 'TERM', 'HOME'];
  for (const k of keys) {
    if (env[k] !== undefined) out[k] = env[k];
  }
  return out;
}

export interface HelperResult {
  /** Exit status; 126 when it could not be run. */
  status: number;
  /** The program could not be executed (util-linux: "failed to execute …"). */
  execFailed?: boolean;
  /** The signal that ended it, if any. */
  signal?: string;
}

/**
 * Run a helper with inherited stdio. A helper that does not finish within `timeoutMs`
 * (default: none, as util-linux waits) is killed and reported as status 124.
 */
export function runHelper(program: string, argv: readonly string[], timeoutMs?: number): HelperResult {
  // Node hands a child its arguments as UTF-8: a path that is not UTF-8 would reach the helper as
  // another path (U+FFFD). Refused instead, before anything runs.
  const bad = argv.find(hasEscapedBytes);
  if (bad !== undefined) {
    throw new RequestError({ code: 'path-not-utf8', program, path: bad }, bad);
  }
  if (isRecording()) {
    // A dry run starts nothing: the helper's argv is the answer.
    recordNote(`execve(${quoted(program)}, [${[program, ...argv].map(quoted).join(', ')}], {PATH=...})`);
    return { status: 0 };
  }
  // child_process is loaded only when a helper runs: it drags in much of Node's stream code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const r = spawnSync(program, argv, { stdio: 'inherit', env: helperEnv(), shell: false, timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return { status: 124, signal: 'SIGKILL' };
    return { status: 126, execFailed: true };
  }
  if (r.signal) return { status: 128 + (signalNumber(r.signal) ?? 0), signal: r.signal };
  return { status: r.status ?? 126 };
}

function signalNumber(sig: string): number | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const os = require('os') as typeof import('os');
  return (os.constants.signals as Record<string, number>)[sig];
}

let umountHelpers: boolean | undefined;
/** Is there any /sbin/umount.TYPE helper at all? (one directory read per run) */
export function anyUmountHelper(dirs: readonly string[] = HELPER_DIRS): boolean {
  if (umountHelpers === undefined) {
    umountHelpers = dirs.some((d) => {
      try {
        return fs.readdirSync(d).some((n) => n.startsWith('umount.'));
      } catch {
        return false;
      }
    });
  }
  return umountHelpers;
}
