#!/usr/bin/env node
'use strict';
// Runs the ava suite (TAP output streamed through) and ends with a plain summary line,
// "tests: N passed, N failed", so that CI logs say how many tests ran.
const { spawn } = require('child_process');
const path = require('path');

const ava = path.join(__dirname, '..', 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
const child = spawn(process.execPath, [ava, '--tap', ...process.argv.slice(2)], { stdio: ['ignore', 'pipe', 'inherit'] });
let passed = 0;
let failed = 0;
let skipped = 0;
let buf = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buf += chunk.toString();
  let nl;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    if (/^ok \d+/.test(line)) {
      if (/# (SKIP|TODO)/.test(line)) skipped++;
      else passed++;
    } else if (/^not ok \d+/.test(line)) {
      if (/# TODO/.test(line)) skipped++;
      else failed++;
    }
  }
});
child.on('close', (code) => {
  process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exitCode = code === 0 && failed === 0 && passed > 0 ? 0 : code || 1;
});
