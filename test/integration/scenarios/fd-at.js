// Mounting and unmounting relative to an open directory fd: the fd names the directory itself,
// wherever it is renamed to.
const fs = require('fs');
const { FsContext, MountError, mountAt, unmountAt, MNT } = require('tsmount');

function mountsHere() {
  const here = process.cwd();
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((line) => (line.split(' ')[4] ?? '').startsWith(`${here}/`))
    .map((line) => line.split(here).join('.'));
}
function newTmpfs(source) {
  const ctx = FsContext.open('tmpfs');
  try {
    return ctx.set('source', source).create().mount();
  } finally {
    ctx.close();
  }
}

fs.mkdirSync('a/mnt', { recursive: true });
const dirFd = fs.openSync('a', fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
fs.renameSync('a', 'b'); // the fd follows the directory, not its old name

const mnt = newTmpfs('at-demo');
mountAt(mnt, dirFd, 'mnt'); // move_mount(mfd, "", dirFd, "mnt", MOVE_MOUNT_F_EMPTY_PATH)
mnt.close();
const mounted = mountsHere();

unmountAt(dirFd, 'mnt'); // umount2("/proc/self/fd/<dirFd>/mnt", 0)
const unmounted = mountsHere();

let again;
try {
  unmountAt(dirFd, 'mnt');
} catch (e) {
  if (!(e instanceof MountError)) throw e;
  again = { code: e.code, syscall: e.syscall };
}

// An fd on a mount's root, and an empty path: unmount the mount that fd is on. The open fd
// keeps the mount busy, so detach it lazily.
const second = newTmpfs('at-root');
mountAt(second, dirFd, 'mnt');
second.close();
const rootFd = fs.openSync('b/mnt', fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
unmountAt(rootFd, '', MNT.DETACH);
const afterDetach = mountsHere();
fs.closeSync(rootFd);
fs.closeSync(dirFd);

console.log(JSON.stringify({ mounted, unmounted, again, afterDetach }, null, 2));
