'use strict';
// koffi loaded the short way (sys/koffi.ts): the native module koffi's own loader would pick,
// required directly, and the libc read from Node's ELF interpreter as koffi's loader reads it.
const test = require('./ava');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { koffi, libcOf } = require('../../dist/sys/koffi');

test('the libc of this Node is the one its process report names', (t) => {
  const header = /** @type {{ header: { glibcVersionRuntime?: string } }} */ (/** @type {unknown} */ (process.report.getReport())).header;
  t.is(libcOf(process.execPath), header.glibcVersionRuntime ? 'glibc' : 'musl');
});

test('a file that is no 64-bit ELF executable has no libc to read', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-koffi-'));
  try {
    const text = path.join(dir, 'script');
    fs.writeFileSync(text, '#!/bin/sh\necho hello, this is not an ELF file at all, but long enough to be read\n');
    t.is(libcOf(text), undefined);
    // An ELF header cut short: the program headers it points at are not there.
    const head = fs.readFileSync(process.execPath).subarray(0, 80);
    const cut = path.join(dir, 'cut');
    fs.writeFileSync(cut, head);
    t.is(libcOf(cut), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the module is the native module koffi itself loads, at koffi\'s version', (t) => {
  const k = koffi();
  t.is(koffi(), k, 'loaded once');
  t.false('default' in k, 'the native module itself (koffi\'s loader exports a wrapper with `default`)');
  // koffi's own loader, required by name (a variable: its ES-module types are not what require returns).
  const name = 'koffi';
  const viaKoffi = /** @type {{ default: unknown }} */ (require(name));
  t.is(/** @type {unknown} */ (k), viaKoffi.default, 'the same binary (Node keeps one instance per file)');
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'koffi', 'package.json'), 'utf8'));
  t.is(k.version, pkg.version);
  const getpid = /** @type {() => number} */ (k.load('libc.so.6').func('getpid', 'int', []));
  t.is(getpid(), process.pid);
});

test('pathKind answers as lstat would, through Node\'s readlink before koffi is loaded and through statx after', (t) => {
  const { pathKind, sysStatx, readlinkBytes } = require('../../dist/sys/syscalls');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsmount-kind-'));
  try {
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    fs.symlinkSync('file', path.join(dir, 'link'));
    fs.symlinkSync('nowhere', path.join(dir, 'dangling'));
    const cases = /** @type {[string, string][]} */ ([
      ['file', 'other'], ['link', 'symlink'], ['dangling', 'symlink'], ['missing', 'missing'], ['file/below', 'notdir'], ['', 'other'],
    ]);
    const answers = () => cases.map(([p]) => pathKind(path.join(dir, p)));
    const viaNode = answers();
    const linkViaNode = readlinkBytes(path.join(dir, 'link'));
    sysStatx('/', 0, 0, Buffer.alloc(256)); // binds koffi
    t.deepEqual(answers(), viaNode);
    t.deepEqual(viaNode, cases.map(([, k]) => k));
    t.deepEqual(readlinkBytes(path.join(dir, 'link')), linkViaNode);
    t.deepEqual(linkViaNode, Buffer.from('file'));
    t.is(readlinkBytes(path.join(dir, 'file')), undefined, 'no link: no answer');
    // A NUL would cut the path short for C: such a path is left to Node, which refuses it.
    t.is(pathKind(`${path.join(dir, 'file')}\0x`), undefined);
    t.is(readlinkBytes(`${path.join(dir, 'link')}\0x`), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
