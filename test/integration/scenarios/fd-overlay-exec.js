// The seed example: build an overlay that is never attached, open a program inside it through
// the mount fd, and run that program through /proc/self/fd, all without a mount point.
const fs = require('fs');
const { spawnSync } = require('child_process');
const { FsContext, MOUNT_ATTR } = require('tsmount');

const here = process.cwd();
fs.mkdirSync('layer-bin');
fs.copyFileSync('/bin/true', 'layer-bin/true');
fs.chmodSync('layer-bin/true', 0o755);
fs.mkdirSync('layer-script');
fs.writeFileSync('layer-script/hello.sh', '#!/bin/sh\necho "hello from a detached overlay (run as $0)"\n', { mode: 0o755 });

const ctx = FsContext.open('overlay');
let overlay;
try {
  ctx.set('source', 'seed').set('lowerdir', `${here}/layer-script:${here}/layer-bin`).create();
  overlay = ctx.mount(MOUNT_ATTR.RDONLY | MOUNT_ATTR.NODEV | MOUNT_ATTR.NOSUID);
} finally {
  ctx.close();
}

// Run a program from the detached mount: open it through the mount fd, pass the open file to
// the child as fd 3 (stdio slots are inherited across exec, unlike Node's O_CLOEXEC fds) and
// execute /proc/self/fd/3. A script's interpreter reopens that same path, so it works too.
function runFromDetached(name, args = []) {
  const fd = fs.openSync(overlay.path(name), 'r');
  try {
    const r = spawnSync('/proc/self/fd/3', args, { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8', timeout: 10000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error?.code };
  } finally {
    fs.closeSync(fd);
  }
}

const result = {
  overlayFiles: fs.readdirSync(overlay.path()).sort(),
  attached: fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(' - overlay '),
  true: runFromDetached('true'),
  script: runFromDetached('hello.sh'),
};
overlay.close(); // never attached: closing the fd unmounts it
console.log(JSON.stringify(result, null, 2));
