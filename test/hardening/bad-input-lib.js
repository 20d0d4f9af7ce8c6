'use strict';
// The bad-input corpus runner (fixtures/bad-input/cases.json): every case of a batch runs in
// ONE private mount + PID namespace (unshare -m -p -f --propagation private), each in its own
// directory $W on a scratch tmpfs, and the namespace's bash script prints the results as JSON.
//
// A case: {name, prog: "tsmount"|"tsumount", args, fstab?, fstabBase64?, etcFstab?, setup?, env?,
//          expectRc, expectStderr, expectStdout?, expectMounts?, knownBug?, note?}
//   args      argv after the program name; "$W" is replaced by the case's directory; an element
//             {"repeat": [TEXT, N], "prefix": P, "suffix": S} is P + TEXT×N + S, and {"x": "…\xHH…"}
//             is a string whose \xHH escapes are raw bytes (invalid UTF-8 on the command line)
//   fstab     content of $W/fstab (or fstabBase64: raw bytes, for NUL and invalid UTF-8)
//   etcFstab  content of the namespace's private /etc/fstab (empty otherwise)
//   setup     bash run in $W before the command (as root, inside the namespace); W is set
//   expect*   exact lines ("$W" is the case directory); stdout defaults to none; expectMounts
//             lists the mount points left below $W afterwards (default: none)
//   knownBug  tsmount differs from util-linux: the expectation is util-linux's (test.failing)
// Output bytes that are not UTF-8 are shown as \xHH.
//
// Safety: the namespace script refuses to run in the caller's mount namespace or with a shared
// mount left; the scratch tmpfs, /run/mount, /run/blkid and /etc/fstab are private there;
// LIBMOUNT_UTAB points into the scratch dir; after each case everything mounted below $W is
// unmounted and every loop device backed by a file below it detached.
//
// Run against another mount(8) (to check the expectations against util-linux itself):
//   node test/hardening/bad-input-lib.js --mount /path/to/mount --umount /path/to/umount [NAME…]
// ("mount:"/"umount:" in its output are compared as "tsmount:"/"tsumount:").
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'fixtures', 'bad-input', 'cases.json');
const BIN = { tsmount: path.join(ROOT, 'bin', 'tsmount.js'), tsumount: path.join(ROOT, 'bin', 'tsumount.js') };

function loadCorpus(file = CORPUS) {
  const cases = JSON.parse(fs.readFileSync(file, 'utf8'));
  const names = new Set();
  for (const c of cases) {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(c.name) || names.has(c.name)) throw new Error(`bad or repeated case name ${c.name}`);
    names.add(c.name);
    if (!['tsmount', 'tsumount'].includes(c.prog)) throw new Error(`${c.name}: prog must be tsmount or tsumount`);
    if (!Array.isArray(c.args) || !Number.isInteger(c.expectRc) || !Array.isArray(c.expectStderr)) throw new Error(`${c.name}: args, expectRc, expectStderr required`);
  }
  return cases;
}

