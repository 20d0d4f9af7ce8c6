#!/usr/bin/env node
'use strict';
// tsmount vs util-linux benchmark (npm run bench).
//
//   node bench/run.js [--quick] [--only LIST] [--sizes SPEC] [--runs N] [--ul-cap-runs N]
//                     [--profile] [--out DIR] [--no-write] [--ul-dir DIR] [--table-sources]
//
// Runs as root inside its own mount namespace: when started outside one, it re-executes itself
// under `unshare -m --propagation private`. Everything it mounts lives on a scratch tmpfs in that
// namespace; the tables are built through koffi (bench/build.js), util-linux's utab is pointed at
// a scratch file and LIBMOUNT_FSTAB at an empty scratch fstab, so nothing outside is read or
// written. Each measurement is whole-process wall time (spawnSync, process.hrtime), the arms of a
// row run alternately (round-robin, start rotated every round), with untimed set-up/tear-down
// around every run. The peers scenarios time everything from a slave namespace of a shared mount
// bound N times (a child of this process under `unshare -m --propagation slave`, see
// scenarioPeers). See docs/performance.md.
const fs = require('fs');
const os = require('os');
const path = require('path');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const NODE = process.execPath;
// The commands under test: bin/ of the work tree, or of a snapshot of bin/ + dist/ taken at the
// start (default), so that a rebuild while the benchmark runs cannot mix two builds in one report.
let TSROOT = ROOT;
let TSMOUNT = path.join(ROOT, 'bin', 'tsmount.js');
let TSUMOUNT = path.join(ROOT, 'bin', 'tsumount.js');

// ---- options ------------------------------------------------------------------------------

const SCENARIOS = ['cold', 'list', 'list-t', 'mem', 'remount', 'umount-one', 'mount-a-first', 'mount-a-second',
  'umount-R', 'umount-a', 'peers-list', 'peers-remount', 'peers-umount', 'peers-mount-a'];
const GROUP_OF = {
  cold: 'cold', list: 'table', 'list-t': 'table', mem: 'table', remount: 'table', 'umount-one': 'table',
  'mount-a-first': 'fstab', 'mount-a-second': 'fstab', 'umount-R': 'tree', 'umount-a': 'umall',
  'peers-list': 'peers', 'peers-remount': 'peers', 'peers-umount': 'peers', 'peers-mount-a': 'peers',
};
// util-linux for the peers scenarios: the release the issue was measured with, when it is there.
const PEERS_UL_DIR = '/work/shared/util-linux-2.42.2/bin';
// fstab entries of the peers scenario's `mount -a` (second run: all of them mounted already).
const PEERS_FSTAB = 50;

function usage(code) {
  const text = `usage: node bench/run.js [options]
  --quick            small sizes, few runs (smoke test, < 1 minute)
  --only LIST        comma-separated scenarios: ${SCENARIOS.join(', ')}
  --sizes SPEC       N,N,... for every group, or group=N,N;group=N (groups: table, fstab, tree, umall)
  --runs N           timed runs per arm (default 10; cold 20; --quick 3)
  --ul-cap-runs N    util-linux runs for umount -R at N >= 2000 (default 2; it is O(N^2), ~49 s at 5000)
  --profile          also run each tsmount arm once under node --cpu-prof and summarise the hot functions
  --out DIR          where to write latest.json / latest.md (default bench/results)
  --no-write         print only
  --budget S         time budget per arm and row in seconds (default 60): slower arms get fewer runs
  --no-snapshot      run bin/ and dist/ of the work tree as they are (default: a copy taken at the start)
  --keep-env         keep NODE_EXTRA_CA_CERTS in the commands' environment (dropped by default)
  --table-sources    list rows also time tsmount with its table source forced (statmount, mountinfo)
  --ul-dir DIR       mount/umount of the peers scenarios (default ${PEERS_UL_DIR} when present, else PATH)`;
  (code ? process.stderr : process.stdout).write(text + '\n');
  process.exit(code);
}

function parseCli(argv) {
  const o = { snapshot: true, armBudgetMs: 60000, keepEnv: false, quick: false, only: null, sizes: null, runs: null, ulCapRuns: 2, profile: false,
    out: path.join(__dirname, 'results'), write: true, ulDir: null, tableSources: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= argv.length) usage(2);
      return argv[++i];
    };
    const name = a.split('=')[0];
    if (name === '--quick') o.quick = true;
    else if (name === '--only') o.only = val().split(',').map((s) => s.trim()).filter(Boolean);
    else if (name === '--sizes') o.sizes = val();
    else if (name === '--runs') o.runs = Number(val());
    else if (name === '--ul-cap-runs') o.ulCapRuns = Number(val());
    else if (name === '--profile') o.profile = true;
    else if (name === '--out') o.out = path.resolve(val());
    else if (name === '--no-write') o.write = false;
    else if (name === '--keep-env') o.keepEnv = true;
    else if (name === '--no-snapshot') o.snapshot = false;
    else if (name === '--budget') o.armBudgetMs = Number(val()) * 1000;
    else if (name === '--ul-dir') o.ulDir = path.resolve(val());
    else if (name === '--table-sources') o.tableSources = true;
    else if (name === '--help' || name === '-h') usage(0);
    else {
      process.stderr.write(`bench: unknown option ${a}\n`);
      usage(2);
    }
  }
  if (o.only) {
    for (const s of o.only) {
      if (!SCENARIOS.includes(s)) {
        process.stderr.write(`bench: unknown scenario ${s} (known: ${SCENARIOS.join(', ')})\n`);
        process.exit(2);
      }
    }
  }
  if (o.runs !== null && !(o.runs >= 1)) usage(2);
  return o;
}

function sizesFor(opts) {
  const sizes = opts.quick
    ? { table: [1000], fstab: [100], tree: [100, 300], umall: [300], peers: [300] }
    : { table: [1000, 10000, 50000], fstab: [100, 1000, 5000], tree: [100, 1000, 5000], umall: [1000, 5000, 10000],
      peers: [1000, 3000] };
  if (opts.sizes) {
    const nums = (s) => s.split(',').map((x) => Number(x.trim())).filter((x) => Number.isInteger(x) && x > 0);
    if (!opts.sizes.includes('=')) {
      const n = nums(opts.sizes);
      for (const g of Object.keys(sizes)) sizes[g] = n;
    } else {
      for (const part of opts.sizes.split(/[;:]/)) {
        const [g, v] = part.split('=');
        if (!(g in sizes)) {
          process.stderr.write(`bench: unknown size group ${g} (table, fstab, tree, umall, peers)\n`);
          process.exit(2);
        }
        sizes[g] = nums(v);
      }
    }
  }
  return sizes;
}

