// Kernel failures are MountError objects: syscall, errno, code and the fs-context messages.
const fs = require('fs');
const { FsContext, MountFd, MountError, hasDispose } = require('tsmount');

function failure(what, fn) {
  try {
    fn();
    return { what, threw: false };
  } catch (e) {
    if (!(e instanceof MountError)) throw e;
    return { what, syscall: e.syscall, code: e.code, errno: e.errno, kernelMessages: e.kernelMessages, message: e.message };
  }
}

fs.mkdirSync('plain-dir');
const results = [
  failure('bad value', () => FsContext.open('tmpfs').set('size', 'foo')),
  failure('unknown parameter', () => FsContext.open('tmpfs').set('bogus_option')),
  failure('unknown filesystem type', () => FsContext.open('no-such-fs')),
  failure('fsmount before create', () => FsContext.open('tmpfs').mount()),
  failure('set after create', () => FsContext.open('tmpfs').create().set('size', '1m')),
  failure('fspick on a directory that is not a mount point', () => FsContext.pick('plain-dir')),
  failure('beneath where nothing is mounted', () => FsContext.open('tmpfs').create().mount().beneath('plain-dir')),
  failure('open_tree of a missing path', () => MountFd.openTree('missing', { clone: true })),
];

// A closed object fails without calling the kernel, with the same error shape.
const ctx = FsContext.open('tmpfs');
ctx.close();
results.push(failure('use after close', () => ctx.set('size', '1m')));

// Disposal: where the runtime has Symbol.dispose, both classes are Disposable (`using`).
const disposable = FsContext.open('tmpfs');
if (hasDispose) disposable[Symbol.dispose]();
else disposable.close();

console.log(JSON.stringify({ results, hasDispose, closedByDispose: disposable.closed, fdAfterClose: disposable.fd }, null, 2));
