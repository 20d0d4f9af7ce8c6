'use strict';
// The command-line parse (src/cli/getopt.ts, src/cli/args.ts) from the option tables: glibc
// getopt_long's reading (prefixes, groups, attached values, permutation, "--") and error texts,
// minimist's record, the order of the options, util-linux's exclusive options.
const test = require('./ava');
const { ArgError, OptionError, parseArgs, parseCommandLine, minimistOptions, helpOrVersion } = require('../../dist/cli/args');
const { MOUNT, optionSequence } = require('../../dist/cli/options-mount');
const { UMOUNT } = require('../../dist/cli/options-umount');

/** @typedef {import('../../dist/cli/optspec').CommandSpec<import('../../dist/cli/optspec').OptionSpec>} AnySpec */

/** @param {string[]} argv @param {AnySpec} [spec] */
const parse = (argv, spec = MOUNT) => parseArgs(argv, spec);

/**
 * What parseCommandLine prints for argv (undefined: it parsed); the exit code is 1.
 * @param {string[]} argv @param {AnySpec} [spec] @param {string} [prog] @param {import('../../dist/cli/args').OptionReached} [reached]
 */
function failure(argv, spec = MOUNT, prog = 'mount', reached = undefined) {
  const lines = [];
  const r = parseCommandLine(prog, argv, spec, (l) => lines.push(...l), reached);
  if (typeof r !== 'number') return undefined;
  if (r !== 1) throw new Error(`exit code ${r}`);
  return lines;
}

const TRY = "Try 'mount --help' for more information.";
const UTRY = "Try 'umount --help' for more information.";

test('a long option by an unambiguous prefix', (t) => {
  t.deepEqual(parse(['--bin', 'a', 'b']).ordered, [{ key: 'B' }]);
  t.deepEqual(parse(['--read-o']).ordered, [{ key: 'r' }]);
  t.deepEqual(parse(['--lab', 'x']).ordered, [{ key: 'L', value: 'x' }]);
  t.deepEqual(parse(['--options-source-f']).ordered, [{ key: 'options-source-force' }]);
  t.deepEqual(parse(['--all-t'], UMOUNT).ordered, [{ key: 'A' }]);
});

test('an exact long name wins over the longer names it starts', (t) => {
  t.deepEqual(parse(['--options', 'ro']).ordered, [{ key: 'o', value: 'ro' }]);
  t.deepEqual(parse(['--target', '/m']).ordered, [{ key: 'target', value: '/m' }]);
  t.deepEqual(parse(['--ro', '--rw']).ordered, [{ key: 'r' }, { key: 'w' }]);
  t.deepEqual(parse(['--all'], UMOUNT).ordered, [{ key: 'a' }]);
});

test('unrecognized option', (t) => {
  t.deepEqual(failure(['--foo']), ["mount: unrecognized option '--foo'", TRY]);
  t.deepEqual(failure(['/m', '--bogus=1']), ["mount: unrecognized option '--bogus=1'", TRY], "glibc quotes the word, '=VALUE' included");
  t.deepEqual(failure(['---x']), ["mount: unrecognized option '---x'", TRY]);
  t.deepEqual(failure(['--json'], UMOUNT, 'umount'), ["umount: unrecognized option '--json'", UTRY]);
});

test("ambiguous prefix: the candidates in longopts[] order, synonyms of the first one left out", (t) => {
  t.deepEqual(failure(['--r']), [
    "mount: option '--r' is ambiguous; possibilities: '--read-only' '--read-write' '--rw' '--rbind'", TRY]);
  t.deepEqual(failure(['--ma']), [
    "mount: option '--ma' is ambiguous; possibilities: '--make-shared' '--make-slave' '--make-private' '--make-unbindable'"
    + " '--make-rshared' '--make-rslave' '--make-rprivate' '--make-runbindable' '--map-groups' '--map-users'", TRY]);
  t.deepEqual(failure(['--s']), ["mount: option '--s' is ambiguous; possibilities: '--show-labels' '--source'", TRY]);
  t.deepEqual(failure(['--o']), ["mount: option '--o' is ambiguous; possibilities: '--options' '--onlyonce' '--options-mode'"
    + " '--options-source' '--options-source-force'", TRY], "util-linux's options only (tsmount's --output is not one of them)");
  t.deepEqual(failure(['--n'], UMOUNT, 'umount'), [
    "umount: option '--n' is ambiguous; possibilities: '--no-canonicalize' '--no-mtab' '--namespace'", UTRY]);
  t.deepEqual(failure(['--re'], UMOUNT, 'umount'), [
    "umount: option '--re' is ambiguous; possibilities: '--read-only' '--recursive'", UTRY]);
});

