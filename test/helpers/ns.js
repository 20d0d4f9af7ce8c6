'use strict';
// Integration-test harness: runs a bash script in a private mount (and PID) namespace on a
// scratch tmpfs, with shell functions `tm` / `tu` that run tsmount / tsumount and record each
// command's argv, exit code, stdout and stderr; returns a structured, normalised result.
//
// Safety (enforced here, not by the tests):
//   - everything runs under `unshare -m -p -f --kill-child --propagation private --mount-proc`:
//     nothing is mounted in the caller's mount namespace, and every process the script starts
//     dies with it (PID namespace);
//   - the scratch dir $W (/tmp/tsmit.XXXXXX, same length as the conformance suite's
//     /tmp/mconf.XXXXXX so `%-25s` padding compares) is a fresh tmpfs; /run/mount and /run/blkid
//     are private tmpfs mounts, LIBMOUNT_UTAB/BLKID_FILE point into $W/.h, /etc/fstab is covered
//     by a bind mount of the private (empty) file $W/.h/fstab, /etc/filesystems (if any) by '*';
//   - at the end, still inside the namespace: kill the background processes, record the state,
//     unmount everything below $W, detach every loop device backed by a file below $W.
//
// Script API (bash):
//   tm ARGS / tu ARGS        run tsmount / tsumount (recorded as a step; returns its exit code)
//   mk_fstab <<EOF           content of the private /etc/fstab
//   mk_ext2 IMG [mkfs args]  4 MiB ext2 image, 1 KiB blocks (mkfs.ext2 -q -F -b 1024 ...)
//   loop_attach IMG [args]   losetup -f --show IMG (the device is detached at the end)
//   smount / sumount ARGS    the system mount/umount (setup only)
//   hold_cwd DIR / hold_open FILE   a background process that keeps DIR / FILE busy
//   snap                     record the mountinfo state below $W now (result.snaps[i])
//   st_write PATH, st_stat PATH, st_ls DIR, st_file PATH, st_prop PATH, st_peers A B,
//   st_same_fs A B, st_test LABEL CMD..., st_cmd LABEL CMD..., st_loops
//                            explicit checks (result.checks['write $W/x'] = 'ok', ...)
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

function makeNormaliser(W) {
  return (s) => {
    let r = s;
    if (W) r = r.split(W).join('$W');
    return r
      .replace(/\/dev\/loop\d+/g, '/dev/loopN')
      .replace(/\bloop\d+\b/g, 'loopN')
      .replace(/\b(shared|master|propagate_from):\d+/g, '$1:N');
  };
}

/**
 * Run `script` (bash) in a private mount + PID namespace on a scratch tmpfs $W.
 * @param {string} script
 * @param {{env?: Record<string,string>, timeout?: number}} [opts]
 * @returns {{W: string, steps: {kind:string, argv:string[], cmd:string, cwd:string, rc:number, out:string[], err:string[], stdout:string, stderr:string}[],
 *   mountinfo: string[], loops: string[], snaps: string[][], checks: Record<string,string>, leftLoops: string[],
 *   script: {rc:number|null, status:number|null, signal:string|null, stdout:string, stderr:string}}}
 */
function runInNamespace(script, opts = {}) {
  const res = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmit-res.'));
  try {
    fs.writeFileSync(path.join(res, 'script.sh'), script);
    const env = { ...process.env, ...(opts.env || {}) };
    for (const [k, v] of Object.entries(opts.env || {})) if (v === undefined) delete env[k];
    env.TSM_PARENT_NS = fs.readlinkSync('/proc/self/ns/mnt');
    const p = spawnSync('unshare', ['-m', '-p', '-f', '--kill-child', '--propagation', 'private', '--mount-proc',
      'bash', '-c', WRAPPER, 'tsmit', res, BIN_MOUNT, BIN_UMOUNT, process.execPath], {
      env,
      encoding: 'utf8',
      timeout: opts.timeout ?? 90_000,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const W = readOr(path.join(res, 'W'));
    if (W) {
      ourScratchDirs.add(W);
      // the (empty) mount point the namespace used, on the host's /tmp
      try {
        fs.rmdirSync(W);
      } catch {
        /* already gone */
      }
    }
    const norm = makeNormaliser(W);
    const stepDir = path.join(res, 'steps');
    const steps = [];
    for (let n = 1; fs.existsSync(path.join(stepDir, `${n}.kind`)); n++) {
      const f = (ext) => readOr(path.join(stepDir, `${n}.${ext}`));
      const argv = f('argv').split('\0');
      argv.pop();
      const kind = f('kind');
      const stdout = norm(f('out'));
      const stderr = norm(f('err'));
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
    const snaps = [];
    for (let n = 1; ; n++) {
      const s = path.join(res, `snap.${n}`);
      const l = path.join(res, `snaploops.${n}`);
      if (fs.existsSync(s)) snaps.push(lines(norm(readOr(s))));
      else if (fs.existsSync(l)) snaps.push(lines(norm(readOr(l))));
      else break;
    }
    const checks = {};
    for (const line of lines(readOr(path.join(res, 'checks')))) {
      const i = line.indexOf('\t');
      checks[norm(line.slice(0, i))] = norm(line.slice(i + 1));
    }
    const rcText = readOr(path.join(res, 'script.rc'));
    const result = {
      W,
      steps,
      mountinfo: lines(norm(readOr(path.join(res, 'mountinfo')))),
      loops: lines(norm(readOr(path.join(res, 'loops')))),
      snaps,
      checks,
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

module.exports = { runInNamespace, noLoopLeak, leakedLoops, EXECUTORS, DMESG, BIN_MOUNT, BIN_UMOUNT, SCRATCH_PREFIX };
