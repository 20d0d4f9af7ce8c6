// The ground floor: every kernel call tsmount makes goes through here.
// koffi is loaded lazily on the first call, so commands that only read tables
// (listing, fstab parsing, --fake) never pay for it. errno is read on the line
// after each call: any later libuv or fs.* call overwrites it (koffi reads the
// live thread errno).
import fs = require('fs');
import { MountError } from './error';
import { errnoNumber, E } from './errno';
import {
  SYSCALLS, SyscallNumbers, MOUNT_ATTR_SIZE_VER0, AT, msFlagNames, attrNames, propagationName, dirFdName, fsconfigCmdName,
  openTreeFlagNames, atFlagNames, moveMountFlagNames, fspickFlagNames, openFlagNames, O,
} from './constants';
import { cString, osPath, quoted } from './bytes';
import { koffi as loadKoffi } from './koffi';

/* eslint-disable @typescript-eslint/no-explicit-any */
type KoffiFn = ((...args: unknown[]) => number) & {
  /** koffi's asynchronous form: the call runs on one of its worker threads, the callback on the event loop. */
  async(...args: unknown[]): void;
};
interface Bound {
  errno: () => number;
  mount: KoffiFn; umount2: KoffiFn; fsopen: KoffiFn; fsconfig: KoffiFn; fsconfigFd: KoffiFn; fsmount: KoffiFn;
  moveMount: KoffiFn; openTree: KoffiFn; fspick: KoffiFn; mountSetattr: KoffiFn; ioctlPtr: KoffiFn;
  ioctlInt: KoffiFn; read: KoffiFn; open: KoffiFn; close: KoffiFn; readlink: KoffiFn; flock: KoffiFn; setns: KoffiFn; unshare: KoffiFn; statmount: KoffiFn; listmount: KoffiFn; statx: KoffiFn;
  fanotifyInit: KoffiFn; fanotifyMark: KoffiFn; poll: KoffiFn; fopen: KoffiFn; fread: KoffiFn; ferror: KoffiFn; fclose: KoffiFn;
  exit: KoffiFn;
}

let bound: Bound | undefined;
let nr: SyscallNumbers | undefined;

function numbers(): SyscallNumbers {
  if (!nr) {
    nr = SYSCALLS[process.arch];
    if (!nr) throw new Error(`tsmount: unsupported architecture ${process.arch}`);
  }
  return nr;
}