test('missing argument: short and long texts', (t) => {
  t.deepEqual(failure(['-t', 'tmpfs', 'none', '/m', '-o']), ["mount: option requires an argument -- 'o'", TRY]);
  t.deepEqual(failure(['-fL']), ["mount: option requires an argument -- 'L'", TRY]);
  t.deepEqual(failure(['--lab']), ["mount: option '--label' requires an argument", TRY]);
  t.deepEqual(failure(['-t'], UMOUNT, 'umount'), ["umount: option requires an argument -- 't'", UTRY]);
});

test('invalid short option', (t) => {
  t.deepEqual(failure(['-q']), ["mount: invalid option -- 'q'", TRY]);
  t.deepEqual(failure(['-fZv']), ["mount: invalid option -- 'Z'", TRY]);
  t.deepEqual(failure(['-s'], UMOUNT, 'umount'), ["umount: invalid option -- 's'", UTRY]);
});

test("a value given to a long option that takes none", (t) => {
  t.deepEqual(failure(['--bind=x']), ["mount: option '--bind' doesn't allow an argument", TRY]);
  t.deepEqual(failure(['--bi=x']), ["mount: option '--bind' doesn't allow an argument", TRY]);
  t.deepEqual(failure(['--fake=1'], UMOUNT, 'umount'), ["umount: option '--fake' doesn't allow an argument", UTRY]);
});

test('options and arguments mixed (permutation); "--" ends the options', (t) => {
  const p = parse(['/src', '-t', 'tmpfs', '/dst', '-v']);
  t.deepEqual(p.positional, ['/src', '/dst']);
  t.deepEqual(p.ordered, [{ key: 't', value: 'tmpfs' }, { key: 'v' }]);
  const q = parse(['-v', '--', '-t', 'x', '--', '-']);
  t.deepEqual(q.ordered, [{ key: 'v' }]);
  t.deepEqual(q.positional, ['-t', 'x', '--', '-']);
  t.deepEqual(parse(['-', '/m']).positional, ['-', '/m']);
});

test('with POSIXLY_CORRECT (glibc), the first argument ends the options', (t) => {
  const { getopt } = require('../../dist/cli/getopt');
  t.deepEqual(getopt(['-v', '/m', '-h', '--bogus'], MOUNT.options, undefined, true),
    { ordered: [{ key: 'v' }], positional: ['/m', '-h', '--bogus'] });
  t.deepEqual(getopt(['-v', '/m', '-r'], MOUNT.options, undefined, false).ordered, [{ key: 'v' }, { key: 'r' }]);
});

test('values: attached, separate, after "=", starting with "-"', (t) => {
  t.deepEqual(parse(['-oro']).ordered, [{ key: 'o', value: 'ro' }]);
  t.deepEqual(parse(['-fvotmpfs']).ordered, [{ key: 'f' }, { key: 'v' }, { key: 'o', value: 'tmpfs' }]);
  t.deepEqual(parse(['-o', '-x']).ordered, [{ key: 'o', value: '-x' }]);
  t.deepEqual(parse(['--options', '--bind']).ordered, [{ key: 'o', value: '--bind' }]);
  t.deepEqual(parse(['--options=a=b,c']).ordered, [{ key: 'o', value: 'a=b,c' }]);
  t.deepEqual(parse(['-o=ro']).ordered, [{ key: 'o', value: '=ro' }]);
});

