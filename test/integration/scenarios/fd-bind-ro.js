// A read-only recursive bind mount made atomically on a detached copy, then a move.
const fs = require('fs');
const { FsContext, MountFd, MOUNT_ATTR } = require('tsmount');

function mountsHere() {
  const here = process.cwd();
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((line) => (line.split(' ')[4] ?? '').startsWith(`${here}/`))
    .map((line) => line.split(here).join('.'));
}
function tryWrite(file) {
  try {
    fs.writeFileSync(file, 'changed\n');
    return 'ok';
  } catch (e) {
    return e.code;
  }
}

// data/ holds a file and a submount (so that `recursive` matters).
fs.mkdirSync('data/sub', { recursive: true });
fs.writeFileSync('data/file', 'original\n');
const sub = FsContext.open('tmpfs').set('source', 'inner').create().mount();
fs.writeFileSync(sub.path('inner'), 'inner file\n');
sub.moveTo('data/sub').close();

// open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) → mount_setattr(RDONLY, AT_RECURSIVE) → move_mount:
// the copy is read-only before anyone can see it.
fs.mkdirSync('ro');
const bind = MountFd.openTree('data', { clone: true, recursive: true });
try {
  bind.setAttr({ set: MOUNT_ATTR.RDONLY | MOUNT_ATTR.NOEXEC, atime: 'noatime', recursive: true });
  bind.moveTo('ro');
  bind.setAttr({ propagation: 'unbindable' }); // the fd still names the (now attached) top mount
} finally {
  bind.close();
}
const writes = { roFile: tryWrite('ro/file'), roSubInner: tryWrite('ro/sub/inner'), dataFile: tryWrite('data/file') };
const mountsAfterBind = mountsHere();

// open_tree() without clone is a handle on the mount itself: moving it is `mount --move`.
fs.mkdirSync('moved');
const handle = MountFd.openTree('ro');
try {
  handle.moveTo('moved');
} finally {
  handle.close();
}

console.log(JSON.stringify({
  writes,
  mountsAfterBind,
  mountsAfterMove: mountsHere(),
  movedContent: fs.readFileSync('moved/sub/inner', 'utf8'),
}, null, 2));
