// Preloaded (node -r) into every scenario script the integration tests run. It refuses to go on
// unless the process is in a mount namespace of its own (started by
// `unshare -m --propagation private`) whose mounts are all private, mounts a scratch tmpfs on
// $TSMOUNT_SCRATCH, makes it the cwd, and lets the scenario say require('tsmount') the way the
// examples in docs/api-fd.md do (it resolves to this checkout's dist/index.js).
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

const INITIAL_MNT_NS = 'mnt:[4026531832]';
const ROOT = path.resolve(__dirname, '../../..');

function refuse(why) {
  process.stderr.write(`in-namespace guard: ${why}; refusing to mount\n`);
  process.exit(97);
}

const own = fs.readlinkSync('/proc/self/ns/mnt');
let parent;
try {
  parent = fs.readlinkSync(`/proc/${process.ppid}/ns/mnt`);
} catch {
  parent = undefined;
}
if (own === INITIAL_MNT_NS) refuse('this is the initial mount namespace');
if (parent === undefined || own === parent) refuse(`mount namespace ${own} is the parent's (${parent})`);

// Nothing mounted here may propagate anywhere: no mount may be shared or a slave.
for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
  if (!line) continue;
  const f = line.split(' ');
  const sep = f.indexOf('-', 6);
  const optional = f.slice(6, sep);
  if (optional.some((o) => o.startsWith('shared:') || o.startsWith('master:'))) refuse(`mount ${f[4]} is not private`);
}

const scratch = process.env.TSMOUNT_SCRATCH;
if (!scratch || !path.isAbsolute(scratch) || !fs.statSync(scratch).isDirectory()) refuse('TSMOUNT_SCRATCH is not a directory');
const { sysMount } = require(path.join(ROOT, 'dist/sys/syscalls.js'));
const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
sysMount('tsmount-scratch', scratch, 'tmpfs', MS_NOSUID | MS_NODEV, 'size=64m,mode=0755');
process.chdir(scratch);

const lib = path.join(ROOT, 'dist/index.js');
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveTsmount(request, ...rest) {
  return request === 'tsmount' ? lib : resolve.call(this, request, ...rest);
};
