// Mounts that end with a scope: `using m = mountScoped(...)` unmounts when the block is left, an
// exception included; withMount() does the same for runtimes and code without `using`. mountTemp()
// mounts on a fresh directory of its own, removed again at the end.
import fs = require('fs');
import os = require('os');
import path = require('path');
import { MountRequest, MountResult } from './mount';
import { UmountRequest, UmountResult } from './umount';

/** What the scope needs from the library (index.ts passes its mountRequest and umount). */
export interface ScopeOps {
  mount(req: MountRequest): MountResult;
  umount(target: string, o: UmountRequest & { recursive?: boolean }): UmountResult[];
}

/** A mount that ends with its scope. */
export interface ScopedMount extends MountResult {
  /** Unmount now (recursively: what was mounted below it goes too). Idempotent. */
  unmount(): void;
  /** Has unmount() run? */
  readonly unmounted: boolean;
  /** Same as unmount(): `using m = ...`. Present where the runtime defines Symbol.dispose. */
  [Symbol.dispose](): void;
  /** unmount() for `await using`. Present where the runtime defines Symbol.asyncDispose. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A scoped mount on a directory made for it; the directory is removed with the mount. */
export interface TempMount extends ScopedMount {
  /** The directory it is mounted on (under os.tmpdir() unless `parent` was given). */
  readonly path: string;
}

/** True where the runtime has Symbol.dispose / Symbol.asyncDispose (`using`, `await using`). */
const disposeKey: symbol | undefined = (Symbol as { dispose?: symbol }).dispose;
const asyncDisposeKey: symbol | undefined = (Symbol as { asyncDispose?: symbol }).asyncDispose;

/** Give `m` its dispose methods, where the runtime defines the symbols (none otherwise). */
function disposable<T extends Omit<ScopedMount, typeof Symbol.dispose | typeof Symbol.asyncDispose>>(m: T): T & ScopedMount {
  if (disposeKey) Object.defineProperty(m, disposeKey, { value: () => m.unmount(), configurable: true });
  if (asyncDisposeKey) Object.defineProperty(m, asyncDisposeKey, { value: async () => m.unmount(), configurable: true });
  return m as T & ScopedMount;
}

export function scoped(ops: ScopeOps, req: MountRequest, umountOptions: UmountRequest = {}, after?: () => void): ScopedMount {
  const r = ops.mount(req);
  let done = false;
  const m = {
    ...r,
    get unmounted() {
      return done;
    },
    unmount() {
      if (done) return;
      done = true;
      try {
        ops.umount(r.target, { ...umountOptions, recursive: true });
      } finally {
        after?.();
      }
    },
  };
  return disposable(m);
}

export function tempScoped(ops: ScopeOps, req: Omit<MountRequest, 'target'>, parent = os.tmpdir(), umountOptions: UmountRequest = {}): TempMount {
  const dir = fs.mkdtempSync(path.join(parent, 'tsmount-'));
  const remove = (): void => fs.rmdirSync(dir);
  let m: ScopedMount;
  try {
    m = scoped(ops, { ...req, target: dir }, umountOptions, remove);
  } catch (e) {
    remove();
    throw e;
  }
  // The descriptor copy keeps the `unmounted` getter (a spread would freeze its value).
  return disposable(Object.defineProperties({} as Omit<TempMount, typeof Symbol.dispose | typeof Symbol.asyncDispose>, {
    ...Object.getOwnPropertyDescriptors(m),
    path: { value: dir, enumerable: true },
  }));
}

/** Run `fn` with the scoped mount, and unmount it afterwards whatever `fn` did (a promise is awaited). */
export function runScoped<M extends ScopedMount, R>(m: M, fn: (m: M) => R): R {
  let result: R;
  try {
    result = fn(m);
  } catch (e) {
    try {
      m.unmount();
    } catch {
      /* the callback's error is the one to report */
    }
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => m.unmount()) as R;
  }
  m.unmount();
  return result;
}
