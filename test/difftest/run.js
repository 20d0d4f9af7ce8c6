#!/usr/bin/env node
'use strict';
// npm run difftest [-- --cases N] [--seed S] [--jobs J] [--keep DIR] [--show K] [--replay DIR]
// (--replay DIR runs the case-*.sh files a --keep run saved, instead of generated ones)
//
// Differential testing against the real thing: generated command lines and fstabs
// (test/difftest/generate.js) run in fresh private mount namespaces (test/difftest/case.sh) against
// util-linux 2.42.2's mount/umount (../shared/util-linux-2.42.2/bin) and against tsmount installed
// under the names mount/umount. Exit codes, messages, the resulting mount table, utab and files are
// compared. A difference is either fixed in tsmount or documented as deliberate, with its reason, in
// docs/tsmount.8.md (DIFFERENCES FROM UTIL-LINUX) and in test/difftest/known.js, which recognises it;
// anything else fails the run. The last line is "difftest: N passed, N failed" (cases).
const fs = require('fs');
const path = require('path');
const os = require('os');
const { spawn, execFileSync } = require('child_process');
const { generate, unsafe } = require('./generate');
const { explainDifference } = require('./known');

const ROOT = path.resolve(__dirname, '../..');
const SHARED = process.env.TSMOUNT_SHARED || path.resolve(ROOT, '../shared');
const REF = path.join(SHARED, 'util-linux-2.42.2/bin');

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

const count = Number(arg('cases', '2000'));
const seed = Number(arg('seed', String(Date.now() % 1e9)));
const jobs = Number(arg('jobs', String(Math.max(1, os.cpus().length))));
const show = Number(arg('show', '10'));
const keep = arg('keep');
const replay = arg('replay');

function fail(msg) {
  console.error(`difftest: ${msg}`);
  process.exit(2);
}

if (process.getuid() !== 0) fail('must run as root (it creates mount namespaces)');
if (!fs.existsSync(path.join(REF, 'mount'))) fail(`${REF}/mount not found: the reference lives in ../shared beside the repository (TSMOUNT_SHARED=DIR)`);
if (!fs.existsSync(path.join(ROOT, 'dist/tsmount.cjs'))) fail("run 'npm run build' first");

const base = fs.mkdtempSync('/tmp/tsmount-difftest.');
fs.chmodSync(base, 0o755);

/** Per worker: its scratch path, an ext2 image with its own label and UUID, tsmount under the names mount/umount. */
function makeWorker(w) {
  const dir = path.join(base, `w${w}`);
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'bin/tsmount.js'), path.join(dir, 'bin/mount'));
  fs.symlinkSync(path.join(ROOT, 'bin/tsumount.js'), path.join(dir, 'bin/umount'));
  const img = path.join(dir, 'img');
  const label = `dtlabel${w}`;
  const uuid = `5e1ec7ed-0000-4000-8000-${String(w).padStart(12, '0')}`;
  execFileSync('truncate', ['-s', '4M', img]);
  execFileSync('mkfs.ext2', ['-q', '-F', '-b', '1024', '-L', label, '-U', uuid, img], { stdio: 'ignore' });
  return { w, scratch: path.join(dir, 's'), img, label, uuid, ours: path.join(dir, 'bin') };
}

function runCase(worker, bin, text) {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(__dirname, 'case.sh'), worker.scratch, `${bin}/mount`, `${bin}/umount`, worker.img], {
      env: { ...process.env, LBL: worker.label, UUID: worker.uuid, LC_ALL: 'C', TSMOUNT_FORCE_MOUNT2: process.env.TSMOUNT_FORCE_MOUNT2 ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(text);
  });
}

/** The first line where the two transcripts differ, with its neighbourhood. */
function firstDifference(a, b) {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return { line: i, ref: x.slice(Math.max(0, i - 2), i + 3), ours: y.slice(Math.max(0, i - 2), i + 3) };
  }
  return undefined;
}

/**
 * The read-only state of every superblock outside the run's scratch paths: a case that remounted one
 * of the host's (a bind shares its superblock; a remount reaches it from any namespace) fails the run.
 */
