#!/usr/bin/env node
'use strict';
// Summarise a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function.
//   node bench/profile.js FILE.cpuprofile [TOP]
const fs = require('fs');
const path = require('path');

// Anonymous functions are named by the start of their source text (read from the profiled file,
// which the benchmark keeps until it has summarised), e.g. "(() => load().umount2(target, flags))".
const sourceLines = new Map();
function snippet(file, line, col) {
  if (!sourceLines.has(file)) {
    let lines = null;
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch { /* gone */ }
    sourceLines.set(file, lines);
  }
  const lines = sourceLines.get(file);
  if (!lines || !lines[line]) return undefined;
  const text = lines[line].slice(col).replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function frameKey(cf, root) {
  let name = cf.functionName || '(anonymous)';
  if (!cf.url) return name;
  let url = cf.url.replace(/^file:\/\//, '');
  if (!cf.functionName && url.startsWith('/') && cf.lineNumber > 0) {
    const s = snippet(url, cf.lineNumber, cf.columnNumber || 0);
    if (s) name = `(anonymous: ${s})`;
  }
  for (const r of [].concat(root || [])) {
    if (url.startsWith(r + '/')) {
      url = url.slice(r.length + 1);
      break;
    }
  }
  return `${name} ${url}:${cf.lineNumber + 1}`;
}

/** { totalMs, self: [{fn, ms, pct}], inclusive: [{fn, ms, pct}] } for the top `top` functions. */
function summarize(profile, { top = 10, root } = {}) {
  const byId = new Map();
  for (const n of profile.nodes) byId.set(n.id, n);
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const selfMs = new Map();
  const inclMs = new Map();
  let total = 0;
  const samples = profile.samples || [];
  const deltas = profile.timeDeltas || [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time since the previous sample; attribute the next delta to this sample.
    const dt = (i + 1 < deltas.length ? deltas[i + 1] : 0) / 1000;
    if (dt <= 0) continue;
    total += dt;
    const node = byId.get(samples[i]);
    if (!node) continue;
    const k = frameKey(node.callFrame, root);
    selfMs.set(k, (selfMs.get(k) || 0) + dt);
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const key = frameKey(byId.get(id).callFrame, root);
      if (seen.has(key)) continue;
      seen.add(key);
      inclMs.set(key, (inclMs.get(key) || 0) + dt);
    }
  }
  const ownCode = (k) => / (dist|src)\/[^ ]*:\d+$/.test(k) && !/:1$/.test(k);
  const pick = (m, skip, own = false) => [...m.entries()]
    .filter(([k]) => !skip.some((s) => k.startsWith(s)) && (!own || ownCode(k)))
    .sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10, pct: Math.round((ms / total) * 1000) / 10 }));
  return {
    totalMs: Math.round(total * 10) / 10,
    self: pick(selfMs, []),
    // Inclusive: tsmount's own functions (node's module loader and the bin/ wrappers enclose everything).
    inclusive: pick(inclMs, [], true),
  };
}

function format(s, indent = '  ') {
  const lines = [`${indent}sampled ${s.totalMs} ms`, `${indent}self time:`];
  for (const f of s.self) lines.push(`${indent}  ${String(f.ms).padStart(8)} ms ${String(f.pct).padStart(5)}%  ${f.fn}`);
  lines.push(`${indent}inclusive time (tsmount's functions):`);
  for (const f of s.inclusive) lines.push(`${indent}  ${String(f.ms).padStart(8)} ms ${String(f.pct).padStart(5)}%  ${f.fn}`);
  return lines.join('\n');
}

module.exports = { summarize, format };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/profile.js FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  console.log(format(summarize(prof, { top: Number(process.argv[3]) || 15, root: path.resolve(__dirname, '..') })));
}
