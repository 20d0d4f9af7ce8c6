// A minimal FUSE server in plain Node: one read-only file "hello" holding "hello world\n".
// It gets the /dev/fuse session as fd 3, answers the kernel's requests with blocking
// readSync/writeSync (so it must run in a process of its own, never in one that also touches
// the mount), and ends when the mount goes away (read() fails with ENODEV). On stdout it
// reports JSON lines: {"event":"init",…} after the handshake, {"event":"end",…} at the end.
// Layouts: include/uapi/linux/fuse.h.
'use strict';
const fs = require('fs');

const FD = Number(process.env.FUSE_FD ?? 3);
const CONTENT = Buffer.from('hello world\n');
const ROOT = 1; // FUSE_ROOT_ID
const HELLO = 2;
const MAX_WRITE = 128 * 1024;
const OUR_MINOR = 31; // we speak 7.31: fuse_init_out with max_pages, flags2 and 64 bytes in all
const ENOENT = 2;
const EACCES = 13;
const ENOSYS = 38;
const OP = {
  LOOKUP: 1, FORGET: 2, GETATTR: 3, OPEN: 14, READ: 15, RELEASE: 18, GETXATTR: 22, LISTXATTR: 23, FLUSH: 25,
  INIT: 26, OPENDIR: 27, READDIR: 28, RELEASEDIR: 29, ACCESS: 34, INTERRUPT: 36, DESTROY: 38, BATCH_FORGET: 42,
};
const NAMES = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k]));
const NO_REPLY = new Set([OP.FORGET, OP.BATCH_FORGET, OP.INTERRUPT]);
const uid = process.getuid();
const gid = process.getgid();
const now = BigInt(Math.floor(Date.now() / 1000));

// struct fuse_attr (88 bytes) for a node.
function attr(node) {
  const b = Buffer.alloc(88);
  const file = node === HELLO;
  b.writeBigUInt64LE(BigInt(node), 0); // ino
  b.writeBigUInt64LE(BigInt(file ? CONTENT.length : 0), 8); // size
  b.writeBigUInt64LE(file ? 1n : 0n, 16); // blocks
  for (const off of [24, 32, 40]) b.writeBigUInt64LE(now, off); // atime, mtime, ctime
  b.writeUInt32LE(file ? 0o100444 : 0o40555, 60); // mode
  b.writeUInt32LE(file ? 1 : 2, 64); // nlink
  b.writeUInt32LE(uid, 68);
  b.writeUInt32LE(gid, 72);
  b.writeUInt32LE(4096, 80); // blksize
  return b;
}

// struct fuse_entry_out: nodeid, generation, entry_valid, attr_valid, their nsecs, attr.
function entryOut(node) {
  const b = Buffer.alloc(40);
  b.writeBigUInt64LE(BigInt(node), 0);
  b.writeBigUInt64LE(1n, 16);
  b.writeBigUInt64LE(1n, 24);
  return Buffer.concat([b, attr(node)]);
}

// struct fuse_attr_out: attr_valid, attr_valid_nsec, dummy, attr.
function attrOut(node) {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(1n, 0);
  return Buffer.concat([b, attr(node)]);
}

// struct fuse_open_out: fh, open_flags, padding.
function openOut(fh) {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(BigInt(fh), 0);
  return b;
}

// struct fuse_init_out (64 bytes).
function initOut(kernelMinor, maxReadahead) {
  const b = Buffer.alloc(64);
  b.writeUInt32LE(7, 0); // major
  b.writeUInt32LE(Math.min(kernelMinor, OUR_MINOR), 4); // minor
  b.writeUInt32LE(maxReadahead, 8);
  b.writeUInt32LE(0, 12); // flags: none of the optional features
  b.writeUInt16LE(16, 16); // max_background
  b.writeUInt16LE(12, 18); // congestion_threshold
  b.writeUInt32LE(MAX_WRITE, 20);
  b.writeUInt32LE(1, 24); // time_gran (ns)
  return b;
}