function load(): Bound {
  if (bound) return bound;
  const koffi = loadKoffi();
  const libc = koffi.load('libc.so.6');
  const fn = (name: string, ret: string, args: unknown[]): KoffiFn => libc.func(name, ret, args) as KoffiFn;
  const S = (args: unknown[]) => (): KoffiFn => fn('syscall', 'long', ['long', ...args]);
  const C = (name: string, ret: string, args: unknown[]) => (): KoffiFn => fn(name, ret, args);
  // Each prototype is declared on first use: a mount needs a handful of these, a listing none.
  const decls: Record<Exclude<keyof Bound, 'errno'>, () => KoffiFn> = {
    mount: C('mount', 'int', ['str', 'str', 'str', 'unsigned long', 'str']),
    umount2: C('umount2', 'int', ['str', 'int']),
    fsopen: S(['str', 'uint']),
    fsconfig: S(['int', 'uint', 'str', 'str', 'int']),
    fsconfigFd: S(['int', 'uint', 'str', 'void *', 'int']),
    fsmount: S(['int', 'uint', 'uint']),
    moveMount: S(['int', 'str', 'int', 'str', 'uint']),
    openTree: S(['int', 'str', 'uint']),
    fspick: S(['int', 'str', 'uint']),
    mountSetattr: () => fn('syscall', 'long', ['long', 'int', 'str', 'uint', koffi.pointer(koffi.struct('tsmount_mount_attr', {
      attr_set: 'uint64_t', attr_clr: 'uint64_t', propagation: 'uint64_t', userns_fd: 'uint64_t',
    })), 'size_t']),
    statmount: S(['void *', 'void *', 'size_t', 'uint']),
    listmount: S(['void *', 'void *', 'size_t', 'uint']),
    statx: C('statx', 'int', ['int', 'str', 'int', 'uint', 'void *']),
    ioctlPtr: C('ioctl', 'int', ['int', 'unsigned long', 'void *']),
    ioctlInt: C('ioctl', 'int', ['int', 'unsigned long', 'unsigned long']),
    read: C('read', 'long', ['int', 'void *', 'size_t']),
    open: C('open', 'int', ['str', 'int']),
    close: C('close', 'int', ['int']),
    readlink: C('readlink', 'long', ['str', 'void *', 'size_t']),
    flock: C('flock', 'int', ['int', 'int']),
    setns: C('setns', 'int', ['int', 'int']),
    unshare: C('unshare', 'int', ['int']),
    fanotifyInit: C('fanotify_init', 'int', ['uint', 'uint']),
    fanotifyMark: C('fanotify_mark', 'int', ['int', 'uint', 'uint64_t', 'int', 'str']),
    poll: C('poll', 'int', ['void *', 'ulong', 'int']),
    fopen: C('fopen', 'void *', ['str', 'str']),
    fread: C('fread', 'size_t', ['void *', 'size_t', 'size_t', 'void *']),
    ferror: C('ferror', 'int', ['void *']),
    fclose: C('fclose', 'int', ['void *']),
    exit: C('_exit', 'void', ['int']),
  };
  const b = { errno: () => koffi.errno() } as Bound;
  for (const [name, make] of Object.entries(decls)) {
    Object.defineProperty(b, name, {
      configurable: true,
      get() {
        const fn = make();
        Object.defineProperty(b, name, { value: fn });
        return fn;
      },
    });
  }
  bound = b;
  return bound;
}

/** True once koffi has been loaded (start-up tests assert it stays unloaded for listing). */
export function koffiLoaded(): boolean {
  return bound !== undefined;
}

/** koffi calls running on its worker threads (their callbacks still to come). */
let inFlight = 0;

/** A koffi call on one of its worker threads, counted until its callback has run. */
function callAsync<R>(fn: KoffiFn, args: unknown[], done: (err: unknown, result: R) => void): void {
  inFlight++;
  fn.async(...args, (err: unknown, result: R) => {
    inFlight--;
    done(err, result);
  });
}

/**
 * Whether exitAtOnce can end the process: koffi loaded already (loading it would cost more than
 * the exit saves), and none of its calls still running on a worker thread (their results would be
 * lost: Node does not count them as active resources).
 */
export function canExitAtOnce(): boolean {
  return bound !== undefined && inFlight === 0;
}

/** _exit(2) with `code` when canExitAtOnce(); returns only when it did nothing. */
export function exitAtOnce(code: number): void {
  if (bound && canExitAtOnce()) bound.exit(code);
}

// ---- recording (the dry run), tracing and fault injection -------------------------

/**
 * The dry run: while a recorder is set, no kernel call and no other side effect is made. Each is
 * written down as it would be made (strace's notation), and calls that return an fd hand out the
 * next number a fresh process would get, so the executors run unchanged over this layer.
 */
interface Recorder {
  lines: string[];
  nextFd: number;
}
let recorder: Recorder | undefined;

/** Run `fn` with every call and side effect recorded instead of made. */
export function recordCalls<T>(fn: () => T): { result: T; calls: string[] } {
  const outer = recorder;
  const rec: Recorder = { lines: [], nextFd: 3 };
  recorder = rec;
  try {
    return { result: fn(), calls: rec.lines };
  } finally {
    recorder = outer;
  }
}

export function isRecording(): boolean {
  return recorder !== undefined;
}

