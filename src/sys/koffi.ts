// koffi, loaded the short way. `require('koffi')` spends ~9 ms of a command's start-up (on the
// machine of docs/performance.md) before the first call: Node resolves the package's `exports`,
// then compiles and runs koffi's JavaScript loader, which finds the prebuilt package for this
// platform (@koromix/koffi-<platform>-<arch>), whose own loader reads Node's ELF headers to pick
// the glibc or musl binary, and finally wraps the native module to add deprecated aliases. The
// native module itself takes ~2.6 ms. Here the same binary is picked by the same rules (the
// package koffi would require, the libc of Node's ELF interpreter) and required directly; it is
// used only when its version is koffi's own (the check koffi's wrapper makes). Anything else — a
// platform or architecture whose binary koffi names differently, a koffi built from source, a
// missing package — takes koffi's loader as it is.
import fs = require('fs');
import path = require('path');

/** The part of koffi's API tsmount uses (sys/syscalls.ts, devices/blkid.ts). */
export interface Koffi {
  version: string;
  load(path: string): { func(name: string, ret: unknown, args: unknown[]): unknown };
  struct(name: string, def: Record<string, string>): unknown;
  opaque(): unknown;
  pointer(name: string, ref: unknown): unknown;
  pointer(ref: unknown): unknown;
  out(t: unknown): unknown;
  decode(ptr: bigint, type: string, len: number): Uint8Array;
  errno(): number;
}

let loaded: Koffi | undefined;

/** koffi's API (its native module), loaded once. */
export function koffi(): Koffi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= nativeDirectly() ?? (require('koffi') as Koffi));
}

/** Architectures whose koffi binary directory is named by `process.arch` as it is (koffi's determineAbi). */
const PLAIN_ABI = new Set(['x64', 'arm64', 'ia32', 'loong64']);

function nativeDirectly(): Koffi | undefined {
  if (process.platform !== 'linux' || !PLAIN_ABI.has(process.arch)) return undefined;
  try {
    const libc = libcOf(process.execPath);
    if (libc === undefined) return undefined;
    // The directories Node would search for 'koffi' from here; its package.json is read directly,
    // not through the resolver (resolving a package's `exports` loads Node's ESM resolver: ~2 ms).
    let koffiDir: string | undefined;
    let version: unknown;
    for (const dir of require.resolve.paths('koffi') ?? []) {
      const pkg = readJson(path.join(dir, 'koffi', 'package.json'));
      if (pkg === undefined) continue;
      koffiDir = fs.realpathSync(path.join(dir, 'koffi'));
      version = pkg.version;
      break;
    }
    if (koffiDir === undefined || typeof version !== 'string') return undefined;
    // The package koffi's loadStatic() requires, searched for from koffi's own directory as Node would.
    const binary = path.join(`@koromix/koffi-linux-${process.arch}`, `${libc === 'musl' ? 'musl' : 'linux'}_${process.arch}`, 'koffi.node');
    for (const dir of nodeModulePaths(koffiDir)) {
      const file = path.join(dir, binary);
      if (!fs.existsSync(file)) continue;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const native = require(file) as Koffi;
      return native.version === version ? native : undefined;
    }
    return undefined;
  } catch {
    return undefined;
  }
}

function readJson(file: string): { version?: unknown } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as { version?: unknown };
}

/**
 * The node_modules directories Node searches from `dir`, nearest first (Module._nodeModulePaths).
 * Written out: `createRequire(dir).resolve.paths()` answers the same and costs a cold start ~3 ms
 * more (80.3 against 77.0 ms, 40 alternated runs): half of what loading the binary directly saves.
 */
function nodeModulePaths(dir: string): string[] {
  const out: string[] = [];
  for (let cur = dir; ; cur = path.dirname(cur)) {
    if (path.basename(cur) !== 'node_modules') out.push(path.join(cur, 'node_modules'));
    if (cur === path.dirname(cur)) return out;
  }
}

/**
 * The C library a Linux executable is linked against, from its ELF interpreter (PT_INTERP):
 * `ld-musl-*` is musl, `ld-linux*` glibc, anything else undefined. 64-bit little-endian ELF only
 * (the architectures above); the program headers and the interpreter's name lie in the file's
 * first pages.
 */
export function libcOf(executable: string): 'glibc' | 'musl' | undefined {
  const fd = fs.openSync(executable, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n < 64 || head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return undefined;
    const phoff = Number(head.readBigUInt64LE(32));
    const phentsize = head.readUInt16LE(54);
    const phnum = head.readUInt16LE(56);
    if (phentsize < 56 || phoff + phnum * phentsize > n) return undefined;
    for (let i = 0; i < phnum; i++) {
      const ph = phoff + i * phentsize;
      if (head.readUInt32LE(ph) !== 3 /* PT_INTERP */) continue;
      const off = Number(head.readBigUInt64LE(ph + 8));
      const size = Number(head.readBigUInt64LE(ph + 32));
      if (size === 0 || size > 4096 || !Number.isSafeInteger(off)) return undefined;
      const name = Buffer.alloc(size);
      if (fs.readSync(fd, name, 0, size, off) !== size) return undefined;
      const base = path.basename(name.toString('latin1').replace(/\0+$/, ''));
      return base.startsWith('ld-musl-') ? 'musl' : base.startsWith('ld-linux') ? 'glibc' : undefined;
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}
