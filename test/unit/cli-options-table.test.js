'use strict';
// The option tables of tsmount and tsumount (src/cli/options-*.ts) against util-linux 2.42.2's
// mount.c / umount.c (longopts[] order, optstring, excl[]), and everything derived from them:
// --help (byte for byte) and the bash completion (docs/completion/tsmount.bash, the generator's output).
const test = require('./ava');
const fs = require('fs');
const path = require('path');
const { MOUNT } = require('../../dist/cli/options-mount');
const { UMOUNT } = require('../../dist/cli/options-umount');
const { mountHelpPage } = require('../../dist/cli/options-mount');
const { umountHelpPage } = require('../../dist/cli/options-umount');
const { mountUsage, umountUsage, optionHelpLine } = require('../../dist/cli/usage');
const { keyOf } = require('../../dist/cli/optspec');
const { completionScript } = require('../../dist/cli/completion');

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * A command's table seen through its common shape (rows as plain strings).
 * @typedef {import('../../dist/cli/optspec').CommandSpec<import('../../dist/cli/optspec').OptionSpec<string>, string>} AnySpec
 */
/** @type {{ name: string, spec: AnySpec, [k: string]: any }[]} */
const COMMANDS = [
  {
    name: 'tsmount',
    spec: MOUNT,
    page: mountHelpPage,
    usage: mountUsage,
    // sys-utils/mount.c (v2.42.2): getopt_long's optstring and longopts[] names, in order
    optstring: 'aBcfFhilL:m::Mno:O:rRsU:vVwt:T:N:',
    longopts: ['all', 'beneath', 'exclusive', 'fake', 'fstab', 'fork', 'help', 'no-mtab', 'read-only', 'ro', 'verbose',
      'version', 'read-write', 'rw', 'options', 'test-opts', 'types', 'uuid', 'label', 'bind', 'move', 'rbind', 'make-shared',
      'make-slave', 'make-private', 'make-unbindable', 'make-rshared', 'make-rslave', 'make-rprivate', 'make-runbindable',
      'map-groups', 'map-users', 'mkdir', 'no-canonicalize', 'internal-only', 'show-labels', 'target', 'target-prefix',
      'source', 'onlyonce', 'options-mode', 'options-source', 'options-source-force', 'namespace'],
    own: ['output', 'dry-run', 'json', 'list', 'id', 'uniq-id', 'poll', 'first-only', 'timeout', 'wait'],
    // excl[] as util-linux declares it (by key)
    excl: [['B', 'M', 'R'], ['L', 'U', 'source']],
  },
  {
    name: 'tsumount',
    spec: UMOUNT,
    page: umountHelpPage,
    usage: umountUsage,
    // sys-utils/umount.c (v2.42.2), plus -g as util-linux master added it (after 2.42); --graceful is
    // marked own, so that every long option 2.42 reads (and its ambiguity messages) stays as 2.42 has it
    optstring: 'aAcdfghilnqRrO:t:vVN:',
    longopts: ['all', 'all-targets', 'detach-loop', 'fake', 'force', 'help', 'internal-only', 'lazy', 'no-canonicalize',
      'no-mtab', 'quiet', 'read-only', 'recursive', 'test-opts', 'types', 'verbose', 'version', 'namespace'],
    own: ['graceful', 'id', 'uniq-id'],
    // { 'O','R','t' } without -O: err_exclusive_options() never reaches -O in umount.c's unsorted rows
    excl: [['A', 'a'], ['R', 'a'], ['R', 't'], ['R', 'r']],
  },
];

function optstring(spec) {
  return new Map(spec.options.filter((o) => o.short).map((o) => [o.short, o.arg]));
}

function parseOptstring(s) {
  const m = new Map();
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    let arg = 'none';
    if (s[i + 1] === ':') {
      arg = s[i + 2] === ':' ? 'optional' : 'required';
      i += arg === 'optional' ? 2 : 1;
    }
    m.set(c, arg);
  }
  return m;
}

