'use strict';
// Integration-test harness: runs bash scripts in a private mount (and PID) namespace on a
// scratch tmpfs, with shell functions `tm` / `tu` that run tsmount / tsumount and record each
// command's argv, exit code, stdout and stderr; returns a structured, normalised result.
//
//   runInNamespace(script, {env})      one script, $D = $W          → {steps, mountinfo, loops, ...}
//   runInNamespace([{name, script}])   cases run one after the other in one namespace, each in a
//                                      subshell with its own directory $D = $W/NAME → {cases: {NAME: ...}}
//   batch(test, cases, {executors})    one ava test per case and executor; one namespace run per
//                                      executor (fd-based default, TSMOUNT_FORCE_MOUNT2=always)
//   noLoopLeak(t)                      afterEach: no loop device backed by a file of our scratch dirs
//
// Per case: steps [{kind, argv, cmd, cwd, rc, stdout, stderr, out[], err[]}], mountinfo (the
// normalised lines below $D when the case ended: "MOUNTPOINT[+LEVEL] ROOT OPTS PROPAGATION FSTYPE
// SOURCE SUPER-OPTS [in=PARENT]", as the conformance suite records them), loops ("DEV back=FILE
// offset= sizelimit= autoclear= ro="), snaps, checks {key: value}, and transcript: all of it in the
// conformance suite's .out format ("$ mount ...", "rc N", "1> ...", "2> ...", "= ...", "== final
// state", "= mi ...", "= loop ..."), with the leading program name shown as mount:/umount:.
// Normalised everywhere: $D (case dir), $W (scratch dir), /dev/loopN, loopN, shared:N/master:N.
//
// Safety (enforced here, not by the tests):
//   - everything runs under `unshare -m -p -f --kill-child --propagation private --mount-proc`
//     (refused unless the namespace is new and no mount is shared): nothing is mounted in the
//     caller's mount namespace, and every process a script starts dies with it;
//   - the scratch dir $W (/tmp/tsmit.XXXXXX, same length as the conformance suite's
//     /tmp/mconf.XXXXXX) is a fresh tmpfs; /run/mount and /run/blkid are private tmpfs mounts,
//     LIBMOUNT_UTAB=$W/.h/utab, BLKID_FILE=$W/.h/blkid.tab, /etc/fstab is covered by a bind mount
//     of the private file $W/.h/fstab (emptied at the start of each case), /etc/filesystems (if
//     any) by a file that says '*';
//   - at the end, still inside the namespace: kill the background processes, record the state,
//     unmount everything below $W, detach every loop device backed by a file below $W.
//
// Script API (bash, see ns-wrapper.sh):
//   tm ARGS / tu ARGS        run tsmount / tsumount (recorded as a step; returns its exit code)
//   tm_w ARGS / tu_w ARGS    the same, keeping only output lines that mention $D/ (listings)
//   mk_fstab <<EOF           content of the private /etc/fstab
//   mk_ext2 IMG [mkfs args]  4 MiB ext2 image, 1 KiB blocks (mkfs.ext2 -q -F -b 1024 ...)
//   loop_attach IMG [args]   losetup -f --show IMG (detached at the end if the script did not)
//   smount / sumount / slosetup ARGS   the system mount/umount/losetup (setup only)
//   hold_cwd DIR / hold_open FILE      a background process that keeps DIR / FILE busy
//   snap                     record the mount state below $D now ("== state" in the transcript)
//   st_loops                 record the loop devices below $D now
//   st_write PATH, st_stat PATH, st_ls DIR, st_file PATH, st_prop PATH, st_peers A B,
//   st_same_fs A B, st_test LABEL CMD..., st_cmd LABEL CMD...
//                            explicit checks (checks['write $D/x'] = 'ok', ...)
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN_MOUNT = path.join(ROOT, 'bin', 'tsmount.js');
const BIN_UMOUNT = path.join(ROOT, 'bin', 'tsumount.js');
const SCRATCH_PREFIX = '/tmp/tsmit.';

