// MOVE_MOUNT_BENEATH: slide a new mount under the one on top of a mount point; it shows
// once the top one is unmounted (an atomic replacement for the readers of that path).
const fs = require('fs');
const { FsContext, unmountAt, AT } = require('tsmount');

function tmpfsWith(source, text) {
  const ctx = FsContext.open('tmpfs');
  try {
    const mnt = ctx.set('source', source).create().mount();
    fs.writeFileSync(mnt.path('which'), text);
    return mnt;
  } finally {
    ctx.close();
  }
}
function mountsOn(dir) {
  const target = `${process.cwd()}/${dir}`;
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((line) => line.split(' ')[4] === target)
    .map((line) => line.split(' - ')[1]);
}

fs.mkdirSync('t');
tmpfsWith('top', 'top\n').moveTo('t').close();

const under = tmpfsWith('beneath', 'beneath\n');
under.beneath('t');
under.close();

const before = { reads: fs.readFileSync('t/which', 'utf8'), mounts: mountsOn('t') };
unmountAt(AT.FDCWD, 't'); // unmounts the top one
const after = { reads: fs.readFileSync('t/which', 'utf8'), mounts: mountsOn('t') };

console.log(JSON.stringify({ before, after }, null, 2));