test('an optional value is attached or absent, never the next argument', (t) => {
  const sep = parse(['-m', '0755']);
  t.deepEqual(sep.ordered, [{ key: 'm', value: undefined }]);
  t.deepEqual(sep.positional, ['0755']);
  t.deepEqual(parse(['-m0755']).ordered, [{ key: 'm', value: '0755' }]);
  t.deepEqual(parse(['--mkdir=0700']).ordered, [{ key: 'm', value: '0700' }]);
  t.deepEqual(parse(['--mkdir', '0700']).positional, ['0700']);
});

test('order-sensitive options become mount options in command-line order', (t) => {
  const p = parse(['-o', 'noexec', '-r', '--make-shared', '/m', '-w', '--rbind', '-o', 'nosuid', '--make-rprivate', '-m0700']);
  t.deepEqual(optionSequence(p.ordered), ['noexec', 'ro', 'shared', 'rw', 'rbind', 'nosuid', 'rprivate', 'X-mount.mkdir=0700']);
  t.deepEqual(optionSequence(parse(['--ro', '--read-write', '-M', '-m']).ordered), ['ro', 'rw', 'move', 'X-mount.mkdir']);
  t.deepEqual(optionSequence(parse(['--map-users', '0:1000:1', '--map-groups', '0:2000:1']).ordered),
    ['X-mount.idmap=u:0:1000:1 g:0:2000:1']);
  t.deepEqual(optionSequence(parse(['--map-users', '/proc/1/ns/user']).ordered), ['X-mount.idmap=/proc/1/ns/user']);
  // mount.c drops one '=' in front of these values
  t.deepEqual(optionSequence(parse(['-m=0700', '--mkdir==0755', '-m=', '--map-users==0:1:1', '--map-groups', '=0:2:1']).ordered),
    ['X-mount.mkdir=0700', 'X-mount.mkdir=0755', 'X-mount.mkdir', 'X-mount.idmap=u:0:1:1 g:0:2:1']);
});

test("exclusive options: util-linux's message, without the --help line", (t) => {
  t.deepEqual(failure(['--bind', '--move', 'a', 'b']), ['mount: options --bind and --move cannot be combined']);
  t.deepEqual(failure(['-MB', 'a', 'b']), ['mount: options --move and --bind cannot be combined']);
  t.deepEqual(failure(['--rb', '-B', '--rbind']), ['mount: options --rbind and --bind cannot be combined']);
  t.deepEqual(failure(['-L', 'x', '--source', 'y']), ['mount: options --label and --source cannot be combined']);
  t.deepEqual(failure(['-U', 'u', '-L', 'x']), ['mount: options --uuid and --label cannot be combined']);
  t.is(failure(['-B', '-B', 'a', 'b']), undefined, 'one option twice is no conflict');
  t.is(failure(['-B', '-L', 'x', 'a']), undefined, 'members of two rows');
  t.deepEqual(failure(['-A', '-a'], UMOUNT, 'umount'), ['umount: options --all-targets and --all cannot be combined']);
  t.deepEqual(failure(['-a', '-R'], UMOUNT, 'umount'), ['umount: options --all and --recursive cannot be combined']);
  t.deepEqual(failure(['-t', 'x', '-R', '/m'], UMOUNT, 'umount'), ['umount: options --types and --recursive cannot be combined']);
  t.deepEqual(failure(['-Rr', '/m'], UMOUNT, 'umount'), ['umount: options --recursive and --read-only cannot be combined']);
  t.is(failure(['-O', 'x', '-R', '/m'], UMOUNT, 'umount'), undefined, "-O with -R: util-linux's check never sees -O");
});

test("minimist's record: by key and long names, strings stay strings, repeated values in order", (t) => {
  const p = parse(['-t', '123', '--no-mtab', '-o', 'a', '--options=b', '--bind', 'true', '456']);
  t.is(p.opts.t, '123');
  t.is(p.opts.types, '123');
  t.deepEqual(p.opts.o, ['a', 'b']);
  t.deepEqual(p.opts.options, ['a', 'b']);
  t.is(p.opts.n, true);
  t.is(p.opts['no-mtab'], true);
  t.is(p.opts.mtab, undefined, '--no-mtab is an option of its own, not "mtab" negated');
  t.is(p.opts.B, true);
  t.is(p.opts.R, false, 'flags not given are false');
  t.deepEqual(p.positional, ['true', '456'], 'an argument after a flag stays an argument, numbers stay strings');
  t.is(parse(['--mkdir']).opts.m, '');
});

