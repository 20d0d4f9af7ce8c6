// Runs a scenario script from test/integration/scenarios in a mount namespace of its own:
//   unshare -m --propagation private node -r helpers/in-namespace.js scenarios/NAME.js ARGS…
// in its own process group (so a timeout kills exactly the processes this run started), with
// a fresh scratch directory that in-namespace.js covers with a tmpfs. The scenario prints one
// JSON document on stdout; it is returned parsed as `result`.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const PRELOAD = path.join(__dirname, 'in-namespace.js');
const SCENARIOS = path.join(__dirname, '..', 'scenarios');

/** Why mount tests cannot run here, or undefined when they can. */
function cannotMount() {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root';
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore', timeout: 10000 });
  if (probe.status !== 0) return 'unshare -m is not available';
  return undefined;
}

function runScenario(name, args = [], { timeoutMs = 60000 } = {}) {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-it-'));
  const env = { ...process.env, TSMOUNT_SCRATCH: scratch };
  delete env.TSMOUNT_FAULT;
  const child = spawn('unshare', ['-m', '--propagation', 'private', process.execPath, '-r', PRELOAD,
    path.join(SCENARIOS, `${name}.js`), ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the process group this run created
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // The tmpfs lived in the namespace, which is gone: the directory is empty again.
      fs.rmSync(scratch, { recursive: true, force: true });
      let result;
      try {
        result = JSON.parse(stdout);
      } catch {
        result = undefined;
      }
      resolve({ code, signal, timedOut, stdout, stderr, result });
    });
  });
}

/** Lines of /proc/self/mountinfo in this (the test's) namespace that mention `needle`. */
function hostMountsMatching(needle) {
  return fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(needle));
}

module.exports = { runScenario, cannotMount, hostMountsMatching, SCENARIOS };
