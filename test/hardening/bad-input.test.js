'use strict';
// The bad-input corpus (fixtures/bad-input/cases.json): broken fstab files, odd paths, absurd
// option values and conflicting command lines, each with util-linux 2.42.2's exact messages and
// exit code. All cases run in ONE private mount namespace (see bad-input-lib.js). Cases where
// tsmount is known to differ from util-linux ("knownBug") run as test.failing.
const test = require('ava');
const { spawnSync } = require('child_process');
const { loadCorpus, runBatch, judge, lines } = require('./bad-input-lib');

const cases = loadCorpus();
let run;

test.before(() => {
  run = runBatch(cases);
});

test('the corpus has at least 60 cases, each with exact expectations', (t) => {
  t.true(cases.length >= 60, `${cases.length} cases`);
  for (const c of cases) t.true(Array.isArray(c.expectStderr) && Number.isInteger(c.expectRc), c.name);
});

for (const c of cases) {
  const title = `${c.prog} ${c.name}${c.knownBug ? ' (known bug)' : ''}`;
  (c.knownBug ? test.failing : test)(title, (t) => {
    const r = run.results[c.name];
    const problems = judge(c, r, run.root);
    if (problems.length && !c.knownBug) {
      t.log(`args: ${JSON.stringify(c.args)}`);
      if (c.note) t.log(`note: ${c.note}`);
      if (r) t.log(`stderr:\n${r.stderr}`);
    }
    t.deepEqual(problems, []);
  });
}

test('no stderr line of any case is a stack trace', (t) => {
  for (const c of cases) {
    const r = run.results[c.name];
    if (!r) continue;
    for (const l of lines(r.stderr)) {
      t.false(/^ {4}at /.test(l), `${c.name}: ${l}`);
      t.false(/TypeError|RangeError|ReferenceError|SyntaxError|\bError:/.test(l), `${c.name}: ${l}`);
    }
  }
});

test('no loop device backed by the scratch dir is left attached', (t) => {
  const p = spawnSync('losetup', ['-n', '-O', 'NAME,BACK-FILE', '-l'], { encoding: 'utf8' });
  const leaked = lines(p.stdout || '').filter((l) => l.includes(`${run.root}/`));
  for (const l of leaked) spawnSync('losetup', ['-d', l.trim().split(/\s+/)[0]]);
  t.deepEqual(leaked, []);
});