/** Scratch dirs of the runs this process made (for noLoopLeak). */
const ourScratchDirs = new Set();

// The bash side (namespace setup, tm/tu, recorders, cleanup) lives in ns-wrapper.sh.
const WRAPPER = fs.readFileSync(path.join(__dirname, 'ns-wrapper.sh'), 'utf8');

function readOr(file, dflt = '') {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return dflt;
  }
}

function lines(text) {
  if (text === '') return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

function makeNormaliser(W, D) {
  return (s) => {
    let r = s;
    if (D && D !== W) r = r.split(D).join('$D');
    if (W) r = r.split(W).join('$W');
    return r
      .replace(/\/dev\/loop\d+/g, '/dev/loopN')
      .replace(/\bloop\d+\b/g, 'loopN')
      .replace(/\b(shared|master|propagate_from):\d+/g, '$1:N');
  };
}

/** A leading program name (tsmount:, tsumount:) shown as mount:/umount:, as the conformance suite does. */
function progNorm(line) {
  return line.replace(/^(?:\S*\/)?tsmount:/, 'mount:').replace(/^(?:\S*\/)?tsumount:/, 'umount:');
}

/** Read the records of one case. */
function readCase(res, name, W) {
  const cdir = path.join(res, 'cases', name);
  const D = readOr(path.join(cdir, 'D'));
  const norm = makeNormaliser(W, D);
  const stepDir = path.join(cdir, 'steps');
  const steps = [];
  for (let n = 1; fs.existsSync(path.join(stepDir, `${n}.kind`)); n++) {
    const f = (ext) => readOr(path.join(stepDir, `${n}.${ext}`));
    const argv = f('argv').split('\0');
    argv.pop();
    const kind = f('kind');
    // tm_w / tu_w: keep only the lines about this case's directory
    const filt = fs.existsSync(path.join(stepDir, `${n}.filter`))
      ? (text) => text.split('\n').filter((l) => l.includes(`${D}/`)).map((l) => `${l}\n`).join('')
      : (text) => text;
    const stdout = norm(filt(f('out')));
    const stderr = norm(filt(f('err')));
    const rcText = f('rc');
    steps.push({
      kind,
      argv: argv.map(norm),
      cmd: [kind, ...argv.map(norm)].join(' '),
      cwd: norm(f('cwd')),
      rc: rcText === '' ? null : Number(rcText),
      stdout,
      stderr,
      out: lines(stdout),
      err: lines(stderr),
    });
  }
  // events in the order they happened: steps, checks, snapshots
  const snaps = [];
  const checks = {};
  const transcript = [];
  for (const ev of lines(readOr(path.join(cdir, 'events')))) {
    const f = ev.split('\t');
    if (f[0] === 'S') {
      const st = steps[Number(f[1]) - 1];
      transcript.push(`$ ${st.cmd}`, `rc ${st.rc}`);
      for (const l of st.out) transcript.push(`1> ${progNorm(l)}`);
      if (st.stdout !== '' && !st.stdout.endsWith('\n')) transcript.push('1> [no newline at end of output]');
      for (const l of st.err) transcript.push(`2> ${progNorm(l)}`);
      if (st.stderr !== '' && !st.stderr.endsWith('\n')) transcript.push('2> [no newline at end of output]');
    } else if (f[0] === 'C') {
      const k = norm(f[1]);
      const v = norm(f.slice(2).join('\t'));
      checks[k] = v;
      transcript.push(`= ${k}: ${v}`);
    } else if (f[0] === 'P' || f[0] === 'L') {
      const l = lines(norm(readOr(path.join(cdir, `snap.${f[1]}`))));
      snaps.push(l);
      if (f[0] === 'P') transcript.push('== state', ...l.map((x) => `= mi ${x}`));
      else transcript.push(...l.map((x) => `= loop ${x}`));
    }
  }
  const mountinfo = lines(norm(readOr(path.join(cdir, 'mountinfo'))));
  const loops = lines(norm(readOr(path.join(cdir, 'loops'))));
  transcript.push('== final state', ...mountinfo.map((x) => `= mi ${x}`), ...loops.map((x) => `= loop ${x}`));
  return {
    name,
    W,
    D,
    done: fs.existsSync(path.join(cdir, 'done')),
    steps,
    mountinfo,
    loops,
    snaps,
    checks,
    /** Lines in the conformance suite's result format ($ cmd, rc N, 1>/2> output with the
     *  leading program name shown as mount:/umount:, = checks, == state, = mi, = loop). */
    transcript,
    /** `%-25s` as mount -a -v / umount -a -v print it, for a normalised path ($D/..., $W/...). */
    pad(p) {
      const real = p.replace('$D', D).replace('$W', W);
      return norm(real.length < 25 ? real.padEnd(25) : real);
    },
  };
}

/**
 * Run bash scripts in a private mount + PID namespace on a scratch tmpfs $W.
 * `script` is one script (run with $D = $W), or an array of {name, script} cases run one after
 * the other in the same namespace, each in a subshell with its own directory $D = $W/NAME.
 * @param {string | {name: string, script: string}[]} script
 * @param {{env?: Record<string,string|undefined>, timeout?: number}} [opts]
 * @returns the result of the single script (steps, mountinfo, loops, snaps, checks, leftLoops, script),
 *   or for cases {W, cases: {NAME: result}, mountinfo, loops, leftLoops, script}
 */
function runInNamespace(script, opts = {}) {
  const res = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmit-res.'));
  const single = typeof script === 'string';
  const cases = single ? [{ name: 'main', script }] : script;
  try {
    for (const c of cases) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(c.name)) throw new Error(`bad case name ${c.name}`);
      fs.mkdirSync(path.join(res, 'cases', c.name), { recursive: true });
      fs.writeFileSync(path.join(res, 'cases', c.name, 'script.sh'), c.script);
    }
    fs.writeFileSync(path.join(res, 'cases.list'), single ? '-\n' : cases.map((c) => `${c.name}\n`).join(''));
    const env = { ...process.env, ...(opts.env || {}) };
    for (const [k, v] of Object.entries(opts.env || {})) if (v === undefined) delete env[k];
    env.TSM_PARENT_NS = fs.readlinkSync('/proc/self/ns/mnt');
    const p = spawnSync('unshare', ['-m', '-p', '-f', '--kill-child', '--propagation', 'private', '--mount-proc',
      'bash', '-c', WRAPPER, 'tsmit', res, BIN_MOUNT, BIN_UMOUNT, process.execPath], {
      env,
      encoding: 'utf8',
      timeout: opts.timeout ?? 100_000,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const W = readOr(path.join(res, 'W'));
    if (W) {
      ourScratchDirs.add(W);
      // the (now empty) mount point the namespace used, on the host's /tmp
      try {
        fs.rmdirSync(W);
      } catch {
        /* already gone */
      }
    }
    const norm = makeNormaliser(W);
    const rcText = readOr(path.join(res, 'script.rc'));
    const common = {
      W,
      mountinfo: lines(norm(readOr(path.join(res, 'mountinfo')))),
      loops: lines(norm(readOr(path.join(res, 'loops')))),
      leftLoops: lines(readOr(path.join(res, 'leftloops'))).filter((x) => x !== ''),
      script: {
        rc: rcText === '' ? null : Number(rcText),
        status: p.status,
        signal: p.signal,
        stdout: p.stdout,
        stderr: p.stderr,
        error: p.error,
      },
    };
    let result;
    if (single) {
      const c = readCase(res, 'main', W);
      result = { ...c, ...common };
    } else {
      result = { ...common, cases: {} };
      for (const c of cases) result.cases[c.name] = readCase(res, c.name, W);
    }
    if (p.error || p.status !== 0 || !W) {
      const e = new Error(`namespace run failed (status ${p.status}, signal ${p.signal}): ${p.error ?? ''}\n${p.stderr}`);
      e.result = result;
      throw e;
    }
    return result;
  } finally {
    fs.rmSync(res, { recursive: true, force: true });
  }
}

/**
 * Declare one ava test per case and executor; the cases of one executor run together, in one
 * namespace (batched: the first test that needs the run starts it, the others reuse its result).
 *   cases: [{name, title?, script, check(t, r), executors?: ['fd'|'mount2'], failing?: true}]
 *   r: {D, W, steps, mountinfo (below $D when the case ended), loops, snaps, checks, pad(p)}
 * Paths below the case directory are shown as $D/..., the scratch dir as $W.
 */
const hooked = new WeakSet();

function batch(test, cases, { executors = EXECUTORS, env = {}, prefix = '' } = {}) {
  if (!hooked.has(test)) {
    hooked.add(test);
    // the transcript of a case is shown only when its test fails
    test.afterEach.always((t) => {
      if (!t.passed && t.context && t.context.transcript) t.log(t.context.transcript);
    });
  }
  const names = new Set();
  for (const c of cases) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(c.name) || names.has(c.name)) throw new Error(`bad or repeated case name ${c.name}`);
    names.add(c.name);
  }
  for (const ex of executors) {
    const mine = cases.filter((c) => !c.executors || c.executors.includes(ex.name));
    if (!mine.length) continue;
    let run;
    const get = () => {
      if (!run) {
        try {
          run = { value: runInNamespace(mine.map((c) => ({ name: c.name, script: c.script })), { env: { ...ex.env, ...env } }) };
        } catch (e) {
          run = { error: e };
        }
      }
      if (run.error) throw run.error;
      return run.value;
    };
    for (const c of mine) {
      const title = `${prefix}${executors.length > 1 ? `[${ex.name}] ` : ''}${c.title ?? c.name}`;
      const fn = (t) => {
        const r = get().cases[c.name];
        t.context.transcript = describe(r);
        t.true(r.done, `case ${c.name} did not finish`);
        return c.check(t, r, ex.name);
      };
      (c.failing ? test.failing : test)(title, fn);
    }
  }
}