/** "\xHH" escapes → bytes (latin1 string, which is how the runner passes bytes through). */
function bytesOf(s) {
  return Buffer.from(s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
}

/** One argv element as bytes. */
function argBytes(a, W) {
  const sub = (s) => s.split('$W').join(W);
  if (typeof a === 'string') return Buffer.from(sub(a), 'utf8');
  if (a && a.repeat) return Buffer.from(sub(a.prefix ?? '') + String(a.repeat[0]).repeat(a.repeat[1]) + sub(a.suffix ?? ''), 'utf8');
  if (a && typeof a.x === 'string') return bytesOf(sub(a.x)); // ASCII and \xHH only
  throw new Error(`bad argument ${JSON.stringify(a)}`);
}

/** The bash script that runs inside the namespace ($1 = scratch root, $2 = results dir, $3 = node). */
const NS_SCRIPT = fs.readFileSync(path.join(__dirname, 'bad-input-ns.sh'), 'utf8');

/**
 * Run cases in one namespace. `cmds` maps prog → command words (default: node + bin/ts*.js).
 * Returns {root, results: {name: {rc, stdout, stderr, mounts, setupRc, setupOut}}, status, stderr}.
 */
function runBatch(cases, { cmds } = {}) {
  const root = fs.mkdtempSync('/tmp/tsbad.');
  const res = fs.mkdtempSync(path.join(os.tmpdir(), 'tsbad-res.'));
  try {
    cases.forEach((c, i) => {
      const dir = path.join(res, 'cases', String(i).padStart(3, '0'));
      fs.mkdirSync(dir, { recursive: true });
      const W = path.join(root, c.name);
      fs.writeFileSync(path.join(dir, 'name'), c.name);
      fs.writeFileSync(path.join(dir, 'W'), W);
      const words = (cmds && cmds[c.prog]) || [process.execPath, BIN[c.prog]];
      fs.writeFileSync(path.join(dir, 'cmd'), words.join(' '));
      fs.writeFileSync(path.join(dir, 'args'), Buffer.concat(c.args.flatMap((a) => [argBytes(a, W), Buffer.from([0])])));
      fs.writeFileSync(path.join(dir, 'env'), Object.entries(c.env || {}).map(([k, v]) => `${k}=${v}\0`).join(''));
      const sub = (s) => s.split('$W').join(W);
      if (c.fstab !== undefined) fs.writeFileSync(path.join(dir, 'fstab'), sub(c.fstab));
      if (c.fstabBase64 !== undefined) fs.writeFileSync(path.join(dir, 'fstab'), Buffer.from(Buffer.from(c.fstabBase64, 'base64').toString('latin1').split('$W').join(W), 'latin1'));
      if (c.etcFstab !== undefined) fs.writeFileSync(path.join(dir, 'etcfstab'), sub(c.etcFstab));
      if (c.setup !== undefined) fs.writeFileSync(path.join(dir, 'setup.sh'), c.setup);
    });
    const p = spawnSync('unshare', ['-m', '-p', '-f', '--kill-child', '--propagation', 'private', '--mount-proc',
      'bash', '-c', NS_SCRIPT, 'tsbad', root, res, process.execPath], {
      env: { ...process.env, PARENT_NS: fs.readlinkSync('/proc/self/ns/mnt') },
      encoding: 'utf8',
      timeout: 600_000,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let results = {};
    try {
      results = JSON.parse(p.stdout);
    } catch {
      throw new Error(`bad-input namespace run failed (status ${p.status}, signal ${p.signal}): ${p.error ?? ''}\n${p.stderr}`);
    }
    return { root, results, status: p.status, stderr: p.stderr };
  } finally {
    fs.rmSync(res, { recursive: true, force: true });
    try {
      fs.rmdirSync(root);
    } catch {
      /* still mounted? then the namespace is gone anyway: the dir is left empty */
    }
  }
}

function lines(text) {
  if (!text) return [];
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** Compare one result with its case: a list of problems (empty when it matches). */
function judge(c, r, root, { normaliseProg = false } = {}) {
  const W = path.join(root, c.name);
  const norm = (s) => {
    let x = s.split(W).join('$W');
    if (normaliseProg) {
      x = x.replace(/^\/\S*\/(u?mount):/, '$1:').replace(/^mount(:| warning| info)/, 'tsmount$1').replace(/^umount:/, 'tsumount:')
        .replace(/Try 'mount --help'/, "Try 'tsmount --help'").replace(/Try 'umount --help'/, "Try 'tsumount --help'");
    }
    return x;
  };
  const problems = [];
  if (!r) return ['no result (the runner did not get to this case)'];
  if (r.setupRc !== undefined && r.setupRc !== 0) problems.push(`setup failed (rc ${r.setupRc}): ${r.setupOut}`);
  const err = lines(r.stderr).map(norm);
  const out = lines(r.stdout).map(norm);
  const mounts = lines(r.mounts).map((m) => norm(m.replace(/\\([0-7]{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)))));
  const eq = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  // an expected line may be {prefix, repeat: [TEXT, N], suffix} (very long paths)
  const expand = (l) => (typeof l === 'string' ? l : (l.prefix ?? '') + String(l.repeat[0]).repeat(l.repeat[1]) + (l.suffix ?? ''));
  c = { ...c, expectStderr: c.expectStderr.map(expand), expectStdout: c.expectStdout && c.expectStdout.map(expand) };
  if (r.rc !== c.expectRc) problems.push(`rc ${r.rc}, expected ${c.expectRc}`);
  if (!eq(err, c.expectStderr)) problems.push(`stderr ${JSON.stringify(err)}, expected ${JSON.stringify(c.expectStderr)}`);
  if (!eq(out, c.expectStdout ?? [])) problems.push(`stdout ${JSON.stringify(out)}, expected ${JSON.stringify(c.expectStdout ?? [])}`);
  if (!eq(mounts, c.expectMounts ?? [])) problems.push(`mounts left ${JSON.stringify(mounts)}, expected ${JSON.stringify(c.expectMounts ?? [])}`);
  const trace = err.filter((l) => /^ {4}at /.test(l) || /TypeError|RangeError|ReferenceError|SyntaxError|\bError:/.test(l));
  if (trace.length) problems.push(`stack trace or raw error on stderr: ${JSON.stringify(trace)}`);
  return problems;
}

module.exports = { loadCorpus, runBatch, judge, lines, CORPUS };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const cmds = {};
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--mount') cmds.tsmount = [argv[++i]];
    else if (argv[i] === '--umount') cmds.tsumount = [argv[++i]];
    else if (argv[i] === '--json') cmds.json = true;
    else only.push(argv[i]);
  }
  const json = cmds.json;
  delete cmds.json;
  const cases = loadCorpus().filter((c) => !only.length || only.includes(c.name));
  const { root, results } = runBatch(cases, { cmds });
  const ref = Object.keys(cmds).length > 0;
  let bad = 0;
  for (const c of cases) {
    const problems = judge(c, results[c.name], root, { normaliseProg: ref });
    if (problems.length) bad++;
    if (json) continue;
    console.log(`${problems.length ? 'DIFF' : 'ok  '} ${c.name}${c.knownBug ? ' [knownBug]' : ''}`);
    for (const p of problems) console.log(`     ${p}`);
  }
  if (json) console.log(JSON.stringify(Object.fromEntries(cases.map((c) => [c.name, results[c.name]])), null, 1).split(root).join('$ROOT'));
  else console.log(`${cases.length - bad} match, ${bad} differ`);
}
