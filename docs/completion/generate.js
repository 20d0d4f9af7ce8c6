#!/usr/bin/env node
'use strict';
// Writes docs/completion/tsmount.bash from the commands' option tables, through the compiled
// generator (dist/cli/completion.js, so `npm run build` first): `npm run completion`.
//   --check      write nothing; exit 1 when the file is not the generator's output
//   --dist DIR   the compiled sources to use instead of dist/
//   --out FILE   the file to write (or check) instead of docs/completion/tsmount.bash
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
let dist = path.join(ROOT, 'dist');
let out = path.join(ROOT, 'docs', 'completion', 'tsmount.bash');
let check = false;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--check') check = true;
  else if ((a === '--dist' || a === '--out') && i + 1 < argv.length) {
    const v = path.resolve(argv[++i]);
    if (a === '--dist') dist = v;
    else out = v;
  } else {
    process.stderr.write(`usage: generate.js [--check] [--dist DIR] [--out FILE]\n`);
    process.exit(2);
  }
}

const { completionScript } = require(path.join(dist, 'cli', 'completion.js'));
const text = completionScript();
let current = null;
try {
  current = fs.readFileSync(out, 'utf8');
} catch {
  // not written yet
}
const name = path.relative(process.cwd(), out) || out;
if (check) {
  if (current !== text) {
    process.stderr.write(`${name} is not the generator's output: run \`npm run completion\`\n`);
    process.exit(1);
  }
} else if (current === text) {
  process.stdout.write(`${name}: unchanged\n`);
} else {
  fs.writeFileSync(out, text);
  process.stdout.write(`${name}: written\n`);
}