test('minimist is configured from the table', (t) => {
  const o = minimistOptions(MOUNT.options);
  // minimist's Opts types these as string | string[] | boolean; the table always gives lists.
  o.string = /** @type {string[]} */ (o.string);
  o.boolean = /** @type {string[]} */ (o.boolean);
  t.true(o.string.includes('o') && o.string.includes('m') && o.string.includes('source'));
  t.true(o.boolean.includes('B') && o.boolean.includes('make-shared') && o.boolean.includes('s'));
  t.deepEqual(o.alias.r, ['read-only', 'ro']);
  t.deepEqual(o.alias.w, ['read-write', 'rw']);
  t.is(o.alias.source, undefined);
  t.is(o.alias.s, undefined);
});

// util-linux's getopt loop acts on each option as it reaches it: -h and -V print and exit there,
// an excl[] conflict is reported at its second option, the command's checks of values run there;
// whichever comes first on the command line is what happens (checked against util-linux 2.42.2).
test('-h and -V act when getopt reaches them: what follows is not read, an error before them is still one', (t) => {
  t.is(failure(['-h', '--bogus']), undefined);
  t.is(failure(['-V', '--label']), undefined);
  t.is(failure(['-ah', '-Z']), undefined, 'in a group too');
  t.is(failure(['-h', '-B', '-M']), undefined);
  t.is(failure(['-h', '-a', '-R'], UMOUNT, 'umount'), undefined);
  t.deepEqual(failure(['--bogus', '-h']), ["mount: unrecognized option '--bogus'", TRY]);
  t.deepEqual(failure(['-B', '-M', '-h']), ['mount: options --bind and --move cannot be combined']);
  t.deepEqual(failure(['-x', '-h'], UMOUNT, 'umount'), ["umount: invalid option -- 'x'", UTRY]);
  t.deepEqual(parse(['-h', '--bogus', 'a']).ordered, [{ key: 'h' }], 'the parse ends at -h');
  t.deepEqual(parse(['-v', '--', '-h']).ordered, [{ key: 'v' }], 'after "--" -h is an argument');
  /** @param {string[]} argv @param {AnySpec} [spec] */
  const shown = (argv, spec = MOUNT) => {
    const lines = [];
    const code = helpOrVersion(parse(argv, spec).ordered, () => 'usage', () => 'version', (l) => lines.push(...l));
    return [code, ...lines];
  };
  t.deepEqual(shown(['-Vh']), [0, 'version'], 'the first of -V and -h wins');
  t.deepEqual(shown(['-hV']), [0, 'usage']);
  t.deepEqual(shown(['--version', '--help']), [0, 'version']);
  t.deepEqual(shown(['--vers', '--he'], UMOUNT), [0, 'version']);
  t.deepEqual(shown(['-v', '/m']), [undefined]);
});

test("glibc's unrecognized/ambiguous texts keep the '=VALUE' given; 'doesn't allow' names the option", (t) => {
  t.deepEqual(failure(['--foo=bar']), ["mount: unrecognized option '--foo=bar'", TRY]);
  t.deepEqual(failure(['--foo=']), ["mount: unrecognized option '--foo='", TRY]);
  t.deepEqual(failure(['--opt=ro']), [
    "mount: option '--opt=ro' is ambiguous; possibilities: '--options' '--options-mode' '--options-source' '--options-source-force'", TRY]);
  t.deepEqual(failure(['--r=x']), [
    "mount: option '--r=x' is ambiguous; possibilities: '--read-only' '--read-write' '--rw' '--rbind'", TRY]);
  t.deepEqual(failure(['--re=x'], UMOUNT, 'umount'), [
    "umount: option '--re=x' is ambiguous; possibilities: '--read-only' '--recursive'", UTRY]);
  t.deepEqual(failure(['--='], UMOUNT, 'umount'), [
    "umount: option '--=' is ambiguous; possibilities: '--all' '--all-targets' '--detach-loop' '--fake' '--force' '--help'"
    + " '--internal-only' '--lazy' '--no-canonicalize' '--no-mtab' '--quiet' '--read-only' '--recursive' '--test-opts'"
    + " '--types' '--verbose' '--version' '--namespace'", UTRY]);
  t.deepEqual(failure(['--bind=x']), ["mount: option '--bind' doesn't allow an argument", TRY]);
  t.deepEqual(failure(['--help=1']), ["mount: option '--help' doesn't allow an argument", TRY]);
});