/** A line of the dry run that is no call (a note: "# the helper ends the list"). */
export function recordNote(line: string): void {
  recorder?.lines.push(line);
}

/**
 * A side effect outside the kernel-call table (mkdir, chown, execve …): made, or in a dry run
 * recorded as `line` and answered with `fake`.
 */
export function sideEffect<T>(line: () => string, real: () => T, fake: T): T {
  if (recorder) {
    recorder.lines.push(line());
    return fake;
  }
  return real();
}

/** open(2) through Node (its errors are Node's); in a dry run a recorded open with the next fd. */
export function sysOpen(path: string, flags: number): number {
  if (recorder) {
    const fd = recorder.nextFd++;
    recorder.lines.push(`open(${q(path)}, ${openFlagNames(flags)}) = ${fd}`);
    return fd;
  }
  // An O_PATH open (a pin: one per mount -a entry) through koffi once it is loaded, a third of
  // fs.openSync's cost. It opens nothing but a reference, so a failure is simply asked again of
  // Node, whose error (with its code) the callers expect.
  // (A path with a NUL in it is left to Node, which refuses it; C would see a shorter path.)
  if (bound && (flags & O.PATH) !== 0 && !path.includes('\0')) {
    const fd = bound.open(cString(path), flags | O.CLOEXEC);
    if (fd >= 0) return fd;
  }
  return fs.openSync(osPath(path), flags);
}

/** One kernel call as it is (or would be) made, for explain mode and tests. */
export type TraceSink = (call: string) => void;
let tracer: TraceSink | undefined;
export function setTracer(sink: TraceSink | undefined): void {
  tracer = sink;
}

// Fault injection seam for tests: TSMOUNT_FAULT="fsmount=EIO,move_mount=EBUSY" (or setFaults()) makes the
// named call fail with that errno without calling the kernel. Read once.
let faults: Map<string, number> | undefined;
export function setFaults(spec: string | undefined): void {
  faults = new Map();
  for (const item of (spec ?? '').split(',')) {
    const [name, code] = item.split('=');
    if (!name || !code) continue;
    const n = errnoNumber(code) ?? Number(code);
    if (Number.isFinite(n)) faults.set(name.trim(), n);
  }
}
function injected(name: string): number | undefined {
  if (!faults) setFaults(process.env.TSMOUNT_FAULT);
  return faults!.get(name);
}

const q = quoted;

/** A C string argument: escaped bytes (see sys/bytes.ts) go to the kernel as the bytes they stand for. */
function cs(s: string | null): string | Buffer | null {
  return s === null ? null : cString(s);
}

interface CallContext {
  source?: string;
  target?: string;
  flags?: number;
  /** fs-context fd whose message log explains a failure. */
  logFd?: number;
}

/**
 * The context with the fs-context fd whose log explains a failure. Written out, not `{ ...ctx, logFd }`:
 * in Node 20's V8 a property added after a spread gives every object a map of its own (docs/performance.md).
 */
function withLog(ctx: CallContext, fd: number): CallContext {
  return { source: ctx.source, target: ctx.target, flags: ctx.flags, logFd: fd };
}

function check(name: string, ret: number, err: number, ctx: CallContext): number {
  if (ret >= 0) return ret;
  const kernelMessages = ctx.logFd !== undefined ? readFsContextLog(ctx.logFd) : [];
  throw new MountError({ syscall: name, errno: err, source: ctx.source, target: ctx.target, flags: ctx.flags, kernelMessages });
}

/** What a call returns, for the dry run: an fd (the next number), a value ("= N"), or nothing. */
type Returns = 'fd' | 'value' | 'none';

/**
 * Make one call: record it (dry run) or trace it, honour an injected fault, read errno at once,
 * throw MountError on failure. `shownName` is the name strace would show when `name` (the one
 * errors and faults use) says more, as "ioctl(LOOP_CONFIGURE)" does.
 */