for (const c of COMMANDS) {
  test(`${c.name}: no short letter, long name or key is declared twice`, (t) => {
    const shorts = c.spec.options.filter((o) => o.short).map((o) => o.short);
    const longs = c.spec.options.flatMap((o) => o.long);
    const keys = c.spec.options.map(keyOf);
    t.is(new Set(shorts).size, shorts.length);
    t.is(new Set(longs).size, longs.length);
    t.is(new Set(keys).size, keys.length);
    for (const o of c.spec.options) t.true(o.short !== undefined || o.long.length > 0);
  });

  test(`${c.name}: long names in util-linux's longopts[] order, then tsmount's own`, (t) => {
    t.deepEqual(c.spec.options.flatMap((o) => o.long), [...c.longopts, ...c.own]);
  });

  test(`${c.name}: tsmount's own options are marked own; -h and -V (usage(), print_version()) end the parse`, (t) => {
    t.deepEqual(c.spec.options.filter((o) => o.own).flatMap((o) => o.long), c.own);
    t.deepEqual(c.spec.options.filter((o) => o.exits).map(keyOf), ['h', 'V']);
  });

  test(`${c.name}: short letters and their argument kinds are util-linux's optstring`, (t) => {
    t.deepEqual([...optstring(c.spec)].sort(), [...parseOptstring(c.optstring)].sort());
  });

  test(`${c.name}: exclusive rows are util-linux's excl[], each member exists`, (t) => {
    const rows = c.spec.exclusive.map((row) => c.spec.options.filter((o) => (o.exclusive ?? []).includes(row)).map(keyOf).sort());
    t.deepEqual(rows, c.excl.map((r) => [...r].sort()));
    for (const o of c.spec.options) for (const row of o.exclusive ?? []) t.true(c.spec.exclusive.includes(row), `${keyOf(o)}: ${row}`);
  });

  test(`${c.name}: minimist keys are safe to write as --KEY (no "no-" prefix, no dot)`, (t) => {
    for (const o of c.spec.options) t.false(/^no-|\./.test(keyOf(o)), keyOf(o));
  });

  test(`${c.name}: --help names every option once, with its short letter and a long name`, (t) => {
    const named = c.page('x').filter((l) => typeof l !== 'string').map((l) => l.option);
    t.deepEqual([...named].sort(), c.spec.options.map(keyOf).sort());
    for (const o of c.spec.options) {
      const line = optionHelpLine(o);
      if (o.short) t.true(line.startsWith(` -${o.short}`), line);
      if (o.long.length) t.true(line.includes(`--${(o.help.names ?? o.long)[0]}`), line);
      t.true(line.includes(o.help.text), line);
    }
  });

  test(`${c.name}: --help is byte for byte what it was (util-linux's layout)`, (t) => {
    const golden = fs.readFileSync(path.join(__dirname, 'fixtures', `${c.name}-help.txt`), 'utf8');
    t.is(`${c.usage(c.name)}\n`, golden);
  });
}

test('docs/completion/tsmount.bash is the generator\'s output (after a change of a table: npm run build && npm run completion)', (t) => {
  const committed = fs.readFileSync(path.join(ROOT, 'docs', 'completion', 'tsmount.bash'), 'utf8');
  t.is(committed, completionScript());
});

test('the completion generator offers a new option, and refuses one with a value it has no completion for', (t) => {
  const umount = UMOUNT.options;
  /** @type {import('../../dist/cli/optspec').OptionSpec} */
  const flag = { long: ['new-flag'], arg: 'none', help: { text: 'x' } };
  /** @type {import('../../dist/cli/optspec').OptionSpec} */
  const valued = { short: 'Z', long: ['new-value'], arg: 'required', help: { value: '<x>', text: 'x' } };
  t.not(completionScript({ mount: MOUNT.options, umount: [...umount, flag] }), completionScript());
  t.regex(completionScript({ mount: MOUNT.options, umount: [...umount, flag] }), /\n_tsumount\(\) \{\n(?:.*\n)*?    local opts='[^']* --new-flag'\n/);
  t.throws(() => completionScript({ mount: [...MOUNT.options, valued], umount }), { message: /tsmount: -Z, --new-value takes a value/ });
});