test("tsmount's own long options: an abbreviation names one only when it abbreviates none of util-linux's", (t) => {
  t.deepEqual(parse(['--l', 'x']).ordered, [{ key: 'L', value: 'x' }], "--l is util-linux's --label, not ambiguous with --list");
  t.deepEqual(parse(['--li']).ordered, [{ key: 'list' }]);
  t.deepEqual(parse(['--ou', 'x']).ordered, [{ key: 'output', value: 'x' }]);
  t.deepEqual(parse(['--j', '--d']).ordered, [{ key: 'json' }, { key: 'dry-run' }]);
  t.deepEqual(parse(['--json', '--list']).ordered, [{ key: 'json' }, { key: 'list' }]);
});

test('an invalid short option that is not ASCII is named by its first byte, as glibc reads argv', (t) => {
  t.deepEqual(failure(['-\u00e9']), ["mount: invalid option -- '\udcc3'", TRY]);
  t.deepEqual(failure(['-v\u{1F600}']), ["mount: invalid option -- '\udcf0'", TRY]);
});

test('an exclusive pair is reported when its second option is reached', (t) => {
  t.deepEqual(failure(['-B', '-M', '--foo']), ['mount: options --bind and --move cannot be combined']);
  t.deepEqual(failure(['--source', 's', '-L', 'x', '--bogus']), ['mount: options --source and --label cannot be combined']);
  t.deepEqual(failure(['-L', 'x', '-B', '-U', 'y', '-M']), ['mount: options --label and --uuid cannot be combined']);
  t.deepEqual(failure(['-R', '-t', 'x', '-a'], UMOUNT, 'umount'), ['umount: options --recursive and --types cannot be combined']);
  t.deepEqual(failure(['-r', '-R', '-a'], UMOUNT, 'umount'), ['umount: options --read-only and --recursive cannot be combined']);
  t.deepEqual(failure(['-R', '-a', '--foo'], UMOUNT, 'umount'), ['umount: options --recursive and --all cannot be combined']);
  t.deepEqual(failure(['--foo', '-B', '-M']), ["mount: unrecognized option '--foo'", TRY]);
});

test("the command's check of an option runs when getopt reaches it, after the excl[] check", (t) => {
  const seen = [];
  const reached = (o) => {
    seen.push(o.key);
    if (o.key === 'o' && o.value === 'bad') throw new ArgError('bad usage');
    if (o.key === 'N') throw new OptionError('no namespace', 2);
  };
  t.deepEqual(failure(['-o', 'bad', '-h'], MOUNT, 'mount', reached), ['mount: bad usage', TRY]);
  t.deepEqual(failure(['-o', 'ok', '--bogus', '-o', 'bad'], MOUNT, 'mount', reached), ["mount: unrecognized option '--bogus'", TRY]);
  t.is(failure(['-h', '-o', 'bad'], MOUNT, 'mount', reached), undefined);
  t.deepEqual(failure(['-B', '-M', '-o', 'bad'], MOUNT, 'mount', reached), ['mount: options --bind and --move cannot be combined']);
  const lines = [];
  t.is(parseCommandLine('umount', ['-v', '-N', 'x', '-h'], UMOUNT, (l) => lines.push(...l), reached), 2, "an OptionError's exit code");
  t.deepEqual(lines, ['umount: no namespace'], 'and its text alone');
  t.deepEqual(seen, ['o', 'o', 'h', 'B', 'v', 'N']);
});
