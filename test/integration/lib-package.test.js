'use strict';
// Issue 5, packaging: `npm pack` of this checkout into a temporary directory (without running the
// prepare script: dist/ is what `npm run build` made, and other test files are reading it),
// `npm install -g --prefix <tmp> <tgz>`, then the installed commands: `tsmount --version`, and a
// tmpfs mount with the installed tsmount inside a private mount namespace. The tarball should
// carry what the package needs, not the test suite or its fixtures.
const test = require('ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { runInNamespace, noLoopLeak } = require('../helpers/ns');

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

let tmp;
let tarball;
let files = [];
let prefix;
let install;

function npm(args, opts = {}) {
  return spawnSync('npm', args, { encoding: 'utf8', timeout: 120_000, ...opts, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', ...(opts.env || {}) } });
}

test.before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-pack-'));
  const p = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT });
  if (p.status !== 0) throw new Error(`npm pack failed (${p.status}): ${p.stderr}`);
  const info = JSON.parse(p.stdout.slice(p.stdout.indexOf('[')))[0];
  tarball = path.join(tmp, info.filename);
  files = info.files.map((f) => f.path);
  prefix = path.join(tmp, 'prefix');
  install = npm(['install', '-g', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { cwd: tmp });
});

test.after.always(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test.afterEach.always(noLoopLeak);

test.serial('npm pack makes a tarball with the commands, the bundles and the library', (t) => {
  t.true(fs.existsSync(tarball));
  for (const f of ['package.json', 'bin/tsmount.js', 'bin/tsumount.js', 'dist/tsmount.cjs', 'dist/tsumount.cjs', 'dist/index.js', 'dist/index.d.ts', 'dist/sys/statmount.js']) {
    t.true(files.includes(f), `${f} is in the tarball`);
  }
  t.is(path.basename(tarball), `tsmount-${pkg.version}.tgz`);
});

// (At the last commit package.json had no "files" list and the tarball carried 39 test/ and
// 15 fixtures/ files; the working tree's "files" list fixes that.)
test.serial('the tarball contains no test/ or fixtures/ files', (t) => {
  const unwanted = files.filter((f) => /^(test|fixtures)\//.test(f));
  t.deepEqual(unwanted, [], `${unwanted.length} test/fixture files packed, e.g. ${unwanted.slice(0, 5).join(', ')}`);
});

test.serial('npm install -g --prefix <tmp> <tgz>: both commands installed, --version runs', (t) => {
  t.is(install.status, 0, `${install.stdout}\n${install.stderr}`);
  for (const cmd of ['tsmount', 'tsumount']) {
    const bin = path.join(prefix, 'bin', cmd);
    t.true(fs.existsSync(bin), bin);
    const v = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    t.is(v.status, 0, v.stderr);
    t.is(v.stdout, `${cmd} from tsmount ${pkg.version} (libmount-compatible: fd-based-mount, namespaces, idmapping, statmount, loopdev, utab)\n`);
  }
  // the installed copy is the one that ran, not this checkout
  t.true(fs.realpathSync(path.join(prefix, 'bin', 'tsmount')).startsWith(fs.realpathSync(prefix)));
  // koffi's native module is found in the installed layout the short way (sys/koffi.ts), not through koffi's loader
  const lib = path.dirname(path.dirname(fs.realpathSync(path.join(prefix, 'bin', 'tsmount'))));
  const k = spawnSync(process.execPath, ['-e', `process.stdout.write(String('default' in require(${JSON.stringify(path.join(lib, 'dist', 'sys', 'koffi.js'))}).koffi()))`],
    { encoding: 'utf8', timeout: 30_000 });
  t.is(k.stdout, 'false', k.stderr);
});

test.serial('the installed tsmount mounts a tmpfs in a private namespace, the installed tsumount unmounts it', (t) => {
  t.is(install.status, 0, install.stderr);
  const bin = path.join(prefix, 'bin');
  const r = runInNamespace(`mkdir m
st_cmd "mount" sh -c "${bin}/tsmount -v -t tmpfs -o size=1m,mode=0711 mc-pkg $D/m; echo rc=\\$?"
echo packaged > m/f
st_file $D/m/f
snap
st_cmd "json" sh -c "${bin}/tsmount --json --list -o target,source,fstype -t tmpfs | grep -c mc-pkg"
st_cmd "umount" sh -c "${bin}/tsumount $D/m; echo rc=\\$?"`);
  t.deepEqual(r.transcript, [
    '= mount: tsmount: mc-pkg mounted on $W/m. | rc=0',
    '= file $W/m/f: packaged',
    '== state',
    '= mi $W/m / rw,relatime private tmpfs mc-pkg rw,size=1024k,mode=711',
    '= json: 1',
    '= umount: rc=0',
    '== final state',
  ]);
});