/** A readable transcript of a case (t.log on failure). */
function describe(r) {
  return r.transcript.join('\n');
}

/** Loop devices (from `losetup -n -O NAME,BACK-FILE -l`) backed by a file in one of our scratch dirs. */
function leakedLoops() {
  const p = spawnSync('losetup', ['-n', '-O', 'NAME,BACK-FILE', '-l'], { encoding: 'utf8' });
  const out = [];
  for (const line of lines(p.stdout || '')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const back = m[2];
    for (const w of ourScratchDirs) {
      if (back === w || back.startsWith(`${w}/`)) out.push({ device: m[1], back });
    }
  }
  return out;
}

/** Assert (in afterEach / after) that no loop device of our scratch dirs is still attached; detach leaks. */
function noLoopLeak(t) {
  const leaks = leakedLoops();
  for (const l of leaks) spawnSync('losetup', ['-d', l.device]);
  t.deepEqual(leaks.map((l) => `${l.device} ${l.back}`), [], 'loop devices leaked');
}

/** Executor variants: the default fd-based API and the mount(2) fallback. */
const EXECUTORS = [
  { name: 'fd', env: { TSMOUNT_FORCE_MOUNT2: undefined, LIBMOUNT_FORCE_MOUNT2: undefined } },
  { name: 'mount2', env: { TSMOUNT_FORCE_MOUNT2: 'always' } },
];

/** The tail every failed mount syscall gets. */
const DMESG = '       dmesg(1) may have more information after failed mount system call.';

module.exports = { runInNamespace, batch, describe, noLoopLeak, leakedLoops, EXECUTORS, DMESG, BIN_MOUNT, BIN_UMOUNT, SCRATCH_PREFIX };