function call(name: string, shown: () => string, ctx: CallContext, fn: () => number, returns: Returns = 'none', shownName = name): number {
  if (recorder) {
    const ret = returns === 'fd' ? recorder.nextFd++ : 0;
    recorder.lines.push(`${shownName}(${shown()})${returns === 'fd' ? ` = ${ret}` : returns === 'value' ? ' = N' : ''}`);
    return ret;
  }
  if (tracer) tracer(`${shownName}(${shown()})`); // the argument text is built only when someone traces
  const fault = injected(name);
  if (fault !== undefined) {
    if (ctx.logFd !== undefined) readFsContextLog(ctx.logFd);
    throw new MountError({ syscall: name, errno: fault, source: ctx.source, target: ctx.target, flags: ctx.flags,
      kernelMessages: [`e tsmount: injected fault in ${name}`] });
  }
  const b = load();
  const ret = fn();
  const err = ret < 0 ? b.errno() : 0;
  return check(name, ret, err, ctx);
}

/**
 * A call that only reads kernel state (statx, statmount, listmount): made even in a dry run, which
 * looks mounts up as the real run does, and not traced (a table read is thousands of them).
 */
function query(name: string, ctx: CallContext, fn: () => number): number {
  const fault = injected(name);
  if (fault !== undefined) throw new MountError({ syscall: name, errno: fault, target: ctx.target });
  const b = load();
  const ret = fn();
  return check(name, ret, ret < 0 ? b.errno() : 0, ctx);
}

// ---- the calls -------------------------------------------------------------

/**
 * mount(2). `shownTarget` names the target in errors when `target` is a /proc/self/fd/N path
 * standing for a pinned directory.
 */
export function sysMount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null,
  shownTarget = target): void {
  call('mount', () => `${q(source)}, ${q(target)}, ${q(fstype)}, ${msFlagNames(flags)}, ${q(data)}`,
    { source: source ?? undefined, target: shownTarget, flags }, () => load().mount(cs(source), cString(target), fstype, flags >>> 0, cs(data)));
}

export function sysUmount2(target: string, flags: number): void {
  call('umount2', () => `${q(target)}, ${flags ? `0x${flags.toString(16)}` : '0'}`, { target }, () => load().umount2(cString(target), flags));
}

export function sysFsopen(fstype: string, flags: number): number {
  return call('fsopen', () => `${q(fstype)}, ${flags === 1 ? 'FSOPEN_CLOEXEC' : flags}`, {}, () => load().fsopen(numbers().fsopen, fstype, flags), 'fd');
}

export function sysFsconfig(fd: number, cmd: number, key: string | null, value: string | null, aux: number, ctx: CallContext = {}): void {
  call('fsconfig', () => `${fd}, ${fsconfigCmdName(cmd)}, ${q(key)}, ${q(value)}, ${aux === AT.FDCWD ? 'AT_FDCWD' : aux}`, withLog(ctx, fd),
    () => load().fsconfig(numbers().fsconfig, fd, cmd, key, cs(value), aux));
}

export function sysFsconfigFd(fd: number, key: string, valueFd: number, ctx: CallContext = {}): void {
  call('fsconfig', () => `${fd}, FSCONFIG_SET_FD, ${q(key)}, NULL, ${valueFd}`, withLog(ctx, fd),
    () => load().fsconfigFd(numbers().fsconfig, fd, 5, key, null, valueFd));
}

export function sysFsmount(fd: number, flags: number, attrs: number, ctx: CallContext = {}): number {
  return call('fsmount', () => `${fd}, ${flags === 1 ? 'FSMOUNT_CLOEXEC' : flags}, ${attrNames(attrs)}`, withLog(ctx, fd),
    () => load().fsmount(numbers().fsmount, fd, flags, attrs), 'fd');
}

