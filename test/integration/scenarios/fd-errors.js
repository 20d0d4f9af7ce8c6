// Kernel failures are MountError objects: syscall, errno, code and the fs-context messages.
// Each object is closed in `finally`, also when a call on it failed: nothing leaks an fd.
const fs = require('fs');
const { FsContext, MountFd, MountError, hasDispose } = require('tsmount');

/** Open an object, use it, close it whatever happens; a MountError becomes a result. */
function failure(what, open, use = () => {}) {
  let obj;
  try {
    obj = open();
    use(obj);
    return { what, threw: false };
  } catch (e) {
    if (!(e instanceof MountError)) throw e;
    return { what, syscall: e.syscall, code: e.code, errno: e.errno, kernelMessages: e.kernelMessages, message: e.message };
  } finally {
    obj?.close();
  }
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;
fs.mkdirSync('plain-dir');
const fdsBefore = openFds();
const results = [
  failure('bad value', () => FsContext.open('tmpfs'), (c) => c.set('size', 'foo')),
  failure('unknown parameter', () => FsContext.open('tmpfs'), (c) => c.set('bogus_option')),
  failure('unknown filesystem type', () => FsContext.open('no-such-fs')),
  failure('fsmount before create', () => FsContext.open('tmpfs'), (c) => c.mount()),
  failure('set after create', () => FsContext.open('tmpfs'), (c) => c.create().set('size', '1m')),
  failure('fspick on a directory that is not a mount point', () => FsContext.pick('plain-dir')),
  failure('beneath where nothing is mounted', () => FsContext.open('tmpfs'), (c) => {
    const m = c.create().mount();
    try {
      m.beneath('plain-dir');
    } finally {
      m.close();
    }
  }),
  failure('open_tree of a missing path', () => MountFd.openTree('missing', { clone: true })),
];

// A closed object fails without calling the kernel, with the same error shape.
const ctx = FsContext.open('tmpfs');
ctx.close();
results.push(failure('use after close', () => ctx, (c) => c.set('size', '1m')));

// Disposal: where the runtime has Symbol.dispose, both classes are Disposable (`using`).
const disposable = FsContext.open('tmpfs');
if (hasDispose) disposable[Symbol.dispose]();
else disposable.close();

const fdsLeaked = openFds() - fdsBefore;
console.log(JSON.stringify({ results, hasDispose, closedByDispose: disposable.closed, fdAfterClose: disposable.fd, fdsLeaked }, null, 2));
