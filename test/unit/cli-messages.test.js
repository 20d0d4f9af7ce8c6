'use strict';
// Request errors → util-linux 2.42's sentences and exit codes (cli/messages.ts), with injected lookups.
const test = require('./ava');
const { requestErrorReport } = require('../../dist/cli/messages');
const { RequestError } = require('../../dist/sys/error');

const look = (existing = []) => ({ exists: (p) => existing.includes(p) });
const report = (problem, spec, existing) => requestErrorReport('mount', new RequestError(problem, spec), look(existing));

test('each code has util-linux 2.42\'s text and exit code', (t) => {
  const cases = [
    [{ code: 'bad-options', options: 'rw,nosuid=1' }, '/m', "mount: /m: failed to parse mount options 'rw,nosuid=1'.", 1],
    [{ code: 'bad-options', options: 'rw,X-mount.owner=x', errnoText: 'Invalid argument' }, '/m',
      "mount: /m: failed to parse mount options 'rw,X-mount.owner=x': Invalid argument.", 1],
    [{ code: 'unsupported-option-format', options: 'ro,=x' }, undefined, 'mount: unsupported option format: ro,=x', 1],
    [{ code: 'not-in-fstab', fstab: '/etc/fstab' }, 'x', "mount: x: can't find in /etc/fstab.", 1],
    [{ code: 'no-fstab-target', fstab: '/etc/fstab' }, '/m', "mount: /m: can't find mount point in /etc/fstab.", 1],
    [{ code: 'no-fstab-source', source: '/dev/x', fstab: '/f' }, '/dev/x', "mount: /dev/x: can't find mount source /dev/x in /f.", 1],
    [{ code: 'options-source-disabled' }, '/m', 'mount: /m: filesystem was mounted, but any subsequent operation failed: Invalid argument.', 1],
    [{ code: 'no-target' }, 'src', 'mount: src: no mount point specified.', 1],
    [{ code: 'no-source' }, '/m', 'mount: /m: no mount source specified.', 1],
    [{ code: 'tag-not-found', tag: 'LABEL=x' }, '/m', "mount: /m: can't find LABEL=x.", 1],
    [{ code: 'tag-not-found', tag: 'PARTUUID=ab', unprobed: 'libblkid.so.1' }, '/m',
      "mount: /m: can't find PARTUUID=ab (cannot probe devices: libblkid.so.1 not available).", 1],
    [{ code: 'blkid-unavailable', source: '/img', library: 'libblkid.so.1' }, '/m',
      'mount: /m: cannot probe /img: libblkid.so.1 not available; use -t <type>.', 32],
    [{ code: 'ambiguous-type', source: '/dev/sdb' }, '/m', 'mount: /m: more filesystems detected on /dev/sdb; use -t <type> or wipefs(8).', 1],
    [{ code: 'unknown-type' }, '/m', 'mount: /m: failed to determine filesystem type.', 1],
    [{ code: 'type-not-allowed', type: 'ext2', allowed: 'xfs' }, 'm', 'mount: m: no valid filesystem type specified.', 1],
    [{ code: 'swap-area', source: '/s' }, '/m', 'mount: /m: /s holds a swap area, not a filesystem; use swapon(8).', 32],
    [{ code: 'luks-volume', source: '/l' }, '/m',
      'mount: /m: /l is a LUKS encrypted volume; open it with cryptsetup(8) and mount the mapped device.', 32],
    [{ code: 'loop-overlap', source: '/img' }, '/m', 'mount: /m: overlapping loop device exists for /img.', 32],
    [{ code: 'source-already-mounted', source: '/img' }, '/m', 'mount: /m: /img is already mounted.', 1],
    [{ code: 'already-mounted' }, '/m', 'mount: /m: filesystem already mounted.', 32],
    [{ code: 'path-not-utf8', program: '/sbin/mount.x', path: '/a' }, '/a',
      'mount: /a: path is not valid UTF-8 and cannot be passed to /sbin/mount.x exactly.', 32],
    [{ code: 'not-mounted' }, '/m', 'mount: /m: not mounted.', 1],
    [{ code: 'fstab-unreadable', file: '/f' }, '/f', 'mount: /f: failed to parse', 1],
  ];
  for (const [problem, spec, line, rc] of /** @type {[import('../../dist/sys/error').RequestProblem, string | undefined, string, number][]} */ (cases)) {
    t.deepEqual(report(problem, spec), { out: [], err: [line], rc }, problem.code);
  }
});

test('umount\'s "not found" asks whether the path exists, and has no final period (umount.c)', (t) => {
  t.deepEqual(report({ code: 'not-found' }, '/gone').err, ['mount: /gone: not found']);
  t.deepEqual(report({ code: 'not-found' }, '/there', ['/there']).err, ['mount: /there: not mounted']);
});

test('RequestError: code, problem and spec for library users; the message names them', (t) => {
  const e = new RequestError({ code: 'loop-overlap', source: '/img' }, '/m');
  t.true(e instanceof Error);
  t.is(e.name, 'RequestError');
  t.is(e.code, 'loop-overlap');
  t.deepEqual(e.problem, { code: 'loop-overlap', source: '/img' });
  t.is(e.message, '/m: loop-overlap (source="/img")');
  t.is(new RequestError({ code: 'no-target' }).message, 'no-target');
});

test('the other sentences: success, -v entries padded to 25, warnings', (t) => {
  const { SAY } = require('../../dist/cli/messages');
  t.is(SAY.mounted('tmpfs', '/m'), 'tmpfs mounted on /m.');
  t.is(SAY.bound('/a', '/b'), '/a bound on /b.');
  t.is(SAY.moved('/a', '/b'), '/a moved to /b.');
  t.is(SAY.propagationChanged('/m'), '/m propagation flags changed.');
  t.is(SAY.unmounted('/m', 'tmpfs'), '/m (tmpfs) unmounted');
  t.is(SAY.unmounted('/m'), '/m unmounted');
  t.is(SAY.entry('/m', 'ignored'), `${'/m'.padEnd(25)}: ignored`);
  t.is(SAY.entry('/a/path/longer/than/twenty-five', 'successfully mounted'), '/a/path/longer/than/twenty-five: successfully mounted');
  t.is(SAY.roFallback('/m'), '/m: WARNING: source write-protected, mounted read-only.');
  t.is(SAY.fstabLineIgnored('/f', 3), '/f: parse error at line 3 -- ignored');
});
