'use strict';
// Deliberate differences from util-linux 2.42.2 that the difftest recognises. Each has its reason
// in docs/tsmount.8.md (DIFFERENCES FROM UTIL-LINUX); a difference not listed here fails the run.
// A rule rewrites the reference transcript into what tsmount deliberately prints instead; the
// case counts as documented when, after every applicable rule, the two are equal.

/** @type {{ reason: string, rewrite: (ref: string, caseText: string) => string }[]} */
const RULES = [];

/** The reason for the difference, or undefined when the difference is not a documented one. */
function explainDifference(caseText, ref, ours) {
  let text = ref;
  const used = [];
  for (const r of RULES) {
    const next = r.rewrite(text, caseText);
    if (next !== text) {
      used.push(r.reason);
      text = next;
    }
  }
  return used.length && text === ours ? used.join('; ') : undefined;
}

module.exports = { explainDifference, RULES };
