// A tmpfs built through a filesystem context, populated while it is still detached, then attached.
const fs = require('fs');
const { FsContext, MOUNT_ATTR } = require('tsmount');

// Mount table lines for mount points below the current directory, shown relative to it.
function mountsHere() {
  const here = process.cwd();
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((line) => (line.split(' ')[4] ?? '').startsWith(`${here}/`))
    .map((line) => line.split(here).join('.'));
}

const ctx = FsContext.open('tmpfs');
let mnt;
try {
  ctx.set('source', 'demo').set('size', '4m').set('mode', '0750'); // fsconfig(SET_STRING) each
  ctx.create(); // FSCONFIG_CMD_CREATE: the superblock exists from here on
  mnt = ctx.mount(MOUNT_ATTR.NOSUID | MOUNT_ATTR.NODEV); // fsmount(): a detached mount
} finally {
  ctx.close(); // the superblock lives on in the mount
}

// Detached: in no mount table, yet reachable through /proc/self/fd/N.
fs.writeFileSync(mnt.path('hello.txt'), 'written before attaching\n');
fs.mkdirSync(mnt.path('sub'));
const mountsWhileDetached = mountsHere();

fs.mkdirSync('mnt');
mnt.moveTo('mnt'); // move_mount(): attach it
mnt.close(); // an attached mount stays when its fd is closed
mnt.close(); // close() is idempotent

// Reconfigure the live superblock: fspick() + fsconfig + FSCONFIG_CMD_RECONFIGURE.
const picked = FsContext.pick('mnt');
try {
  picked.set('size', '8m').reconfigure();
} finally {
  picked.close();
}

console.log(JSON.stringify({
  mountsWhileDetached,
  mounts: mountsHere(),
  content: fs.readFileSync('mnt/hello.txt', 'utf8'),
  entries: fs.readdirSync('mnt').sort(),
  rootMode: (fs.statSync('mnt').mode & 0o777).toString(8),
}, null, 2));