export function sysMoveMount(fromFd: number, fromPath: string, toFd: number, toPath: string, flags: number, ctx: CallContext = {}): void {
  call('move_mount', () => `${dirFdName(fromFd)}, ${q(fromPath)}, ${dirFdName(toFd)}, ${q(toPath)}, ${moveMountFlagNames(flags)}`, ctx,
    () => load().moveMount(numbers().move_mount, fromFd, cString(fromPath), toFd, cString(toPath), flags));
}

export function sysOpenTree(dirFd: number, path: string, flags: number, ctx: CallContext = {}): number {
  return call('open_tree', () => `${dirFdName(dirFd)}, ${q(path)}, ${openTreeFlagNames(flags)}`, ctx,
    () => load().openTree(numbers().open_tree, dirFd, cString(path), flags), 'fd');
}

export function sysFspick(dirFd: number, path: string, flags: number, ctx: CallContext = {}): number {
  return call('fspick', () => `${dirFdName(dirFd)}, ${q(path)}, ${fspickFlagNames(flags)}`, ctx,
    () => load().fspick(numbers().fspick, dirFd, cString(path), flags), 'fd');
}

export interface MountAttr {
  attrSet: number;
  attrClr: number;
  propagation: number;
  usernsFd?: number;
}

export function sysMountSetattr(dirFd: number, path: string, flags: number, attr: MountAttr, ctx: CallContext = {}): void {
  const a = { attr_set: attr.attrSet, attr_clr: attr.attrClr, propagation: attr.propagation, userns_fd: attr.usernsFd ?? 0 };
  call('mount_setattr', () => `${dirFdName(dirFd)}, ${q(path)}, ${atFlagNames(flags)}, {attr_set=${attrNames(a.attr_set)}, `
    + `attr_clr=${attrNames(a.attr_clr)}, propagation=${a.propagation ? propagationName(a.propagation) : '0'}, userns_fd=${a.userns_fd}}, ${MOUNT_ATTR_SIZE_VER0}`,
    ctx, () => load().mountSetattr(numbers().mount_setattr, dirFd, cString(path), flags, a, MOUNT_ATTR_SIZE_VER0));
}

/**
 * ioctl(2). `name` is "ioctl(REQUEST)" (errors and faults use it); `shownArg` is the argument as the
 * dry run shows it; `returnsValue` for requests whose result is a number (LOOP_CTL_GET_FREE).
 */
export function sysIoctl(fd: number, request: number, arg: Buffer | number, name: string, ctx: CallContext = {},
  shownArg?: string, returnsValue = false): number {
  const req = /^ioctl\((.*)\)$/.exec(name)?.[1] ?? `0x${request.toString(16)}`;
  return call(name, () => `${fd}, ${req}${shownArg !== undefined ? `, ${shownArg}` : typeof arg === 'number' && arg === 0 ? '' : `, ${typeof arg === 'number' ? arg : '<buffer>'}`}`,
    ctx, () => (typeof arg === 'number' ? load().ioctlInt(fd, request, arg) : load().ioctlPtr(fd, request, arg)),
    returnsValue ? 'value' : 'none', 'ioctl');
}

/** flock(fd, LOCK_EX): waits for the lock. */
export function sysFlockExclusive(fd: number): void {
  call('flock', () => `${fd}, LOCK_EX`, {}, () => load().flock(fd, 2));
}

export function sysSetns(fd: number, nstype: number, ctx: CallContext = {}): void {
  call('setns', () => `${fd}, ${nstype}`, ctx, () => load().setns(fd, nstype));
}

export function sysUnshare(flags: number): void {
  call('unshare', () => `${flags}`, {}, () => load().unshare(flags));
}

export function sysStatmount(req: Buffer, buf: Buffer): void {
  query('statmount', {}, () => load().statmount(numbers().statmount, req, buf, buf.length, 0));
}

/**
 * statmount(2) for a loop over a whole table (one call per mount): the bound function with no
 * wrapper per call, returning 0 or -errno. An injected fault applies to every call.
 */