// fuse_dirent records (ino, off, namelen, type, name padded to 8 bytes) after `offset`, within `size`.
function dirents(offset, size) {
  const list = [['.', ROOT, 4], ['..', ROOT, 4], ['hello', HELLO, 8]]; // DT_DIR 4, DT_REG 8
  const out = [];
  let used = 0;
  for (let i = offset; i < list.length; i++) {
    const [name, ino, type] = list[i];
    const rec = Buffer.alloc(24 + Math.ceil(name.length / 8) * 8);
    rec.writeBigUInt64LE(BigInt(ino), 0);
    rec.writeBigUInt64LE(BigInt(i + 1), 8); // offset of the next entry
    rec.writeUInt32LE(name.length, 16);
    rec.writeUInt32LE(type, 20);
    rec.write(name, 24, 'latin1');
    if (used + rec.length > size) break;
    out.push(rec);
    used += rec.length;
  }
  return Buffer.concat(out);
}

// struct fuse_out_header: len, error (negative errno), unique; then the body.
function reply(unique, error, body = Buffer.alloc(0)) {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(16 + body.length, 0);
  h.writeInt32LE(error ? -error : 0, 4);
  h.writeBigUInt64LE(unique, 8);
  try {
    fs.writeSync(FD, Buffer.concat([h, body]));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e; // ENOENT: the request was interrupted meanwhile
  }
}

// Answer one request; returns false at FUSE_DESTROY.
function handle(req) {
  const opcode = req.readUInt32LE(4);
  const unique = req.readBigUInt64LE(8);
  const node = Number(req.readBigUInt64LE(16));
  const body = req.subarray(40); // after struct fuse_in_header
  switch (opcode) {
    case OP.INIT: {
      const major = body.readUInt32LE(0);
      const minor = body.readUInt32LE(4);
      reply(unique, 0, initOut(minor, body.readUInt32LE(8)));
      process.stdout.write(`${JSON.stringify({ event: 'init', kernel: `${major}.${minor}`, agreed: `7.${Math.min(minor, OUR_MINOR)}` })}\n`);
      return true;
    }
    case OP.LOOKUP: {
      const name = body.toString('utf8', 0, body.indexOf(0));
      if (node === ROOT && name === 'hello') reply(unique, 0, entryOut(HELLO));
      else reply(unique, ENOENT);
      return true;
    }
    case OP.GETATTR:
      if (node === ROOT || node === HELLO) reply(unique, 0, attrOut(node));
      else reply(unique, ENOENT);
      return true;
    case OP.OPEN: {
      const accmode = body.readUInt32LE(0) & 3; // fuse_open_in.flags
      if (node !== HELLO) reply(unique, ENOENT);
      else if (accmode !== 0) reply(unique, EACCES); // read-only file
      else reply(unique, 0, openOut(1));
      return true;
    }
    case OP.READ: {
      const offset = Number(body.readBigUInt64LE(8)); // fuse_read_in: fh, offset, size …
      const size = body.readUInt32LE(16);
      reply(unique, 0, CONTENT.subarray(Math.min(offset, CONTENT.length), Math.min(offset + size, CONTENT.length)));
      return true;
    }
    case OP.OPENDIR:
      if (node === ROOT) reply(unique, 0, openOut(2));
      else reply(unique, ENOENT);
      return true;
    case OP.READDIR:
      reply(unique, 0, dirents(Number(body.readBigUInt64LE(8)), body.readUInt32LE(16)));
      return true;
    case OP.RELEASE:
    case OP.RELEASEDIR:
    case OP.FLUSH:
      reply(unique, 0);
      return true;
    case OP.DESTROY:
      reply(unique, 0);
      return false;
    default:
      // GETXATTR, LISTXATTR, ACCESS …: ENOSYS makes the kernel stop asking.
      if (!NO_REPLY.has(opcode)) reply(unique, ENOSYS);
      return true;
  }
}

const seen = {};
let end = 'destroy';
// The read buffer must hold the largest request: max_write plus headers, and at least 8 KiB.
const buf = Buffer.alloc(MAX_WRITE + 64 * 1024);
for (;;) {
  let n;
  try {
    n = fs.readSync(FD, buf, 0, buf.length, null);
  } catch (e) {
    if (e.code === 'EINTR' || e.code === 'EAGAIN' || e.code === 'ENOENT') continue;
    end = e.code; // ENODEV: unmounted, the session is over
    break;
  }
  const req = buf.subarray(0, n);
  const name = NAMES[req.readUInt32LE(4)] ?? `op${req.readUInt32LE(4)}`;
  seen[name] = (seen[name] ?? 0) + 1;
  if (!handle(req)) break;
}
fs.closeSync(FD);
process.stdout.write(`${JSON.stringify({ event: 'end', reason: end, requests: seen })}\n`);