function hostSuperblocks() {
  const out = new Map();
  for (const l of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = l.split(' ');
    const sep = f.indexOf('-');
    if (sep < 0 || f[4].startsWith(base)) continue;
    out.set(f[2], (f[sep + 3] || '').split(',')[0]);
  }
  return out;
}

async function main() {
  const cases = replay
    ? fs.readdirSync(replay).filter((n) => /^case-\d+\.sh$/.test(n)).sort().map((n) => fs.readFileSync(path.join(replay, n), 'utf8'))
    : generate(count, seed);
  for (const c of cases) {
    const why = unsafe(c);
    if (why) fail(`refusing a case that could reach the host's mounts (${why})`);
  }
  const before = hostSuperblocks();
  const workers = Array.from({ length: jobs }, (_, w) => makeWorker(w));
  const results = new Array(cases.length);
  let next = 0;
  const started = Date.now();
  await Promise.all(workers.map(async (worker) => {
    for (;;) {
      const i = next++;
      if (i >= cases.length) return;
      const ref = await runCase(worker, REF, cases[i]);
      const ours = await runCase(worker, worker.ours, cases[i]);
      results[i] = { i, text: cases[i], ref, ours };
      if ((i + 1) % 200 === 0) process.stderr.write(`difftest: ${i + 1}/${cases.length}\n`);
    }
  }));
  const secs = ((Date.now() - started) / 1000).toFixed(0);

  let passed = 0;
  let documented = 0;
  const failures = [];
  const byReason = new Map();
  for (const r of results) {
    if (r.ref.code !== 0 || r.ours.code !== 0) {
      failures.push({ ...r, why: `case runner failed (reference ${r.ref.code}, tsmount ${r.ours.code}): ${r.ref.err}${r.ours.err}` });
      continue;
    }
    if (r.ref.out === r.ours.out) {
      passed++;
      continue;
    }
    const reason = explainDifference(r.text, r.ref.out, r.ours.out);
    if (reason) {
      passed++;
      documented++;
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      continue;
    }
    failures.push({ ...r, why: 'outputs differ' });
  }

  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    for (const f of failures) {
      fs.writeFileSync(path.join(keep, `case-${f.i}.sh`), f.text);
      fs.writeFileSync(path.join(keep, `case-${f.i}.ref`), f.ref.out);
      fs.writeFileSync(path.join(keep, `case-${f.i}.ours`), f.ours.out);
    }
  }
  for (const f of failures.slice(0, show)) {
    console.log(`--- case ${f.i} (${f.why})\n${f.text}`);
    const d = firstDifference(f.ref.out, f.ours.out);
    if (d) console.log(`  util-linux:\n${d.ref.map((l) => `    ${l}`).join('\n')}\n  tsmount:\n${d.ours.map((l) => `    ${l}`).join('\n')}`);
  }
  const after = hostSuperblocks();
  const changed = [...before].filter(([dev, ro]) => after.has(dev) && after.get(dev) !== ro).map(([dev, ro]) => `${dev} ${ro} -> ${after.get(dev)}`);
  if (changed.length) console.log(`HOST SUPERBLOCKS CHANGED (restore them): ${changed.join('; ')}`);
  // Loop devices are global: none of ours may outlive the run.
  const leaked = execFileSync('losetup', ['-l', '-n', '-O', 'NAME,BACK-FILE']).toString().split('\n').filter((l) => l.includes(base));
  fs.rmSync(base, { recursive: true, force: true });
  for (const [reason, n] of byReason) console.log(`documented difference (${n}): ${reason}`);
  if (leaked.length) console.log(`loop devices leaked: ${leaked.join('; ')}`);
  console.log(`difftest: seed ${seed}, ${cases.length} cases, ${jobs} jobs, ${secs} s; ${documented} with documented differences`);
  console.log(`difftest: ${passed} passed, ${failures.length + (leaked.length ? 1 : 0)} failed`);
  process.exit(failures.length || leaked.length || changed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