export function statmountCaller(): (req: Buffer, buf: Buffer) => number {
  const fault = injected('statmount');
  if (fault !== undefined) return () => -fault;
  const b = load();
  const fn = b.statmount;
  const nr = numbers().statmount;
  return (req, buf) => (fn(nr, req, buf, buf.length, 0) < 0 ? -b.errno() : 0);
}

/** listmount(2) into `ids` (room for `count` 64-bit IDs); returns how many it wrote. */
export function sysListmount(req: Buffer, ids: Buffer, count: number, flags = 0): number {
  return query('listmount', {}, () => load().listmount(numbers().listmount, req, ids, count, flags >>> 0));
}

/** fanotify_init(2): a notification group; returns its fd. */
export function sysFanotifyInit(flags: number, eventFlags: number): number {
  return query('fanotify_init', {}, () => load().fanotifyInit(flags >>> 0, eventFlags >>> 0));
}

/** fanotify_mark(2) on an object named by `dirFd` (a mount namespace fd with FAN_MARK_MNTNS). */
export function sysFanotifyMark(fd: number, flags: number, mask: number, dirFd: number, path: string | null): void {
  query('fanotify_mark', {}, () => load().fanotifyMark(fd, flags >>> 0, mask, dirFd, path));
}

/**
 * Wait, off the event loop (poll(2) on one of koffi's worker threads), until `fd` is readable or
 * `timeoutMs` passed: true when readable. Node cannot poll an arbitrary fd itself.
 */
export function sysPollReadable(fd: number, timeoutMs: number): Promise<boolean> {
  const pfd = Buffer.alloc(8);
  pfd.writeInt32LE(fd, 0);
  pfd.writeInt16LE(1, 4); // POLLIN
  return new Promise((resolve, reject) => {
    callAsync(load().poll, [pfd, 1, timeoutMs], (err: unknown, n: number) => {
      if (err) reject(err);
      else resolve(n > 0 && (pfd.readInt16LE(6) & 1) !== 0);
    });
  });
}

/** A file read in the background: see openBackgroundReader. */
export interface BackgroundReader {
  /** Fill `buf` (short only at the end of the file); the bytes read. One read at a time. */
  read(buf: Buffer): Promise<number>;
  close(): void;
}

/**
 * A file read on koffi's worker threads, a whole buffer per call: fread(3) loops read(2) until the
 * buffer is full. For a seq_file such as /proc/self/mountinfo, whose every read(2) returns at most
 * a page, this is one hand-over between threads per buffer instead of one per 4 KiB. Undefined
 * when the file cannot be opened (the caller reads it the usual way and meets the error there).
 */
export function openBackgroundReader(path: string): BackgroundReader | undefined {
  const b = load();
  const file = b.fopen(cString(path), 're') as unknown;
  if (!file) return undefined;
  let open = true;
  return {
    read(buf) {
      return new Promise((resolve, reject) => {
        callAsync(b.fread, [buf, 1, buf.length, file], (err: unknown, n: number | bigint) => {
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          // A short read is the end of the file, or an error: stdio keeps no errno for it.
          else if (Number(n) < buf.length && b.ferror(file)) reject(new MountError({ syscall: 'read', errno: E.EIO }));
          else resolve(Number(n));
        });
      });
    },
    close() {
      if (open) b.fclose(file);
      open = false;
    },
  };
}

/** read(2) of `fd` into `buf`; -errno on failure (EAGAIN from a non-blocking fd is no error here). */
export function sysReadRaw(fd: number, buf: Buffer): number {
  const b = load();
  const n = b.read(fd, buf, buf.length);
  return n < 0 ? -b.errno() : n;
}

const kindBuf = Buffer.alloc(256);
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const STATX_TYPE = 0x1;

/** What is at a path, its last component not followed: a symlink, something else, nothing (ENOENT), a component that is no directory. */
export type PathKind = 'symlink' | 'other' | 'missing' | 'notdir';

