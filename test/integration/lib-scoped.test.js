'use strict';
// Scoped mounts in the library (issue 14): mountScoped() unmounts when its scope ends — through
// Symbol.dispose (what `using` calls), through withMount() also when the callback throws or its
// promise rejects — and mountTemp() mounts on a fresh directory that goes away with the mount. The
// library runs inside a private mount namespace on a scratch tmpfs (helpers/ns.js); the tests
// assert what /proc/self/mountinfo and the file system show after each scope.
const test = require('ava');
const path = require('path');
const { runInNamespace, describe } = require('../helpers/ns');

const ROOT = path.resolve(__dirname, '..', '..');

const SCRIPT = `
const lib = require(${JSON.stringify(path.join(ROOT, 'dist/index.js'))});
const fs = require('fs');
const path = require('path');
const D = process.cwd();
const mounted = (p) => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\\n').some((l) => l.split(' ')[4] === p);
const out = {};
(async () => {
  fs.mkdirSync(D + '/s1'); fs.mkdirSync(D + '/s2'); fs.mkdirSync(D + '/s3'); fs.mkdirSync(D + '/tmp');

  // Symbol.dispose: what \`using m = lib.mountScoped(...)\` calls when the block ends.
  const m = lib.mountScoped('sc-1', D + '/s1', 'tmpfs', { options: 'size=1m' });
  fs.mkdirSync(D + '/s1/sub');
  lib.mount('sc-sub', D + '/s1/sub', 'tmpfs');
  out.during = [mounted(D + '/s1'), mounted(D + '/s1/sub'), m.unmounted, m.kind, m.target];
  out.hasDispose = typeof m[Symbol.dispose] === 'function' && typeof m[Symbol.asyncDispose] === 'function';
  m[Symbol.dispose]();
  out.after = [mounted(D + '/s1'), mounted(D + '/s1/sub'), m.unmounted];
  m.unmount(); // idempotent

  // withMount: the callback throws; the mount is gone and the callback's error comes through.
  try {
    lib.withMount(lib.mountScoped('sc-2', D + '/s2', 'tmpfs'), () => { throw new Error('boom'); });
  } catch (e) { out.thrown = e.message; }
  out.afterThrow = mounted(D + '/s2');

  // withMount with a promise: unmounted after it settles, rejected or not.
  try {
    await lib.withMount(lib.mountScoped('sc-3', D + '/s3', 'tmpfs'), async (mm) => {
      out.duringAsync = mounted(mm.target);
      throw new Error('async boom');
    });
  } catch (e) { out.rejected = e.message; }
  out.afterAsync = mounted(D + '/s3');
  const am = await lib.mountScopedAsync('sc-4', D + '/s3', 'tmpfs');
  await am[Symbol.asyncDispose]();
  out.afterAsyncDispose = mounted(D + '/s3');

  // mountTemp: a fresh directory under parent, gone with the mount.
  const t = lib.mountTemp('sc-t', 'tmpfs', { parent: D + '/tmp', options: 'size=1m' });
  fs.writeFileSync(t.path + '/f', 'x');
  out.temp = [path.dirname(t.path) === D + '/tmp', path.basename(t.path).startsWith('tsmount-'), mounted(t.path), t.source, t.unmounted];
  lib.withMount(t, () => 0);
  out.tempAfter = [mounted(t.path), fs.existsSync(t.path), t.unmounted];

  // A mount that fails leaves no directory behind.
  try { lib.mountTemp('sc-bad', 'tmpfs', { parent: D + '/tmp', options: 'size=nonsense' }); } catch (e) { out.badClass = e.constructor.name; }
  out.tmpLeft = fs.readdirSync(D + '/tmp');
  fs.writeFileSync(D + '/out.json', JSON.stringify(out));
})().catch((e) => { fs.writeFileSync(D + '/out.json', JSON.stringify({ crash: String(e && e.stack) })); });
`;

test('mountScoped, mountScopedAsync, withMount and mountTemp end their mounts with the scope', (t) => {
  const script = `mkdir -p .lib
cat > .lib/s.js <<'EOS'
${SCRIPT}
EOS
"$TSM_NODE" .lib/s.js
st_file $D/out.json`;
  const r = runInNamespace(script, {});
  const out = JSON.parse(r.checks['file $W/out.json'] || '{}');
  t.is(out.crash, undefined, describe(r));
  t.deepEqual(out.during, [true, true, false, 'mount', '$W/s1']);
  t.true(out.hasDispose);
  t.deepEqual(out.after, [false, false, true], 'the end of the scope took the mount and what was below it');
  t.is(out.thrown, 'boom');
  t.false(out.afterThrow);
  t.true(out.duringAsync);
  t.is(out.rejected, 'async boom');
  t.false(out.afterAsync);
  t.false(out.afterAsyncDispose);
  t.deepEqual(out.temp, [true, true, true, 'sc-t', false]);
  t.deepEqual(out.tempAfter, [false, false, true]);
  t.is(out.badClass, 'MountFailure');
  t.deepEqual(out.tmpLeft, []);
});
