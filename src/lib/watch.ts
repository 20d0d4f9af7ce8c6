// Watching the mount table: mount, umount, remount and move events, as findmnt --poll reports them.
//
// Driven by fanotify's mount events where the kernel has them (FAN_MNT_ATTACH/FAN_MNT_DETACH on the
// mount namespace, Linux 6.15+): the kernel queues every attach and detach, so none is lost between
// two looks; each batch of events makes the table be read again and compared with the last one, which
// names what changed (a mount that came and went before the read is not described: statmount cannot
// describe a mount that is gone). A remount queues no fanotify event: the table is compared once a
// second for those. Without fanotify (older kernels, no CAP_SYS_ADMIN) the table is compared at every
// interval instead. Node cannot poll() an arbitrary fd: poll(2) runs on one of koffi's worker threads
// (woken at once by the first queued event, or after the interval to see whether to stop).
import { MountEntry, MountField, mergedOptions } from '../tables/mountinfo';
import { readMountTable } from './mount-table';
import { sysFanotifyInit, sysFanotifyMark, sysReadRaw, sysPollReadable, closeFd, sysOpen } from '../sys/syscalls';
import { statmountAt } from '../sys/statmount';
import { MountError } from '../sys/error';
import { E } from '../sys/errno';
import { O } from '../sys/constants';
import { canonical } from './paths';

export type MountAction = 'mount' | 'umount' | 'remount' | 'move';
export const MOUNT_ACTIONS: readonly MountAction[] = ['mount', 'umount', 'remount', 'move'];

export interface MountEvent {
  action: MountAction;
  /** The mount point (after a move, the new one). */
  target: string;
  source: string;
  fstype: string;
  /** Per-mount and superblock options, as findmnt's OPTIONS (after a remount, the new ones). */
  options: string;
  /** move: where it was. */
  oldTarget?: string;
  /** remount: the options before. */
  oldOptions?: string;
  /** mountinfo's mount ID, and the 64-bit unique one where statmount(2) told it. */
  id: number;
  uniqueId?: bigint;
}

export interface WatchOptions {
  /** Only events of this mount point (canonical path; a move to or from it counts). */
  target?: string;
  /** Only these actions (default: all). */
  actions?: readonly MountAction[];
  /** Stops the watch (the iterator ends). */
  signal?: AbortSignal;
  /** How events are noticed: fanotify mount events when the kernel allows (default), or comparing the table at each interval. */
  via?: 'auto' | 'fanotify' | 'poll';
  /** ms between looks comparing the table (default 100); with fanotify, the longest wait for an event before checking `signal` (default 250). */
  intervalMs?: number;
}

/** What the watch found the kernel offers: `fanotify` or `poll` (told before the first event). */
export type WatchSource = 'fanotify' | 'poll';

const FIELDS: readonly MountField[] = ['target', 'source', 'fstype', 'vfsOptions', 'fsOptions'];

const FAN_CLOEXEC = 0x1;
const FAN_NONBLOCK = 0x2;
const FAN_REPORT_MNT = 0x4000;
const FAN_MARK_ADD = 0x1;
const FAN_MARK_MNTNS = 0x110;
const FAN_MNT_ATTACH = 0x01000000;
const FAN_MNT_DETACH = 0x02000000;

/** A fanotify group watching this mount namespace's attaches and detaches; undefined where it cannot. */
function openMountNotify(): number | undefined {
  let fd: number | undefined;
  let ns: number | undefined;
  try {
    fd = sysFanotifyInit(FAN_REPORT_MNT | FAN_CLOEXEC | FAN_NONBLOCK, O.RDONLY);
    ns = sysOpen('/proc/self/ns/mnt', O.RDONLY | O.CLOEXEC);
    sysFanotifyMark(fd, FAN_MARK_ADD | FAN_MARK_MNTNS, FAN_MNT_ATTACH | FAN_MNT_DETACH, ns, null);
    return fd;
  } catch (e) {
    if (fd !== undefined) closeFd(fd);
    // EINVAL: no FAN_REPORT_MNT (before 6.15); EPERM: no CAP_SYS_ADMIN; ENOSYS: no fanotify.
    if (e instanceof MountError || (e as NodeJS.ErrnoException).code !== undefined) return undefined;
    throw e;
  } finally {
    if (ns !== undefined) closeFd(ns);
  }
}

const eventBuf = Buffer.alloc(4096);

/** Drain the group's queue: how many events were waiting (their contents do not matter here). */
function drain(fd: number): number {
  let n = 0;
  for (;;) {
    const got = sysReadRaw(fd, eventBuf);
    if (got === -E.EAGAIN || got === 0) return n;
    if (got < 0) throw new MountError({ syscall: 'read', errno: -got });
    for (let off = 0; off + 24 <= got;) {
      const len = eventBuf.readUInt32LE(off);
      if (len < 24) break;
      n++;
      off += len;
    }
  }
}

