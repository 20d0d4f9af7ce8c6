'use strict';
// The end of a command (cli/exit.ts): with nothing left under way, process.exit's 'exit' listeners
// run and the last of them ends the process by _exit(2), so Node's own exit (process.reallyExit,
// which waits for V8's worker tasks) is never reached, nor anything after the call; with anything
// still active, with Node options, or without koffi loaded, the call returns and the process ends
// the usual way (when its event loop is empty: 'after' printed, no process.reallyExit).
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const DIST = path.join(__dirname, '..', '..', 'dist');

/**
 * A child Node that marks Node's own exit (process.reallyExit) on stdout, runs `body`, then
 * `endAtOnce(code)`, then prints "after" (which a process ended at once never reaches).
 * @param {string} body
 * @param {{ env?: NodeJS.ProcessEnv, execArgv?: string[] }} [opts]
 */
function run(body, opts = {}) {
  const script = `
    const fs = require('fs');
    const { endAtOnce } = require(${JSON.stringify(path.join(DIST, 'cli', 'exit.js'))});
    const sys = require(${JSON.stringify(path.join(DIST, 'sys', 'syscalls.js'))});
    const reallyExit = process.reallyExit;
    process.reallyExit = (c) => { fs.writeSync(1, 'reallyExit\\n'); reallyExit.call(process, c); };
    process.on('exit', (c) => fs.writeSync(1, 'exit listener ' + c + '\\n'));
    ${body}
    fs.writeSync(1, 'after\\n');`;
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_V8_COVERAGE;
  delete env.NODE_COMPILE_CACHE;
  Object.assign(env, opts.env);
  // A file, not -e: Node's -e and its text are in process.execArgv (Node options, to cli/exit.ts).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-exit-'));
  try {
    fs.writeFileSync(path.join(dir, 'main.js'), script);
    const r = spawnSync(process.execPath, [...(opts.execArgv ?? []), path.join(dir, 'main.js')], { env, encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const LOAD_KOFFI = "sys.sysStatx('/', 0, 0, Buffer.alloc(256));";

test('the probe: a plain process.exit() reaches Node\'s own exit (process.reallyExit)', (t) => {
  const r = run('process.exit(5);');
  t.is(r.status, 5);
  t.is(r.out, 'exit listener 5\nreallyExit\n');
});

test('done, koffi loaded, nothing active: the exit listeners run, then the process ends with the code, without Node\'s exit', (t) => {
  const r = run(`${LOAD_KOFFI} endAtOnce(3);`);
  t.is(r.err, '');
  t.is(r.status, 3);
  t.is(r.out, 'exit listener 3\n');
});

test('code 0 too', (t) => {
  const r = run(`${LOAD_KOFFI} endAtOnce(0);`);
  t.is(r.status, 0);
  t.is(r.out, 'exit listener 0\n');
});

test('anything still active (a timer): the usual end, after it ran', (t) => {
  const r = run(`${LOAD_KOFFI} setTimeout(() => fs.writeSync(1, 'timer\\n'), 20); process.exitCode = 3; endAtOnce(3);`);
  t.is(r.status, 3);
  t.is(r.out, 'after\ntimer\nexit listener 3\n');
});

test('a koffi call still running on a worker thread: the usual end, after its result came', (t) => {
  const r = run(`const fd = fs.openSync('/dev/null', 'r');
    sys.sysPollReadable(fd, 50).then(() => fs.writeSync(1, 'poll done\\n'));
    process.exitCode = 3; endAtOnce(3);`);
  t.is(r.err, '');
  t.is(r.status, 3);
  t.is(r.out, 'after\npoll done\nexit listener 3\n');
});

test('koffi never loaded: the usual end', (t) => {
  const r = run('process.exitCode = 2; endAtOnce(2);');
  t.is(r.status, 2);
  t.is(r.out, 'after\nexit listener 2\n');
});

test('Node started with options (a profiler, coverage …): the usual end, so that they write what they write at exit', (t) => {
  const coverage = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-exit-'));
  try {
    for (const opts of [{ execArgv: ['--max-old-space-size=200'] }, { env: { NODE_OPTIONS: '--max-old-space-size=200' } }, { env: { NODE_V8_COVERAGE: coverage } },
      { env: { NODE_COMPILE_CACHE: path.join(coverage, 'cc') } }]) {
      const r = run(`${LOAD_KOFFI} process.exitCode = 4; endAtOnce(4);`, opts);
      t.is(r.status, 4, JSON.stringify(opts));
      t.is(r.out, 'after\nexit listener 4\n', JSON.stringify(opts));
    }
    t.true(fs.readdirSync(coverage).some((f) => f.endsWith('.json')), 'the coverage Node writes at exit is written');
  } finally {
    fs.rmSync(coverage, { recursive: true, force: true });
  }
});