// ---- namespace guard -----------------------------------------------------------------------

function nsOf(pid) {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/** True when this process runs in a mount namespace of its own that we created (parent differs). */
function inPrivateNamespace() {
  const self = nsOf('self');
  const outer = process.env.TSMOUNT_BENCH_OUTER_NS;
  if (!self || !outer || self === outer) return false;
  const parent = nsOf(process.ppid);
  return parent === undefined || parent !== self;
}

function reexec() {
  if (process.getuid && process.getuid() !== 0) {
    process.stderr.write('bench: must run as root (it mounts inside a private mount namespace)\n');
    process.exit(1);
  }
  const outer = nsOf('self');
  if (!outer) {
    process.stderr.write('bench: cannot read /proc/self/ns/mnt\n');
    process.exit(1);
  }
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-bench-'));
  const env = { ...process.env, TSMOUNT_BENCH_OUTER_NS: outer, TSMOUNT_BENCH_SCRATCH: scratch };
  const r = cp.spawnSync('unshare', ['-m', '--propagation', 'private', NODE, __filename, ...process.argv.slice(2)],
    { stdio: 'inherit', env });
  try {
    fs.rmdirSync(scratch);
  } catch {
    /* left behind only if the namespace side wrote into it without mounting first */
  }
  if (r.error) {
    process.stderr.write(`bench: cannot run unshare: ${r.error.message}\n`);
    process.exit(1);
  }
  process.exit(r.status === null ? 1 : r.status);
}

// ---- statistics and timing ------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function stats(xs) {
  if (!xs.length) return null;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

let DEVNULL;

function shortPath(s) {
  return s.replace(TSROOT + '/', '').replace(ROOT + '/', '');
}
let CHILD_ENV;

/** Run one command; returns { ms, status, stderr, stdout? }. Output goes to /dev/null unless captured. */
function runOnce(cmd, { capture = false, timeoutMs = 600000, prefix = [], env } = {}) {
  const argv = [...prefix, ...cmd];
  const t0 = process.hrtime.bigint();
  const r = cp.spawnSync(argv[0], argv.slice(1), {
    cwd: ROOT, env: env ? { ...CHILD_ENV, ...env } : CHILD_ENV, stdio: ['ignore', capture ? 'pipe' : DEVNULL, 'pipe'],
    maxBuffer: 512 * 1024 * 1024, timeout: timeoutMs, encoding: 'latin1',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, status: r.status, signal: r.signal, error: r.error, stderr: r.stderr || '', stdout: r.stdout };
}

/**
 * A row: arms run alternately. arm = { name, role: 'util-linux'|'tsmount'|'floor', cmd, runs?, warmup? }.
 * row.setup(arm) / row.teardown(arm) / row.verify(arm, result, i) run untimed around each run;
 * verify returns a string when the run did not do what it should.
 */
function measure(row, opts) {
  const arms = row.arms;
  const res = arms.map(() => ({ times: [], failures: 0, problems: [] }));
  const runsOf = (a) => a.runs ?? row.runs;
  const note = (k, msg) => {
    if (res[k].problems.length < 3 && !res[k].problems.includes(msg)) res[k].problems.push(msg);
  };
  const one = (k, timed, i) => {
    const arm = arms[k];
    if (row.setup) row.setup(arm);
    const r = runOnce(arm.cmd, { capture: !timed && !!row.verifyOutput, env: arm.env });
    let problem;
    if (r.error) problem = `spawn: ${r.error.message}`;
    else if (r.status !== (row.expectStatus ?? 0)) {
      problem = `exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(0, 2).join(' / ').slice(0, 200)}`;
    }
    if (!problem && row.verify) problem = row.verify(arm, r, i) || undefined;
    if (!problem && !timed && row.verifyOutput) problem = row.verifyOutput(arm, r) || undefined;
    if (row.teardown) row.teardown(arm);
    if (timed) {
      if (problem) {
        res[k].failures++;
        note(k, problem);
      }
      res[k].times.push(r.ms);
    } else if (problem) {
      note(k, `warm-up: ${problem}`);
    }
  };
  // Untimed warm-up (page cache, first-run effects); skipped for capped, expensive arms. An arm
  // whose warm-up shows that its runs would blow the per-arm time budget gets fewer runs.
  const capped = new Map();
  for (let k = 0; k < arms.length; k++) {
    if (arms[k].warmup === false) continue;
    const t0 = process.hrtime.bigint();
    one(k, false, -1);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const fit = Math.max(1, Math.floor(opts.armBudgetMs / ms));
    if (fit < runsOf(arms[k])) capped.set(k, fit);
  }
  for (const [k, fit] of capped) {
    arms[k] = { ...arms[k], runs: fit };
    note(k, `${fit} run(s) only: one run takes ${(opts.armBudgetMs / fit / 1000).toFixed(0)}+ s (budget ${opts.armBudgetMs / 1000} s per arm)`);
  }
  const rounds = Math.max(...arms.map(runsOf));
  for (let i = 0; i < rounds; i++) {
    for (let j = 0; j < arms.length; j++) {
      const k = (i + j) % arms.length;
      if (i < runsOf(arms[k])) one(k, true, i);
    }
  }
  const out = arms.map((a, k) => ({
    name: a.name, role: a.role, cmd: a.cmd.map(shortPath).join(' '),
    ...stats(res[k].times), failures: res[k].failures, problems: res[k].problems,
    times: res[k].times.map((x) => Math.round(x * 100) / 100),
  }));
  if (opts.profile && !row.noProfile) {
    for (const a of arms.filter((x) => x.role === 'tsmount')) {
      const o = out.find((x) => x.name === a.name);
      o.profile = profileArm(row, a);
    }
  }
  return out;
}

function profileArm(row, arm) {
  const dir = fs.mkdtempSync(path.join(SCRATCH, 'prof-'));
  if (row.setup) row.setup(arm);
  const cmd = [arm.cmd[0], '--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100', ...arm.cmd.slice(1)];
  runOnce(cmd);
  if (row.teardown) row.teardown(arm);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return null;
  const { summarize } = require('./profile');
  const prof = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
  const keep = path.join(OUT_PROFILES, `${row.id}-${row.n}.cpuprofile`);
  try {
    fs.mkdirSync(OUT_PROFILES, { recursive: true });
    fs.copyFileSync(path.join(dir, files[0]), keep);
  } catch {
    /* only the summary then */
  }
  return summarize(prof, { top: 8, root: [TSROOT, ROOT] });
}

/** Peak RSS (MiB) of one run of cmd: /usr/bin/time -v when present, else getrusage(RUSAGE_CHILDREN) in a wrapper. */
function peakRss(cmd) {
  if (fs.existsSync('/usr/bin/time')) {
    const r = runOnce(cmd, { prefix: ['/usr/bin/time', '-v'] });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    return { mib: m ? Number(m[1]) / 1024 : NaN, status: r.status, via: '/usr/bin/time -v' };
  }
  const r = runOnce([NODE, path.join(__dirname, 'maxrss.js'), ...cmd]);
  const m = /maxrss_kib=(\d+)/.exec(r.stderr);
  return { mib: m ? Number(m[1]) / 1024 : NaN, status: r.status, via: 'getrusage(RUSAGE_CHILDREN)' };
}

// ---- scenarios ------------------------------------------------------------------------------

let B; // bench/build.js
let SCRATCH;
let OUT_PROFILES;

const ul = (name, cmd, extra = {}) => ({ name: `util-linux ${name}`, role: 'util-linux', cmd, ...extra });
const ts = (name, script, args, extra = {}) => ({ name: `tsmount ${name}`, role: 'tsmount', cmd: [NODE, script, ...args], ...extra });
const floor = (name, cmd) => ({ name, role: 'floor', cmd });
/** tsmount with its mount table read one way only (TSMOUNT_MOUNT_TABLE, lib/mount-table.ts). */
const forcedTable = (source, script, args) => ({ name: `tsmount (${source})`, role: 'variant', cmd: [NODE, script, ...args],
  env: { TSMOUNT_MOUNT_TABLE: source } });

function log(msg) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function isMountPoint(p) {
  try {
    return fs.statSync(p).dev !== fs.statSync(path.dirname(p)).dev;
  } catch {
    return false;
  }
}

function mountinfoLine(target) {
  const text = fs.readFileSync('/proc/self/mountinfo', 'latin1');
  const lines = text.split('\n').filter((l) => l.split(' ')[4] === target);
  return lines[lines.length - 1];
}

function lineCount(s) {
  if (!s) return 0;
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function scenarioCold(opts, want) {
  const rows = [];
  const dir = path.join(SCRATCH, 'cold');
  fs.mkdirSync(dir, { recursive: true });
  const runs = opts.runs ?? (opts.quick ? 3 : 20);
  const koffiMount = `const k=require('koffi');const c=k.load('libc.so.6');` +
    `if(c.func('mount','int',['str','str','str','unsigned long','str'])('tmpfs',${JSON.stringify(dir)},'tmpfs',0,'size=1m'))process.exit(1)`;
  const koffiUmount = `const k=require('koffi');const c=k.load('libc.so.6');` +
    `if(c.func('umount2','int',['str','int'])(${JSON.stringify(dir)},0))process.exit(1)`;
  const clean = () => {
    while (B.detach(dir)) { /* */ }
  };
  if (want('cold')) {
    log('cold mount');
    const row = {
      id: 'cold-mount', scenario: 'cold', op: 'mount -t tmpfs -o size=1m tmpfs DIR', n: 0, runs,
      arms: [
        ul('mount', ['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]),
        ts('mount', TSMOUNT, ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]),
        floor('node -e 0', [NODE, '-e', '0']),
        floor("node -e \"require('koffi')\"", [NODE, '-e', "require('koffi')"]),
        floor('node + koffi + mount(2)', [NODE, '-e', koffiMount]),
      ],
      setup: clean,
      teardown: clean,
      verify: (arm) => (arm.role === 'floor' && !arm.name.includes('mount(2)')) || isMountPoint(dir) ? '' : 'not mounted afterwards',
    };
    rows.push({ ...row, results: measure(row, opts) });
    log('cold umount');
    const row2 = {
      id: 'cold-umount', scenario: 'cold', op: 'umount DIR', n: 0, runs,
      arms: [
        ul('umount', ['umount', dir]),
        ts('umount', TSUMOUNT, [dir]),
        floor('node + koffi + umount2(2)', [NODE, '-e', koffiUmount]),
      ],
      setup: () => {
        clean();
        B.mount('tmpfs', dir, 'tmpfs', 0, 'size=1m');
      },
      teardown: clean,
      verify: () => (isMountPoint(dir) ? 'still mounted afterwards' : ''),
    };
    rows.push({ ...row2, results: measure(row2, opts) });
  }
  return rows;
}

function scenarioTable(opts, want, sizes) {
  const rows = [];
  const root = path.join(SCRATCH, 'table');
  const target = path.join(SCRATCH, 'target');
  fs.mkdirSync(target, { recursive: true });
  B.freshDir(root);
  let have = 0;
  let g = 0;
  const runs = opts.runs ?? (opts.quick ? 3 : 10);
  for (const n of [...sizes].sort((a, b) => a - b)) {
    while (B.detach(target)) { /* the target goes last again */ }
    if (n > have) {
      const sub = path.join(root, `g${g++}`);
      fs.mkdirSync(sub);
      const r = B.buildTree(sub, n - have);
      log(`table: +${r.mounts} mounts in ${r.ms.toFixed(0)} ms`);
      have = n;
    }
    B.mount('tmpfs', target, 'tmpfs', 0, 'size=4k');
    const total = B.countAll();
    const base = { n, runs, note: `${total} mounts in the namespace` };
    const sameLines = (arm, r) => {
      const lines = lineCount(r.stdout);
      return lines < n ? `listed only ${lines} lines (expected > ${n})` : '';
    };
    if (want('list')) {
      log(`list all, N=${n}`);
      const row = { ...base, id: 'list', scenario: 'list', op: 'mount (list all)',
        arms: [ul('mount', ['mount']), ts('mount', TSMOUNT, []), floor('cat /proc/self/mountinfo', ['cat', '/proc/self/mountinfo']),
          ...(opts.tableSources ? ['statmount', 'mountinfo'].map((m) => forcedTable(m, TSMOUNT, [])) : [])],
        verifyOutput: sameLines };
      rows.push({ ...row, results: measure(row, opts) });
    }
    if (want('list-t')) {
      log(`list -t tmpfs, N=${n}`);
      const row = { ...base, id: 'list-t', scenario: 'list-t', op: 'mount -t tmpfs',
        arms: [ul('mount -t tmpfs', ['mount', '-t', 'tmpfs']), ts('mount -t tmpfs', TSMOUNT, ['-t', 'tmpfs'])],
        verifyOutput: sameLines };
      rows.push({ ...row, results: measure(row, opts) });
    }
    if (want('mem')) {
      log(`peak memory, N=${n}`);
      const memRuns = opts.quick ? 1 : 3;
      const results = [];
      for (const arm of [ul('mount', ['mount']), ts('mount', TSMOUNT, [])]) {
        const xs = [];
        let via;
        let bad = 0;
        for (let i = 0; i < memRuns; i++) {
          const r = peakRss(arm.cmd);
          via = r.via;
          if (r.status !== 0) bad++;
          xs.push(r.mib);
        }
        results.push({ name: arm.name, role: arm.role, cmd: arm.cmd.map(shortPath).join(' '),
          ...stats(xs), unit: 'MiB', via, failures: bad, problems: [] });
      }
      rows.push({ ...base, runs: memRuns, id: 'mem', scenario: 'mem', op: 'peak RSS of mount (list all)', unit: 'MiB', results });
    }
    if (want('remount')) {
      log(`remount,ro one among N=${n}`);
      const row = { ...base, id: 'remount', scenario: 'remount', op: 'mount -o remount,ro T (T mounted last)',
        arms: [ul('mount -o remount,ro', ['mount', '-o', 'remount,ro', target]),
          ts('mount -o remount,ro', TSMOUNT, ['-o', 'remount,ro', target])],
        setup: () => B.mount('tmpfs', target, null, B.MS_REMOUNT, 'size=4k'),
        verify: (arm, r, i) => {
          if (i > 0) return '';
          const l = mountinfoLine(target) || '';
          return / ro[, ]/.test(l) ? '' : `not read-only afterwards: ${l}`;
        },
      };
      rows.push({ ...row, results: measure(row, opts) });
    }
    if (want('umount-one')) {
      log(`umount one among N=${n}`);
      const row = { ...base, id: 'umount-one', scenario: 'umount-one', op: 'umount T (T mounted last)',
        arms: [ul('umount', ['umount', target]), ts('umount', TSUMOUNT, [target])],
        setup: () => {
          while (B.detach(target)) { /* */ }
          B.mount('tmpfs', target, 'tmpfs', 0, 'size=4k');
        },
        verify: () => (isMountPoint(target) ? 'still mounted afterwards' : ''),
      };
      rows.push({ ...row, results: measure(row, opts) });
      B.mount('tmpfs', target, 'tmpfs', 0, 'size=4k');
    }
  }
  while (B.detach(target)) { /* */ }
  const t0 = Date.now();
  B.detach(root);
  log(`table detached in ${Date.now() - t0} ms`);
  return rows;
}

function scenarioFstab(opts, want, sizes) {
  const rows = [];
  const root = path.join(SCRATCH, 'fsroot');
  const runs = opts.runs ?? (opts.quick ? 3 : 10);
  for (const n of sizes) {
    const file = path.join(SCRATCH, `fstab-${n}`);
    const reset = () => {
      B.freshDir(root);
      B.writeFstab(file, root, n);
    };
    const count = () => B.countUnder(root) - 1;
    if (want('mount-a-first')) {
      log(`mount -a first run, N=${n}`);
      const row = { id: 'mount-a-first', scenario: 'mount-a-first', op: `mount -a -T FSTAB (first run: nothing mounted)`, n, runs,
        arms: [ul('mount -a', ['mount', '-a', '-T', file]), ts('mount -a', TSMOUNT, ['-a', '-T', file])],
        setup: reset,
        verify: () => {
          const c = count();
          return c === n ? '' : `${c} mounts afterwards, expected ${n}`;
        },
      };
      rows.push({ ...row, results: measure(row, opts) });
    }
    if (want('mount-a-second')) {
      log(`mount -a second run, N=${n}`);
      reset();
      B.mountFstab(file);
      let broken = false;
      const row = { id: 'mount-a-second', scenario: 'mount-a-second', op: `mount -a -T FSTAB (second run: all mounted)`, n, runs,
        arms: [ul('mount -a', ['mount', '-a', '-T', file]), ts('mount -a', TSMOUNT, ['-a', '-T', file])],
        setup: () => {
          if (broken) {
            reset();
            B.mountFstab(file);
            broken = false;
          }
        },
        verify: () => {
          const c = count();
          if (c === n) return '';
          broken = true;
          return `${c} mounts afterwards, expected ${n} (entries mounted again)`;
        },
      };
      rows.push({ ...row, results: measure(row, opts) });
    }
  }
  while (B.detach(root)) { /* */ }
  return rows;
}

function scenarioTree(opts, want, sizes) {
  const rows = [];
  if (!want('umount-R')) return rows;
  const root = path.join(SCRATCH, 'rtree');
  const runs = opts.runs ?? (opts.quick ? 3 : 7);
  for (const n of sizes) {
    log(`umount -R tree of N=${n}`);
    const capped = n >= 2000;
    const build = () => {
      B.freshDir(root, 'tmpfs', 'size=16m');
      B.buildTree(root, n);
    };
    const row = { id: 'umount-R', scenario: 'umount-R', op: 'umount -R DIR (DIR holds a tree of N)', n, runs,
      note: capped ? `util-linux capped at ${opts.ulCapRuns} run(s), no warm-up (O(N^2))` : undefined,
      arms: [ul('umount -R', ['umount', '-R', root], capped ? { runs: Math.min(runs, opts.ulCapRuns), warmup: false } : {}),
        ts('umount -R', TSUMOUNT, ['-R', root])],
      setup: build,
      verify: () => {
        const left = B.countUnder(root);
        return left === 0 ? '' : `${left} mounts left under DIR`;
      },
      teardown: () => {
        while (B.detach(root)) { /* */ }
      },
    };
    rows.push({ ...row, results: measure(row, opts) });
  }
  return rows;
}

function scenarioUmountAll(opts, want, sizes) {
  const rows = [];
  if (!want('umount-a')) return rows;
  const type = 'ramfs';
  const before = fs.readFileSync('/proc/self/mountinfo', 'latin1').split('\n').filter((l) => / - ramfs /.test(l)).length;
  if (before) {
    log(`umount -a skipped: the namespace already has ${before} ${type} mounts`);
    return rows;
  }
  const root = path.join(SCRATCH, 'uatree');
  const runs = opts.runs ?? (opts.quick ? 3 : 7);
  for (const n of sizes) {
    log(`umount -a -t ${type}, N=${n}`);
    const row = { id: 'umount-a', scenario: 'umount-a', op: `umount -a -t ${type} (N ${type} mounts)`, n, runs,
      note: `test mounts are ${type} so that -a -t leaves the namespace's own tmpfs mounts alone`,
      arms: [ul('umount -a -t ramfs', ['umount', '-a', '-t', type]), ts('umount -a -t ramfs', TSUMOUNT, ['-a', '-t', type])],
      setup: () => {
        B.freshDir(root, 'tmpfs', 'size=16m');
        B.buildTree(root, n, { fstype: type, data: null });
      },
      verify: () => {
        const left = B.countUnder(root) - 1;
        return left === 0 ? '' : `${left} ${type} mounts left`;
      },
      teardown: () => {
        while (B.detach(root)) { /* */ }
      },
    };
    rows.push({ ...row, results: measure(row, opts) });
  }
  return rows;
}

// ---- peers: a shared mount bound N times, timed from a slave namespace ----------------------
//
// What systemd services, container runtimes and Kubernetes nodes run in: a namespace whose mounts
// are slaves of large peer groups. For each slave mount /proc/self/mountinfo shows
// propagate_from:, which the kernel finds by walking the master's peer group
// (get_dominating_id), so reading mountinfo costs O(mounts × peers) there. This process (the
// private namespace) builds the peer group: a tmpfs made shared and bound N times onto a private
// scratch tmpfs. A child of it, under `unshare -m --propagation slave`, times the commands: every
// mount of that group is a slave there. The child mounts what it needs (the target, the fstab
// entries) in its own namespace and writes its rows to a file.

const MS_BIND = 4096;
const MS_SHARED = 1 << 20;

function peersUl(opts) {
  const dir = opts.ulDir ?? (fs.existsSync(path.join(PEERS_UL_DIR, 'mount')) ? PEERS_UL_DIR : null);
  const bin = (name) => (dir ? path.join(dir, name) : name);
  const version = (sh(bin('mount'), ['--version']).match(/util-linux ([\d.]+)/) || [])[1] || 'unknown';
  return { mount: bin('mount'), umount: bin('umount'), version };
}

/** Parent side: build the peer group for each N, run the rows in a slave namespace, collect them. */
function scenarioPeers(opts, want, sizes) {
  const rows = [];
  const base = path.join(SCRATCH, 'peers');
  const src = path.join(base, 'src');
  B.freshDir(base);
  fs.mkdirSync(src);
  fs.mkdirSync(path.join(base, 'b'));
  B.mount('peers-src', src, 'tmpfs', 0, 'size=1m');
  B.mount(null, src, null, MS_SHARED, null);
  let have = 0;
  for (const n of [...sizes].sort((a, b) => a - b)) {
    const t0 = process.hrtime.bigint();
    for (; have < n; have++) {
      const d = path.join(base, 'b', String(have));
      fs.mkdirSync(d);
      B.mount(src, d, null, MS_BIND, null);
    }
    log(`peers: shared mount bound ${n} times (${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms)`);
    const outFile = path.join(SCRATCH, `peers-${n}.json`);
    const job = { n, outFile, base, opts, tsroot: TSROOT, tsmount: TSMOUNT, tsumount: TSUMOUNT, outProfiles: OUT_PROFILES,
      only: SCENARIOS.filter((x) => GROUP_OF[x] === 'peers' && want(x)) };
    const r = cp.spawnSync('unshare', ['-m', '--propagation', 'slave', NODE, __filename, '--peers-child'],
      { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, TSMOUNT_BENCH_PEERS_JOB: JSON.stringify(job) } });
    if (r.status !== 0 || !fs.existsSync(outFile)) {
      log(`peers: the slave namespace run failed (exit ${r.status ?? r.signal})`);
      continue;
    }
    rows.push(...JSON.parse(fs.readFileSync(outFile, 'utf8')));
  }
  B.detach(base);
  return rows;
}

/** Child side (in the slave namespace): the rows of one N. */
function peersRows(job) {
  const { n, base, opts } = job;
  const ulb = peersUl(opts);
  const rows = [];
  const runs = opts.runs ?? (opts.quick ? 3 : 10);
  const slaves = fs.readFileSync('/proc/self/mountinfo', 'latin1').split('\n').filter((l) => / master:\d+/.test(l)).length;
  const note = `${B.countAll()} mounts, ${slaves} of them slaves of a peer group of ${n + 1}; util-linux ${ulb.version}`;
  const node0 = floor('node -e 0', [NODE, '-e', '0']);
  const t = path.join(base, 't');
  const fsroot = path.join(base, 'fs');
  const fstab = path.join(base, 'fstab');
  fs.mkdirSync(t, { recursive: true });
  const want = (id) => job.only.includes(id);
  const row = (id, op, arms, extra) => {
    log(`${id}, N=${n} (slave namespace)`);
    const r = { id, scenario: id, op, n, runs, note, arms: [...arms, node0], ...extra };
    rows.push({ ...r, results: measure(r, opts) });
  };
  if (want('peers-list')) {
    // The listing must be util-linux's, byte for byte: the warm-up runs (util-linux's first) compare.
    let expected;
    row('peers-list', 'mount (list all)', [ul('mount', [ulb.mount]), ts('mount', TSMOUNT, []),
      floor('cat /proc/self/mountinfo', ['cat', '/proc/self/mountinfo']), ...['statmount', 'mountinfo'].map((m) => forcedTable(m, TSMOUNT, []))], {
      verifyOutput: (arm, r) => {
        if (arm.role === 'util-linux') expected = r.stdout;
        if (arm.role !== 'tsmount' && arm.role !== 'variant') return '';
        if (lineCount(r.stdout) < n) return `listed only ${lineCount(r.stdout)} lines (expected > ${n})`;
        return r.stdout === expected ? '' : 'output differs from util-linux';
      },
    });
  }
  if (want('peers-remount')) {
    B.mount('peers-t', t, 'tmpfs', 0, 'size=4k');
    row('peers-remount', 'mount -o remount,ro T (T a tmpfs of the slave namespace)', [
      ul('mount -o remount,ro', [ulb.mount, '-o', 'remount,ro', t]), ts('mount -o remount,ro', TSMOUNT, ['-o', 'remount,ro', t])], {
      setup: () => B.mount('tmpfs', t, null, B.MS_REMOUNT, 'size=4k'),
      verify: (arm) => (arm.role === 'floor' || / ro[, ]/.test(mountinfoLine(t) || '') ? '' : `not read-only afterwards`),
    });
    while (B.detach(t)) { /* */ }
  }
  if (want('peers-umount')) {
    const remount = () => {
      while (B.detach(t)) { /* */ }
      B.mount('peers-t', t, 'tmpfs', 0, 'size=4k');
    };
    row('peers-umount', 'umount T (T a tmpfs of the slave namespace)', [ul('umount', [ulb.umount, t]), ts('umount', TSUMOUNT, [t])], {
      setup: remount,
      verify: (arm) => (arm.role === 'floor' || !isMountPoint(t) ? '' : 'still mounted afterwards'),
    });
    while (B.detach(t)) { /* */ }
  }
  if (want('peers-mount-a')) {
    B.freshDir(fsroot);
    B.writeFstab(fstab, fsroot, PEERS_FSTAB);
    B.mountFstab(fstab);
    const count = () => B.countUnder(fsroot) - 1;
    row('peers-mount-a', `mount -a -T FSTAB (${PEERS_FSTAB} entries, second run: all mounted)`, [
      ul('mount -a', [ulb.mount, '-a', '-T', fstab]), ts('mount -a', TSMOUNT, ['-a', '-T', fstab])], {
      verify: () => {
        const c = count();
        return c === PEERS_FSTAB ? '' : `${c} mounts afterwards, expected ${PEERS_FSTAB} (entries mounted again)`;
      },
    });
  }
  return rows;
}

/** `node bench/run.js --peers-child`: the slave-namespace half of scenarioPeers. */
function peersChild() {
  const job = JSON.parse(process.env.TSMOUNT_BENCH_PEERS_JOB);
  SCRATCH = process.env.TSMOUNT_BENCH_SCRATCH;
  B = require('./build');
  TSROOT = job.tsroot;
  TSMOUNT = job.tsmount;
  TSUMOUNT = job.tsumount;
  OUT_PROFILES = job.outProfiles;
  setChildEnv(job.opts);
  const rows = peersRows(job);
  fs.writeFileSync(job.outFile, JSON.stringify(rows));
}

// ---- report ---------------------------------------------------------------------------------

function sh(cmd, args) {
  try {
    return cp.execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function machine() {
  const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model;
  let koffiVersion = '';
  try {
    koffiVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
  } catch { /* */ }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const rev = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--untracked-files=no']) ? '+dirty' : '';
  const vm = sh('systemd-detect-virt', ['--vm']);
  const ct = sh('systemd-detect-virt', ['--container']);
  const hyp = [vm && vm !== 'none' ? `${vm} guest` : '', ct && ct !== 'none' ? `${ct} container` : ''].filter(Boolean).join(', ');
  return {
    kernel: `Linux ${os.release()}`,
    virt: hyp || undefined,
    cpu: `${os.cpus().length} × ${cpu}`,
    memGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    koffi: koffiVersion,
    utilLinux: (sh('mount', ['--version']).match(/util-linux ([\d.]+)/) || [])[1] || 'unknown',
    tsmount: `${pkg.version} (${rev}${dirty})`,
    mountMax: Number(fs.readFileSync('/proc/sys/fs/mount-max', 'utf8')),
  };
}

function machineLine(m) {
  return `Linux ${m.kernel.replace(/^Linux /, '')}${m.virt ? ` (${m.virt})` : ''}, ${m.cpu}, ${m.memGiB} GiB RAM; ` +
    `node ${m.node}, koffi ${m.koffi}, util-linux ${m.utilLinux}, tsmount ${m.tsmount}` +
    `${m.distSha1 ? ` dist ${m.distSha1}` : ''}; fs.mount-max = ${m.mountMax}`;
}

function fmt(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function cell(r) {
  if (!r || r.median === undefined) return '–';
  const base = `${fmt(r.median)} (${fmt(r.min)}–${fmt(r.max)})`;
  const n = r.n !== undefined ? ` n=${r.n}` : '';
  const bad = r.failures ? ` ⚠${r.failures} failed` : '';
  return base + n + bad;
}

function rowSummary(row) {
  const u = row.results.find((r) => r.role === 'util-linux');
  const t = row.results.find((r) => r.role === 'tsmount');
  // Floors, and variants (tsmount with its table source forced): shown beside the row's figures.
  const floors = row.results.filter((r) => r.role === 'floor' || r.role === 'variant');
  const ratio = u && t && u.median > 0 ? t.median / u.median : undefined;
  // The peers rows also measure tsmount against a bare Node start-up in the same namespace.
  const node0 = floors.find((f) => f.name === 'node -e 0');
  const vsNode = row.id.startsWith('peers-') && node0 && t ? t.median / node0.median : undefined;
  return { u, t, floors, ratio, vsNode };
}

function textTable(rows) {
  const lines = [];
  const head = ['scenario', 'N', 'util-linux ms', 'tsmount ms', 'ts/ul', 'floors / notes'];
  const data = rows.map((row) => {
    const { u, t, floors, ratio, vsNode } = rowSummary(row);
    const unit = row.unit ? ` ${row.unit}` : '';
    const notes = [...floors.map((f) => `${f.name}: ${fmt(f.median)}`)];
    if (vsNode !== undefined) notes.push(`ts/(node -e 0) ${vsNode.toFixed(2)}`);
    for (const r of row.results) for (const p of r.problems || []) notes.push(`${r.name}: ${p}`);
    if (row.note && (row.id === 'umount-R')) notes.push(row.note);
    return [row.id + unit, String(row.n), cell(u), cell(t), ratio === undefined ? '–' : ratio.toFixed(2), notes.join('; ')];
  });
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => (i === 5 ? 0 : d[i].length))));
  const fmtRow = (d) => d.map((c, i) => (i === 5 ? c : c.padEnd(w[i]))).join('  ');
  lines.push(fmtRow(head));
  lines.push(fmtRow(head.map((h, i) => '-'.repeat(i === 5 ? h.length : w[i]))));
  for (const d of data) lines.push(fmtRow(d));
  return lines.join('\n');
}

function mdTable(rows) {
  const lines = ['| scenario | N | util-linux | tsmount | ts/ul | floors / notes |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const { u, t, floors, ratio, vsNode } = rowSummary(row);
    const notes = floors.map((f) => `${f.name}: ${fmt(f.median)} (${fmt(f.min)}–${fmt(f.max)})`);
    if (vsNode !== undefined) notes.push(`ts/(node -e 0) **${vsNode.toFixed(2)}**`);
    if (row.id.startsWith('peers-') && row.note) notes.push(row.note);
    for (const r of row.results) for (const p of r.problems || []) notes.push(`**${r.name}: ${p.replace(/\|/g, '\\|')}**`);
    if (row.note && row.id === 'umount-R') notes.push(row.note);
    const unit = row.unit ? ` (${row.unit})` : ' (ms)';
    lines.push(`| ${row.id}${unit} | ${row.n} | ${cell(u)} | ${cell(t)} | ${ratio === undefined ? '–' : ratio.toFixed(2)} | ${notes.join('; ')} |`);
  }
  return lines.join('\n');
}

/** The issue's targets, evaluated on this run's medians. */
function targets(rows) {
  const find = (id, n) => rows.find((r) => r.id === id && r.n === n);
  const out = [];
  const ok = (r) => r && r.results.every((x) => !x.failures);
  const cold = find('cold-mount', 0);
  if (cold) {
    const t = cold.results.find((r) => r.role === 'tsmount');
    const k = cold.results.find((r) => r.name === "node -e \"require('koffi')\"");
    const v = t.median / k.median;
    out.push({ target: "cold single mount ≤ 1.10 × node -e \"require('koffi')\"", value: `${v.toFixed(2)} ×`, met: v <= 1.10 && ok(cold) });
  }
  const speedup = (id, n, want, label) => {
    const row = find(id, n);
    if (!row) return;
    const { u, t } = rowSummary(row);
    const v = u.median / t.median;
    out.push({ target: label, value: `${v.toFixed(2)} × faster (ts/ul ${(1 / v).toFixed(3)})`, met: v >= want && ok(row) });
  };
  speedup('umount-R', 5000, 50, 'umount -R of 5,000 mounts ≥ 50 × faster');
  speedup('mount-a-first', 5000, 5, 'mount -a, 5,000 entries, first run ≥ 5 × faster');
  speedup('mount-a-second', 5000, 5, 'mount -a, 5,000 entries, second run ≥ 5 × faster');
  for (const id of ['list', 'list-t']) {
    const row = find(id, 50000);
    if (!row) continue;
    const { ratio } = rowSummary(row);
    out.push({ target: `listing 50,000 mounts (${row.op}) ts/ul ≤ 1.0`, value: ratio.toFixed(2), met: ratio <= 1.0 && ok(row) });
  }
  speedup('remount', 50000, 2, 'remount,ro of one among 50,000 ≥ 2 × faster');
  speedup('umount-one', 50000, 2, 'umount of one among 50,000 ≥ 2 × faster');
  for (const row of rows.filter((r) => r.id.startsWith('peers-'))) {
    const { ratio, vsNode } = rowSummary(row);
    if (row.id === 'peers-list') {
      out.push({ target: `slave namespace, ${row.n} peers: list ≥ 2 × faster than util-linux`,
        value: `${(1 / ratio).toFixed(2)} × faster (ts/ul ${ratio.toFixed(2)})`, met: ratio <= 0.5 && ok(row) });
    } else {
      out.push({ target: `slave namespace, ${row.n} peers: ${row.id.slice(6)} ≤ 1.6 × node -e 0`, value: `${vsNode.toFixed(2)} ×`,
        met: vsNode <= 1.6 && ok(row) });
    }
  }
  const mem = find('mem', 50000);
  if (mem) {
    const t = mem.results.find((r) => r.role === 'tsmount');
    out.push({ target: 'peak memory listing 50,000 mounts ≤ 150 MB', value: `${fmt(t.median)} MiB (${fmt(t.median * 1.048576)} MB)`,
      met: t.median * 1.048576 <= 150 });
  }
  return out;
}

function writeResults(opts, report) {
  fs.mkdirSync(opts.out, { recursive: true });
  fs.writeFileSync(path.join(opts.out, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  const md = [
    `# tsmount benchmark ${report.date}${report.quick ? ' (--quick)' : ''}`, '',
    `**Machine:** ${machineLine(report.machine)}`, '',
    `Command: \`${report.command}\`; ${report.elapsedS.toFixed(0)} s; load average at start ${report.load.start.join(' ')}, ` +
    `at end ${report.load.end.join(' ')}. Times in ms: median (min–max) n=runs; ts/ul = tsmount median / util-linux median.`, '',
    mdTable(report.rows), '',
  ];
  if (report.targets.length) {
    md.push('| target | this run | met? |', '|---|---|---|');
    for (const t of report.targets) md.push(`| ${t.target} | ${t.value} | ${t.met ? 'met' : '**missed**'} |`);
    md.push('');
  }
  const profiled = report.rows.flatMap((r) => r.results.filter((x) => x.profile).map((x) => ({ row: r, x })));
  if (profiled.length) {
    md.push('## tsmount profiles (one run each, node --cpu-prof, self time)', '');
    const { format } = require('./profile');
    for (const { row, x } of profiled) md.push(`### ${row.id} N=${row.n}`, '', '```', format(x.profile, ''), '```', '');
  }
  fs.writeFileSync(path.join(opts.out, 'latest.md'), md.join('\n'));
}

/**
 * Copy bin/, dist/ and package.json to the scratch tmpfs (node_modules linked) and point the
 * commands there. Returns { snapshot, sha1 } describing the build measured.
 */
function snapshotBuild(opts) {
  const crypto = require('crypto');
  const h = crypto.createHash('sha1');
  for (const f of ['tsmount.cjs', 'tsumount.cjs']) h.update(fs.readFileSync(path.join(ROOT, 'dist', f)));
  const sha1 = h.digest('hex').slice(0, 12);
  if (!opts.snapshot) return { snapshot: false, sha1 };
  const snap = path.join(SCRATCH, 'snapshot');
  fs.mkdirSync(snap);
  fs.cpSync(path.join(ROOT, 'bin'), path.join(snap, 'bin'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'dist'), path.join(snap, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(snap, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(snap, 'node_modules'));
  TSROOT = snap;
  TSMOUNT = path.join(snap, 'bin', 'tsmount.js');
  TSUMOUNT = path.join(snap, 'bin', 'tsumount.js');
  return { snapshot: true, sha1 };
}

// ---- main -----------------------------------------------------------------------------------

/** /dev/null and the environment of the commands under test. */
function setChildEnv(opts) {
  DEVNULL = fs.openSync('/dev/null', 'w');
  CHILD_ENV = { ...process.env, LANG: 'C', LC_ALL: 'C', LIBMOUNT_UTAB: path.join(SCRATCH, 'utab'),
    LIBMOUNT_FSTAB: path.join(SCRATCH, 'fstab.empty') };
  // NODE_EXTRA_CA_CERTS makes every node start-up read a CA bundle (~70 ms on the reference VM),
  // which no mount command needs: dropped unless --keep-env, like the other variables that change
  // what a run does.
  const drop = ['TSMOUNT_FAULT', 'TSMOUNT_DEBUG', 'LIBMOUNT_DEBUG', 'LIBMOUNT_MTAB', 'NODE_OPTIONS', 'TSMOUNT_BENCH_PEERS_JOB'];
  if (!opts.keepEnv) drop.push('NODE_EXTRA_CA_CERTS');
  for (const k of drop) delete CHILD_ENV[k];
}

function main() {
  if (process.argv[2] === '--peers-child') {
    peersChild();
    return;
  }
  const opts = parseCli(process.argv.slice(2));
  if (!inPrivateNamespace()) reexec();
  const t0 = Date.now();
  SCRATCH = process.env.TSMOUNT_BENCH_SCRATCH || fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-bench-'));
  B = require('./build');
  // Nothing below may leak out of this namespace: make every mount private first (unshare did,
  // this is belt and braces), then put a scratch tmpfs over the work directory and /run/mount.
  B.mount(null, '/', null, (1 << 18) | (1 << 14), null); // MS_PRIVATE | MS_REC
  B.mount('tmpfs', SCRATCH, 'tmpfs', 0, 'size=256m,mode=755');
  if (fs.existsSync('/run/mount')) B.mount('tmpfs', '/run/mount', 'tmpfs', 0, 'size=1m,mode=755');
  fs.writeFileSync(path.join(SCRATCH, 'fstab.empty'), '');
  setChildEnv(opts);
  OUT_PROFILES = path.join(opts.out, 'profiles');

  // bin/ts(u)mount.js load what `npm run build` makes; warn when src/ is newer than that.
  const built = ['tsmount.cjs', 'tsumount.cjs'].map((f) => path.join(ROOT, 'dist', f));
  if (!built.every((f) => fs.existsSync(f))) {
    process.stderr.write('bench: dist/ts(u)mount.cjs missing; run `npm run build` first\n');
    process.exit(1);
  }
  const builtAt = Math.min(...built.map((f) => fs.statSync(f).mtimeMs));
  const newer = [];
  const walkSrc = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walkSrc(p);
      else if (e.name.endsWith('.ts') && fs.statSync(p).mtimeMs > builtAt) newer.push(path.relative(ROOT, p));
    }
  };
  walkSrc(path.join(ROOT, 'src'));
  if (newer.length) log(`warning: dist/ is older than ${newer.slice(0, 3).join(', ')}${newer.length > 3 ? ' …' : ''}: run \`npm run build\``);
  const build = snapshotBuild(opts);
  const sizes = sizesFor(opts);
  const maxNeeded = Math.max(...sizes.table, ...sizes.umall, ...sizes.tree, ...sizes.fstab, ...sizes.peers.map((n) => 2 * n + PEERS_FSTAB)) + 200;
  const mountMax = Number(fs.readFileSync('/proc/sys/fs/mount-max', 'utf8'));
  if (maxNeeded > mountMax) {
    process.stderr.write(`bench: fs.mount-max is ${mountMax}, sizes need ~${maxNeeded}\n`);
    process.exit(1);
  }
  const want = (s) => !opts.only || opts.only.includes(s);
  const wantGroup = (g) => SCENARIOS.some((s) => GROUP_OF[s] === g && want(s));
  const m = machine();
  m.distSha1 = build.sha1;
  const loadStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
  log(machineLine(m));
  if (loadStart[0] > 0.5) log(`warning: load average ${loadStart.join(' ')}: other work is running, timings will be noisy`);
  log(`sizes: ${JSON.stringify(sizes)}`);

  const rows = [];
  if (wantGroup('cold')) rows.push(...scenarioCold(opts, want));
  if (wantGroup('table')) rows.push(...scenarioTable(opts, want, sizes.table));
  if (wantGroup('fstab')) rows.push(...scenarioFstab(opts, want, sizes.fstab));
  if (wantGroup('tree')) rows.push(...scenarioTree(opts, want, sizes.tree));
  if (wantGroup('umall')) rows.push(...scenarioUmountAll(opts, want, sizes.umall));
  if (wantGroup('peers')) rows.push(...scenarioPeers(opts, want, sizes.peers));

  const loadEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const report = {
    build: { ...build, note: build.snapshot ? 'bin/ and dist/ copied at the start' : 'live work tree' },
    load: { start: loadStart, end: loadEnd },
    date: new Date().toISOString(), quick: opts.quick, command: `node bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    elapsedS: (Date.now() - t0) / 1000, machine: m, sizes, rows: rows.map((r) => ({
      id: r.id, scenario: r.scenario, op: r.op, n: r.n, runs: r.runs, unit: r.unit || 'ms', note: r.note, results: r.results,
    })),
  };
  report.targets = targets(report.rows);

  process.stdout.write(`\nMachine: ${machineLine(m)}\n`);
  process.stdout.write(`Times in ms (peak memory in MiB): median (min–max) n=runs; ts/ul = tsmount / util-linux.\n\n`);
  process.stdout.write(textTable(report.rows) + '\n');
  if (report.targets.length) {
    process.stdout.write('\nTargets:\n');
    for (const t of report.targets) process.stdout.write(`  ${t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.value}\n`);
  }
  if (opts.profile) {
    const { format } = require('./profile');
    for (const r of report.rows) {
      for (const x of r.results.filter((y) => y.profile)) process.stdout.write(`\nprofile ${r.id} N=${r.n} (${x.name}):\n${format(x.profile)}\n`);
    }
  }
  if (opts.write) {
    writeResults(opts, report);
    process.stdout.write(`\nwrote ${path.relative(process.cwd(), path.join(opts.out, 'latest.json'))} and latest.md ` +
      `(${report.elapsedS.toFixed(0)} s)\n`);
  }
  const anyFail = report.rows.some((r) => r.results.some((x) => x.failures));
  process.exitCode = 0;
  if (anyFail) process.stderr.write('bench: some runs failed or did not do what they should (see notes)\n');
}

main();
