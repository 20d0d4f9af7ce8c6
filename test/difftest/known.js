'use strict';
// Deliberate differences from util-linux 2.42.2 that the difftest recognises. Each has its reason
// in docs/tsmount.8.md (DIFFERENCES FROM UTIL-LINUX); a difference not listed here fails the run.
// A rule rewrites the two transcripts (util-linux's and tsmount's) so that the documented
// difference disappears and nothing else does; the case counts as documented when, after every
// rule that applies to it, the two are equal.
const path = require('path');

/** The scratch directory the transcript's commands ran in ($S). */
function scratchOf(text) {
  return /(\/tmp\/tsmount-difftest\.[^/\s]+\/w\d+\/s)\b/.exec(text)?.[1];
}

/** Rewrite the lines of the "== utab" section. */
function mapUtab(text, fn) {
  const lines = text.split('\n');
  const start = lines.indexOf('== utab');
  if (start < 0) return text;
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('== '); i++) {
    const next = fn(lines[i]);
    lines[i] = next;
  }
  return lines.filter((l) => l !== undefined).join('\n');
}

const PROPAGATION = /(^|,)r?(shared|private|slave|unbindable)(,|$)/;

/** The -o values of a command line, joined. */
function optionsOf(line) {
  const out = [];
  const re = /(?:^| )-o (?:'([^']*)'|(\S+))/g;
  let m;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2]);
  return out.join(',');
}

/** @type {{ reason: string, rewrite: (ref: string, ours: string, caseText: string) => [string, string] }[]} */
const RULES = [
  {
    // util-linux records TARGET as the path it had: relative with -c or X-mount.nocanonicalize,
    // with a trailing slash or "x/../y" as given; tsmount records the mount point as the kernel shows it.
    reason: 'utab TARGET is the mount point as the kernel shows it',
    rewrite(ref, ours) {
      const S = scratchOf(ref);
      if (!S) return [ref, ours];
      const fix = (l) => l.replace(/(^| )TARGET=(\S+)/, (all, pre, t) => {
        const abs = t.startsWith('/') ? t : `${S}/${t}`;
        const norm = path.posix.normalize(abs).replace(/(.)\/+$/, '$1');
        return `${pre}TARGET=${norm}`;
      });
      return [mapUtab(ref, fix), ours];
    },
  },
  {
    // util-linux 2.42 records no utab entry for a bind given a propagation flag in the same command
    // (`mount --bind -o shared,x-a A B`): its userspace options are lost. tsmount records them.
    reason: 'a bind with a propagation flag keeps its utab entry',
    rewrite(ref, ours, caseText) {
      const binds = caseText.split('\n').filter((l) => /^mount .*(--r?bind|-B|-R|-o r?bind)\b/.test(l) && PROPAGATION.test(optionsOf(l)));
      if (!binds.length) return [ref, ours];
      return [ref, mapUtab(ours, (l) => (/ BINDSRC=/.test(l) && !ref.includes(l) ? undefined : l))];
    },
  },
  {
    // util-linux #3741: with the new API the kernel reports a missing device from fsconfig(), and
    // 2.42.2 then ignores nofail (exit 32); tsmount honours nofail there, as util-linux with the fix.
    reason: 'nofail also for a missing device the kernel reports (util-linux #3741)',
    rewrite(ref, ours, caseText) {
      if (!/nofail/.test(caseText)) return [ref, ours];
      const out = ref.replace(/^(\$ mount [^\n]*nofail[^\n]*)\nrc 32\n2> mount: [^\n]*: fsconfig\(\) failed: [^\n]*: Can't lookup blockdev\.\n2> {8}dmesg\(1\)[^\n]*\n/gm,
        '$1\nrc 0\n');
      return [out, ours];
    },
  },
];

/** The reason for the difference, or undefined when the difference is not a documented one. */
function explainDifference(caseText, ref, ours) {
  let a = ref;
  let b = ours;
  const used = [];
  for (const r of RULES) {
    const [na, nb] = r.rewrite(a, b, caseText);
    if (na !== a || nb !== b) {
      used.push(r.reason);
      a = na;
      b = nb;
    }
  }
  return used.length && a === b ? used.join('; ') : undefined;
}

module.exports = { explainDifference, RULES };
