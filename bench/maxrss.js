#!/usr/bin/env node
'use strict';
// Peak memory of a command when /usr/bin/time is absent: run it, then read
// getrusage(RUSAGE_CHILDREN).ru_maxrss (KiB). This wrapper has no other children, so the figure
// is the command's own peak RSS. Prints "maxrss_kib=N" on stderr; exits with the command's status.
//   node bench/maxrss.js CMD [ARGS...]
const cp = require('child_process');

const r = cp.spawnSync(process.argv[2], process.argv.slice(3), { stdio: 'inherit' });
const koffi = require('koffi');
const libc = koffi.load('libc.so.6');
const getrusage = libc.func('getrusage', 'int', ['int', 'void *']);
const buf = Buffer.alloc(256); // struct rusage: two struct timeval (16 bytes each on 64-bit), then long ru_maxrss
const RUSAGE_CHILDREN = -1;
if (getrusage(RUSAGE_CHILDREN, buf) === 0) process.stderr.write(`maxrss_kib=${buf.readBigInt64LE(32)}\n`);
process.exit(r.status === null ? 1 : r.status);
