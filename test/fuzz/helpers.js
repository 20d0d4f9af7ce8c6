'use strict';
// Shared by the property tests: run counts, seeds and the string generators.
//   FUZZ_RUNS   runs per property (default 300, so `npm test` stays fast; `npm run fuzz` uses 100000)
//   FUZZ_SEED   replay one seed (fast-check prints the seed and path of every failure)
const fc = require('fast-check');

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;

/** Run one property with the configured number of runs (ava fails the test on a counterexample). */
function check(t, property, extra = {}) {
  // about 1 ms per run at most, plus headroom: long fuzz runs must not trip ava's 120 s default
  t.timeout(Math.max(120_000, RUNS * 5));
  const params = { numRuns: RUNS, ...extra };
  if (SEED !== undefined) params.seed = SEED;
  fc.assert(property, params);
  t.pass();
}

/** Characters that matter to the parsers, mixed with ordinary and non-ASCII ones. */
const SPECIAL = [' ', '\t', '\n', '\r', '\\', '#', ',', '"', '=', '-', ':', '/', '0', '1', '4', '7', '8', '\0', '\v', '\f',
  'a', 'Z', 'é', '€', '😀', '\u00a0', '\u2028'];

/** A string biased towards SPECIAL (half the characters), the rest any code point (no lone surrogates). */
function text(opts = {}) {
  const unit = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
  return fc.string({ unit, ...opts });
}

/** A string from `alphabet` only (an array of characters or strings). */
function over(alphabet, opts = {}) {
  return fc.string({ unit: fc.constantFrom(...alphabet), ...opts });
}

/** Any text without the characters in `banned`. */
function textWithout(banned, opts = {}) {
  return text(opts).map((s) => [...s].filter((c) => !banned.includes(c)).join(''));
}

module.exports = { fc, RUNS, check, text, over, textWithout, SPECIAL };
