'use strict';
// The commands end at once when they are done (cli/exit.ts): the 'exit' listeners registered
// before that still run — bin/run-bundle.js writes the V8 code cache there — and the exit code
// and messages are the command's. A copy of bin/ and dist/ without a code cache, in a private
// mount namespace (the command asks the kernel about a path that is not mounted: nothing is
// mounted or unmounted).
const test = require('ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..', '..');

test('a command that loaded koffi ends with its code and message, after the code cache is written', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-end-'));
  try {
    fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.copyFileSync(path.join(ROOT, 'dist', 'tsumount.cjs'), path.join(dir, 'dist', 'tsumount.cjs'));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const missing = path.join(dir, 'not-mounted');
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.NODE_V8_COVERAGE;
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', process.execPath, path.join(dir, 'bin', 'tsumount.js'), missing],
      { encoding: 'utf8', env });
    t.is(r.stderr, `tsumount: ${missing}: no mount point specified.\n`);
    t.is(r.status, 32);
    t.true(fs.statSync(path.join(dir, 'dist', 'tsumount.cjs.v8cache')).size > 0, 'the code cache was written at exit');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