/**
 * What is at `p` (undefined for any other failure), asked so that nothing outside answers: never
 * an automount triggered, never a FUSE server asked (a dead one would hang mount -a), as a
 * readlink(2) asks nothing. Through koffi's statx once it is loaded (AT_NO_AUTOMOUNT,
 * AT_STATX_DONT_SYNC; a reused buffer, no Stats object: mount -a asks once per entry), else
 * through Node's readlink, whose EINVAL is the answer for anything but a symlink.
 */
export function pathKind(p: string): PathKind | undefined {
  if (bound && !p.includes('\0')) {
    if (bound.statx(AT.FDCWD, cString(p), AT.SYMLINK_NOFOLLOW | AT.NO_AUTOMOUNT | AT.STATX_DONT_SYNC, STATX_TYPE, kindBuf) < 0) {
      const err = bound.errno();
      return err === E.ENOENT ? 'missing' : err === E.ENOTDIR ? 'notdir' : undefined;
    }
    return (kindBuf.readUInt16LE(28) & S_IFMT) === S_IFLNK ? 'symlink' : 'other';
  }
  try {
    fs.readlinkSync(osPath(p));
    return 'symlink';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EINVAL' ? 'other' : code === 'ENOENT' ? 'missing' : code === 'ENOTDIR' ? 'notdir' : undefined;
  }
}

export function sysStatx(path: string, flags: number, mask: number, buf: Buffer): void {
  query('statx', { target: path }, () => load().statx(-100, cString(path), flags, mask, buf));
}

// ---- fs-context message log -------------------------------------------------

const logBuf = Buffer.alloc(8192);
/**
 * Drain the fs-context log: one message per read(), ENODATA when empty. Messages keep
 * their "e "/"w "/"i " prefix; trailing newlines are stripped. read(2) goes through koffi
 * (already loaded: the fd came from fsopen/fspick): an empty log is an errno, not a thrown
 * Node exception, which matters when mount -a drains it thousands of times.
 */
export function readFsContextLog(fd: number): string[] {
  const out: string[] = [];
  if (recorder) return out; // a dry run's fds are numbers only
  const b = bound;
  for (let i = 0; i < 64; i++) {
    let n: number;
    if (b) n = b.read(fd, logBuf, logBuf.length);
    else {
      try {
        n = fs.readSync(fd, logBuf, 0, logBuf.length, null);
      } catch {
        break;
      }
    }
    if (n <= 0) break;
    out.push(logBuf.toString('utf8', 0, n).replace(/\n+$/, ''));
  }
  return out;
}

export function closeFd(fd: number): void {
  if (recorder) {
    recorder.lines.push(`close(${fd})`);
    return;
  }
  // Through koffi once it is loaded (a mount made it so): a third of fs.closeSync's cost, which
  // mount -a pays three times per entry. A failure (already closed) is nothing either way.
  if (bound) {
    bound.close(fd);
    return;
  }
  try {
    fs.closeSync(fd);
  } catch {
    /* already closed */
  }
}

/** PATH_MAX and one byte more: an answer that fills it was cut. */
const linkBuf = Buffer.alloc(4096 + 1);

/**
 * readlink(2) of `p` as bytes (a copy), undefined when it fails. Through koffi once it is loaded:
 * no exception object for a failure, no buffer per call (the pin of every mount -a entry reads its
 * /proc/self/fd link back).
 */
export function readlinkBytes(p: string): Buffer | undefined {
  if (bound && !p.includes('\0')) {
    const n = bound.readlink(cString(p), linkBuf, linkBuf.length);
    return n < 0 || n >= linkBuf.length ? undefined : Buffer.from(linkBuf.subarray(0, n));
  }
  try {
    return fs.readlinkSync(osPath(p), { encoding: 'buffer' });
  } catch {
    return undefined;
  }
}

export { E };
