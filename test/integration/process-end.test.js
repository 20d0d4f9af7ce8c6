'use strict';
// The commands end at once when they are done (cli/exit.ts, wired in cli/main.ts runCommand and
// the entry points): neither Node's own exit (process.reallyExit, where it waits for V8's worker
// tasks) nor the end of an empty event loop ('beforeExit') is reached; the 'exit' listeners
// registered before still run — bin/run-bundle.js writes the V8 code cache there — and the exit
// code and messages are the command's. A copy of bin/ and dist/ without a code cache, started
// through a probe that marks both on stderr, in a private mount namespace (the command asks the
// kernel about a path that is not mounted: nothing is mounted or unmounted).
const test = require('ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { cannotMount } = require('./helpers/run.js');

const ROOT = path.resolve(__dirname, '..', '..');
const why = cannotMount();
const rootTest = why ? test.skip : test;
if (why) test('process end skipped', (t) => t.log(`skipped: ${why}`) || t.pass());

/** tsumount ARGS from a fresh copy (no code cache), through the probe; `env` added to the environment. */
function tsumount(args, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-end-'));
  try {
    fs.cpSync(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.copyFileSync(path.join(ROOT, 'dist', 'tsumount.cjs'), path.join(dir, 'dist', 'tsumount.cjs'));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    // A file, not a Node option (options make the command end the usual way).
    const bin = path.join(dir, 'bin', 'tsumount.js');
    fs.writeFileSync(path.join(dir, 'probe.js'), `
      const reallyExit = process.reallyExit;
      process.reallyExit = (c) => { require('fs').writeSync(2, 'probe: reallyExit\\n'); reallyExit.call(process, c); };
      process.on('beforeExit', () => require('fs').writeSync(2, 'probe: beforeExit\\n'));
      process.argv[1] = ${JSON.stringify(bin)};
      require(${JSON.stringify(bin)});`);
    const e = { ...process.env };
    for (const k of ['NODE_OPTIONS', 'NODE_V8_COVERAGE', 'NODE_COMPILE_CACHE']) delete e[k];
    const missing = path.join(dir, 'not-mounted');
    const r = spawnSync('unshare', ['-m', '--propagation', 'private', process.execPath, path.join(dir, 'probe.js'), ...args(missing)],
      { encoding: 'utf8', env: { ...e, ...env } });
    const cache = path.join(dir, 'dist', 'tsumount.cjs.v8cache');
    return { status: r.status, stderr: r.stderr, missing, cached: fs.existsSync(cache) && fs.statSync(cache).size > 0 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

rootTest('a command that loaded koffi ends at once, with its code and message, after the code cache is written', (t) => {
  const r = tsumount((m) => [m]);
  t.is(r.stderr, `tsumount: ${r.missing}: no mount point specified.\n`);
  t.is(r.status, 32);
  t.true(r.cached, 'the code cache was written at exit');
});

rootTest('the probe: with a Node setting that writes at exit, the same command ends the usual way', (t) => {
  const cov = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-end-cov-'));
  try {
    const r = tsumount((m) => [m], { NODE_V8_COVERAGE: cov });
    t.is(r.stderr, `tsumount: ${r.missing}: no mount point specified.\nprobe: beforeExit\n`);
    t.is(r.status, 32);
  } finally {
    fs.rmSync(cov, { recursive: true, force: true });
  }
});
