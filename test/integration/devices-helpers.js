'use strict';
// Shared pieces of the devices-*.test.js files (loop devices, type detection, tags, RO fallback,
// mount helpers, FUSE). Everything runs through test/helpers/ns.js (private mount + PID
// namespace, scratch tmpfs $W, private /etc/fstab, /run/mount, /run/blkid, LIBMOUNT_UTAB,
// BLKID_FILE; every loop device backed by a file below $W is detached at the end).
//
// What this file adds:
//   - PRELUDE (devices-prelude.sh): bash functions a case script can use on top of ns-wrapper.sh:
//       fake_helper NAME [RC] [DIR]  /sbin[/DIR]/NAME recording its argv in $D/helper.log, exit RC
//                                    (/sbin is covered by an overlay inside the namespace only)
//       raw_helper NAME MODE         /sbin/NAME from stdin, with MODE (e.g. 644, 755)
//       clear_helpers                remove the helpers made so far
//       st_helper                    the recorded helper argv (check "helper")
//       st_loop_of FILE              sysfs ro/autoclear/offset/sizelimit of FILE's loop devices
//       st_backing_of MOUNTPOINT     backing file of the loop device mounted there
//       st_utab_of TARGET            the utab entry of TARGET (without its ID)
//       procs_named NAME             PIDs of the processes called NAME
//       loop_attach IMG [args]       as ns-wrapper.sh's, on the highest free device; free_loop
//       mk_extfs TYPE SIZE IMG [args]  ext2/3/4 image; mk_ext2_at IMG OFFSET [args]
//       mk_squashfs IMG DIR          squashfs image
//       tsd_cleanup_all              unmount and detach everything of the run (last case)
//   - suite(): the cases of a file run together in one namespace per executor (started by the
//     first test that needs them); a case may carry several tests (a passing one for what
//     tsmount does right and a test.failing one for util-linux's exact text, say);
//   - helpers to look at a case result (output lines, mountinfo fields).
const fs = require('fs');
const path = require('path');
const { runInNamespace, describe, noLoopLeak, EXECUTORS, DMESG } = require('../helpers/ns');

const PRELUDE = fs.readFileSync(path.join(__dirname, 'devices-prelude.sh'), 'utf8');

/**
 * One namespace run of `cases` ([{name, script}]), started by the first test that needs it.
 * Returns get(name) → the case result of ns.js (steps, transcript, checks, mountinfo, loops, ...).
 */
function lazy(cases, opts = {}) {
  let run;
  const withPrelude = cases.map((c) => ({ name: c.name, script: `${PRELUDE}\n${c.script}` }));
  return (name) => {
    if (!run) {
      try {
        run = { value: runInNamespace(withPrelude, { timeout: 100_000, ...opts }) };
      } catch (e) {
        run = { error: e };
      }
    }
    if (run.error) throw run.error;
    const r = run.value.cases[name];
    if (!r) throw new Error(`no case ${name}`);
    return r;
  };
}

/** Show the transcript of the case when the test fails. */
function withTranscript(test) {
  test.afterEach.always((t) => {
    if (!t.passed && t.context && t.context.r) t.log(describe(t.context.r));
  });
}

/** The case result, remembered for the failure log, checked to have finished. */
function use(t, get, name) {
  const r = get(name);
  t.context.r = r;
  t.true(r.done, `case ${name} did not finish`);
  return r;
}

/**
 * Declare the tests of `cases` for each executor ('fd', 'mount2'):
 *   cases: [{name, script, executors?, tests: [{title, check(t, r, executor), failing?, skip?}]}]
 *   (or {name, script, title, check, failing?, skip?} for a single test)
 * All cases of one executor run one after the other in one namespace (ns.js), each in its own
 * directory $D, then a last case unmounts and detaches everything of the run (so that the
 * harness's own cleanup has nothing to do); every test also checks that no loop device of ours
 * is left attached.
 */
function suite(test, cases, { executors = ['fd'], timeout = 100_000 } = {}) {
  withTranscript(test);
  test.afterEach.always(noLoopLeak);
  for (const exName of executors) {
    const ex = EXECUTORS.find((e) => e.name === exName);
    const mine = cases.filter((c) => !c.executors || c.executors.includes(exName));
    // the last case takes everything down itself (devices-prelude.sh tsd_cleanup_all)
    const get = lazy([...mine, { name: 'zz-cleanup', script: 'tsd_cleanup_all' }], { env: ex.env, timeout });
    for (const c of mine) {
      for (const tc of c.tests ?? [{ title: c.title, check: c.check, failing: c.failing, skip: c.skip }]) {
        const title = `${executors.length > 1 ? `[${exName}] ` : ''}${tc.title}`;
        if (tc.skip) {
          test.skip(`${title} (skipped: ${tc.skip})`, () => {});
          continue;
        }
        // TSD_SHOW_FAILING=1 runs the known failures as ordinary tests (their transcripts are shown)
        (tc.failing && !process.env.TSD_SHOW_FAILING ? test.failing : test)(title, (t) => tc.check(t, use(t, get, c.name), exName));
      }
    }
  }
}

/** Output lines of a step with the leading program name shown as mount:/umount: (as the transcript does). */
function errLines(step) {
  return step.err.map((l) => l.replace(/^(?:\S*\/)?tsmount:/, 'mount:').replace(/^(?:\S*\/)?tsumount:/, 'umount:'));
}
function outLines(step) {
  return step.out.map((l) => l.replace(/^(?:\S*\/)?tsmount:/, 'mount:').replace(/^(?:\S*\/)?tsumount:/, 'umount:'));
}

/** A step as [cmd, rc, stdout lines, stderr lines] in the transcript form (for deepEqual). */
function stepOf(step) {
  return [`$ ${step.cmd}`, `rc ${step.rc}`, ...outLines(step).map((l) => `1> ${l}`), ...errLines(step).map((l) => `2> ${l}`)];
}

/** Every value a check KEY recorded, in order (r.checks keeps only the last one). */
function checkValues(r, key) {
  const p = `= ${key}: `;
  return r.transcript.filter((l) => l.startsWith(p)).map((l) => l.slice(p.length));
}

/** Fields of a normalised mountinfo line: MOUNTPOINT ROOT MOUNT-OPTS PROPAGATION FSTYPE SOURCE SUPER-OPTS. */
function mi(line) {
  const f = line.split(' ');
  return { mp: f[0], root: f[1], opts: f[2], prop: f[3], fstype: f[4], source: f[5], sopts: f[6] };
}

/** The mountinfo entry (normalised fields) on a mount point, from the final state. */
function mountAt(r, mp) {
  const l = r.mountinfo.find((x) => x.split(' ')[0] === mp);
  return l === undefined ? undefined : mi(l);
}

/** The types the kernel can mount from a block device (/proc/filesystems without nodev). */
function kernelHas(type) {
  try {
    return fs.readFileSync('/proc/filesystems', 'utf8').split('\n').some((l) => l.trim() === type && !l.startsWith('nodev'));
  } catch {
    return false;
  }
}

/** Is a program on PATH (system directories included)? */
function have(prog) {
  const { spawnSync } = require('child_process');
  const p = spawnSync('sh', ['-c', `PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH command -v ${prog}`], { encoding: 'utf8' });
  return p.status === 0 && p.stdout.trim() !== '';
}

module.exports = { PRELUDE, lazy, suite, checkValues, withTranscript, use, stepOf, errLines, outLines, mi, mountAt, kernelHas, have, DMESG };
