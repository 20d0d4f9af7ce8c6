// FUSE without fusermount (src/api/fuse.ts): mountFuse() opens /dev/fuse and mounts fuse.hello
// through fsconfig or mount(2); a plain-Node FUSE server (scenarios/fuse-hello-server.js) in a
// separate process completes FUSE_INIT and serves "hello"; the client reads it with cat, ls and
// stat; the mount is unmounted and the server ends on ENODEV. All in a private mount namespace.
const test = require('ava');
const fs = require('fs');
const { runScenario, cannotMount, hostMountsMatching } = require('./helpers/run.js');

function fuseMissing() {
  if (!fs.existsSync('/dev/fuse')) return 'no /dev/fuse';
  if (!/\tfuse\n/.test(fs.readFileSync('/proc/filesystems', 'utf8'))) return 'no fuse filesystem in the kernel';
  return cannotMount();
}
const why = fuseMissing();
const fuseTest = why ? test.skip : test;
if (why) test('fuse scenarios skipped', (t) => t.log(`skipped: ${why}`) || t.pass());

async function scenario(t, name, args) {
  const r = await runScenario(name, args, { timeoutMs: 90000 });
  if (r.code !== 0 || r.result === undefined) t.log(`exit ${r.code} signal ${r.signal}\n${r.stdout}\n${r.stderr}`);
  t.false(r.timedOut, 'scenario timed out');
  t.is(r.code, 0);
  t.truthy(r.result);
  t.deepEqual(hostMountsMatching('tsmount-it-'), []);
  return r.result;
}

for (const method of ['fsconfig', 'mount2']) {
  fuseTest(`FUSE hello world mounted through ${method}`, async (t) => {
    const r = await scenario(t, 'fuse-hello', [method]);
    t.is(r.method, method);
    t.is(r.type, 'fuse.hello');
    t.deepEqual(r.options, ['fd=N', 'rootmode=40000', 'user_id=0', 'group_id=0']);
    t.is(r.mounts.length, 1);
    t.regex(r.mounts[0], /^\d+ \d+ \d+:\d+ \/ \.\/mnt rw,nosuid,nodev,relatime - fuse\.hello hello rw,user_id=0,group_id=0$/);
    t.deepEqual(r.cat, { status: 0, stdout: 'hello world\n', stderr: '', signal: null });
    t.is(r.ls.stdout, 'hello\n');
    t.is(r.stat.stdout, 'regular file 444 12\n');
    t.is(r.missing.status, 1);
    t.regex(r.missing.stderr, /No such file or directory/);
    t.deepEqual(r.mountsAfterUnmount, []);
    t.deepEqual(r.server.exit, { code: 0, signal: null }, 'the server ended by itself');
    const [init, end] = r.server.events;
    t.is(init.event, 'init');
    t.regex(init.kernel, /^7\.\d+$/);
    t.true(Number(init.agreed.split('.')[1]) >= 26);
    t.like(end, { event: 'end', reason: 'ENODEV' });
    for (const op of ['INIT', 'LOOKUP', 'OPEN', 'READ', 'RELEASE']) t.true(end.requests[op] >= 1, op);
  });
}

fuseTest('a refused FUSE mount is a MountError and leaves no /dev/fuse fd open', async (t) => {
  const r = await scenario(t, 'fuse-errors');
  t.deepEqual(r.fsconfig, { syscall: 'fsconfig', code: 'EINVAL', kernelMessages: ["e fuse: Unknown parameter 'no_such_fuse_option'"] });
  t.deepEqual(r.mount2, { syscall: 'mount', code: 'EINVAL', kernelMessages: [] }, 'mount(2) sends its messages to dmesg only');
  t.is(r.openDevFuseFds, 0);
  t.is(r.mounts, 0);
});
