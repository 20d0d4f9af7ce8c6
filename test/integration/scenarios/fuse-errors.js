// A FUSE mount that the kernel refuses: a MountError, and the /dev/fuse fd is closed again.
const fs = require('fs');
const { mountFuse, MountError } = require('tsmount');

function devFuseFds() {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === '/dev/fuse';
    } catch {
      return false; // the directory's own fd, already closed
    }
  }).length;
}

fs.mkdirSync('mnt');
const results = {};
for (const method of ['fsconfig', 'mount2']) {
  try {
    mountFuse('mnt', { name: 'broken', method, options: ['no_such_fuse_option=1'] });
    results[method] = { threw: false };
  } catch (e) {
    if (!(e instanceof MountError)) throw e;
    results[method] = { syscall: e.syscall, code: e.code, kernelMessages: e.kernelMessages };
  }
}
results.openDevFuseFds = devFuseFds();
results.mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(' - fuse')).length;
console.log(JSON.stringify(results, null, 2));
