// Mount a FUSE filesystem without fusermount, serve it from another Node process, read a file
// from it, unmount it. Usage: node fuse-hello.js [fsconfig|mount2]
const fs = require('fs');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { mountFuse, unmountAt, AT } = require('tsmount');

const method = process.argv[2] ?? 'fsconfig';
const here = process.cwd();

function mountsOn(dir) {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .filter((line) => line.split(' ')[4] === path.join(here, dir))
    .map((line) => line.split(here).join('.'));
}
// The client side runs in child processes with a time limit: this process must never block on
// the mount itself while it also owns the server.
function client(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15000, killSignal: 'SIGKILL' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

fs.mkdirSync('mnt');
const session = mountFuse(path.join(here, 'mnt'), { name: 'hello', method });

// The server gets the session as its fd 3; ours is closed so that the server holds the only
// copy (if the server dies, the connection is aborted instead of hanging).
const server = spawn(process.execPath, [path.join(__dirname, 'fuse-hello-server.js')],
  { stdio: ['ignore', 'pipe', 'inherit', session.fd] });
fs.closeSync(session.fd);
const events = [];
let partial = '';
server.stdout.setEncoding('utf8').on('data', (d) => {
  const lines = (partial + d).split('\n');
  partial = lines.pop();
  for (const line of lines) if (line) events.push(JSON.parse(line));
});
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));

const result = {
  method,
  type: session.type,
  options: session.options.map((o) => o.replace(/^fd=\d+$/, 'fd=N')),
  mounts: mountsOn('mnt'),
  cat: client('cat', ['mnt/hello']),
  ls: client('ls', ['mnt']),
  stat: client('stat', ['-c', '%F %a %s', 'mnt/hello']),
  missing: client('cat', ['mnt/nothing-here']),
};

unmountAt(AT.FDCWD, 'mnt'); // umount2("mnt", 0): the kernel ends the session
result.mountsAfterUnmount = mountsOn('mnt');

const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 15000).unref());
Promise.race([exited, timeout]).then((exit) => {
  if (exit === 'timeout') server.kill('SIGKILL'); // only the server this script started
  result.server = { exit, events };
  console.log(JSON.stringify(result, null, 2));
});