function keyOf(e: MountEntry): string {
  return e.uniqueId !== undefined ? `u${e.uniqueId}` : `i${e.id}`;
}

function snapshot(): Map<string, MountEntry> {
  const m = new Map<string, MountEntry>();
  for (const e of readMountTable(FIELDS).entries) m.set(keyOf(e), e);
  return m;
}

function eventOf(action: MountAction, e: MountEntry, before?: MountEntry): MountEvent {
  const ev: MountEvent = { action, target: e.target, source: e.source, fstype: e.fstype, options: mergedOptions(e), id: e.id };
  if (e.uniqueId !== undefined) ev.uniqueId = e.uniqueId;
  if (action === 'move' && before) ev.oldTarget = before.target;
  if (action === 'remount' && before) ev.oldOptions = mergedOptions(before);
  return ev;
}

/** What changed from `old` to `now`: unmounts first (newest first), then mounts, moves and remounts in table order. */
export function diffTables(old: ReadonlyMap<string, MountEntry>, now: ReadonlyMap<string, MountEntry>): MountEvent[] {
  const out: MountEvent[] = [];
  const gone = [...old].filter(([k]) => !now.has(k)).map(([, e]) => e);
  for (let i = gone.length - 1; i >= 0; i--) out.push(eventOf('umount', gone[i]));
  for (const [k, e] of now) {
    const b = old.get(k);
    if (!b) {
      out.push(eventOf('mount', e));
      continue;
    }
    // Remounted and moved between two looks: the remount first, where it was then.
    if (mergedOptions(b) !== mergedOptions(e)) out.push(eventOf('remount', { ...e, target: b.target }, b));
    if (b.target !== e.target) out.push(eventOf('move', e, b));
  }
  return out;
}

function wanted(ev: MountEvent, o: WatchOptions, target: string | undefined): boolean {
  if (o.actions && !o.actions.includes(ev.action)) return false;
  return target === undefined || ev.target === target || ev.oldTarget === target;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal?.aborted) return resolve();
  const t = setTimeout(done, ms);
  function done(): void {
    clearTimeout(t);
    signal?.removeEventListener('abort', done);
    resolve();
  }
  signal?.addEventListener('abort', done, { once: true });
});

/**
 * Mount events as they happen, until `signal` aborts (or the caller stops iterating). The watch is
 * set up before this returns its iterator's first result: what happens after the call is seen.
 * `onSource` is told which mechanism serves the watch.
 */
export function watchMounts(o: WatchOptions = {}, onSource?: (s: WatchSource) => void): AsyncGenerator<MountEvent, void, undefined> {
  const target = o.target === undefined ? undefined : canonical(o.target);
  const fd = o.via === 'poll' ? undefined : openMountNotify();
  if (o.via === 'fanotify' && fd === undefined) throw new MountError({ syscall: 'fanotify_init', errno: E.ENOSYS });
  onSource?.(fd === undefined ? 'poll' : 'fanotify');
  let table = snapshot();
  const interval = o.intervalMs ?? (fd === undefined ? 100 : 250);
  return (async function* run(): AsyncGenerator<MountEvent, void, undefined> {
    try {
      let lastLook = Date.now();
      while (!o.signal?.aborted) {
        let look: boolean;
        if (fd === undefined) {
          await sleep(interval, o.signal);
          look = true;
        } else {
          // Woken by the kernel at the first queued event; at the latest after `interval`, to see
          // whether the watch was stopped and, once a second, to look for remounts.
          const ready = await sysPollReadable(fd, interval);
          look = (ready && drain(fd) > 0) || Date.now() - lastLook >= 1000;
        }
        if (o.signal?.aborted) return;
        if (!look) continue;
        lastLook = Date.now();
        const now = snapshot();
        const events = diffTables(table, now);
        table = now;
        for (const ev of events) if (wanted(ev, o, target)) yield ev;
      }
    } finally {
      if (fd !== undefined) closeFd(fd);
    }
  })();
}

/**
 * Wait until something is mounted on `target` (canonical): at once when it already is. The watch is
 * set up before the check, so a mount made between the two is not missed (util-linux #3517).
 * Resolves to the mount's event (action 'mount', or 'move' for one moved there), or undefined when
 * `signal` aborted first.
 */
export async function waitForMount(target: string, o: Omit<WatchOptions, 'target' | 'actions'> = {}): Promise<MountEvent | undefined> {
  const tgt = canonical(target);
  const watch = watchMounts({ ...o, target: tgt, actions: ['mount', 'move'] });
  try {
    const now = mountedAt(tgt);
    if (now) return eventOf('mount', now);
    for await (const ev of watch) if (ev.target === tgt) return ev;
    return undefined;
  } finally {
    await watch.return(undefined);
  }
}

/** The topmost mount whose mount point is `target`, if any. */
function mountedAt(target: string): MountEntry | undefined {
  try {
    return statmountAt(target);
  } catch {
    return readMountTable(FIELDS).topAt(target);
  }
}
