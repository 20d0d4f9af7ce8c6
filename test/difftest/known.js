'use strict';
// Deliberate differences from util-linux 2.42.2 that the difftest recognises. Each has its reason
// in docs/tsmount.8.md (DIFFERENCES FROM UTIL-LINUX); a difference not listed here fails the run.
// A rule rewrites the two transcripts (util-linux's and tsmount's) so that the documented
// difference disappears and nothing else does; the case counts as documented when, after every
// rule that applies to it, the two are equal.
const path = require('path');

/** The scratch directory the transcript's commands ran in ($S). */
function scratchOf(...texts) {
  // A case naming only relative paths shows $S in neither command line: then in tsmount's utab.
  for (const text of texts) {
    const s = /(\/tmp\/tsmount-difftest\.[^/\s]+\/w\d+\/s)\b/.exec(text)?.[1];
    if (s) return s;
  }
  return undefined;
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

/** Options a listing takes from utab, not from the kernel. */
const UTAB_OPTION = /^(uhelper=|helper=|x-|user(=|$)|_netdev$)/;

const PROPAGATION = /(^|,)r?(shared|private|slave|unbindable)(,|$)/;

/** A classic listing line ("1> SRC on TARGET type T (OPTS)") without the options utab lends it. */
function withoutUtabOptions(line) {
  const m = /^(1> .* type \S+ \()([^)]*)(\).*)$/.exec(line);
  if (!m) return line;
  return m[1] + m[2].split(',').filter((o) => !UTAB_OPTION.test(o)).join(',') + m[3];
}

/** The -o values of a command line, joined. */
function optionsOf(line) {
  const out = [];
  const re = /(?:^| )-o (?:'([^']*)'|(\S+))/g;
  let m;
  while ((m = re.exec(line))) out.push(m[1] ?? m[2]);
  return out.join(',');
}

/** Rewrite the lines of the "== mounts" section. */
function mapMounts(text, fn) {
  const lines = text.split('\n');
  const start = lines.indexOf('== mounts');
  if (start < 0) return text;
  for (let i = start + 1; i < lines.length && !lines[i].startsWith('== '); i++) lines[i] = fn(lines[i]);
  return lines.join('\n');
}

/** The words of a case's command line, with "…" quoting undone and $S expanded. */
function wordsOf(line, S) {
  const out = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m;
  while ((m = re.exec(line))) out.push((m[1] ?? m[2]).replace(/\$S\b/g, S));
  return out;
}

/** A path of the case as the kernel shows it: normalised, case.sh's symlink l → a followed. */
function resolvedPath(p, S) {
  const abs = path.posix.normalize(p.startsWith('/') ? p : `${S}/${p}`).replace(/(.)\/+$/, '$1');
  return abs === `${S}/l` || abs.startsWith(`${S}/l/`) ? `${S}/a${abs.slice(S.length + 2)}` : abs;
}

/** @type {{ reason: string, rewrite: (ref: string, ours: string, caseText: string) => [string, string] }[]} */
const RULES = [
  {
    // util-linux records TARGET as the path it had: relative with -c or X-mount.nocanonicalize,
    // with a trailing slash or "x/../y" as given; tsmount records the mount point as the kernel shows it.
    reason: 'utab TARGET is the mount point as the kernel shows it',
    rewrite(ref, ours) {
      const S = scratchOf(ref, ours);
      if (!S) return [ref, ours];
      let changed = false;
      const fix = (l) => l.replace(/(^| )TARGET=(\S+)/, (all, pre, t) => {
        const abs = t.startsWith('/') ? t : `${S}/${t}`;
        const norm = path.posix.normalize(abs).replace(/(.)\/+$/, '$1');
        if (norm !== t) changed = true;
        return `${pre}TARGET=${norm}`;
      });
      const fixed = mapUtab(ref, fix);
      if (!changed) return [fixed, ours];
      // util-linux's own listing cannot match such an entry (it has no ID=; util-linux then matches
      // by mount point) and leaves its options out; tsmount's shows them. Where a listing line differs
      // only by utab options, util-linux's line stands.
      const refLines = fixed.split('\n');
      const ourLines = ours.split('\n').map((l, i) => {
        const r = refLines[i];
        if (r === undefined || r === l || !/^1> .* on .* type \S+ \(.*\)$/.test(l)) return l;
        const stripped = l.replace(/\((.*)\)$/, (all, o) => `(${o.split(',').filter((x) => !UTAB_OPTION.test(x)).join(',')})`);
        return stripped === r ? r : l;
      });
      return [fixed, ourLines.join('\n')];
    },
  },
  {
    // util-linux 2.42 records no utab entry for a bind given a propagation flag in the same command
    // (`mount --bind -o shared,x-a A B`): its userspace options are lost. tsmount records them.
    reason: 'a bind with a propagation flag keeps its utab entry',
    rewrite(ref, ours, caseText) {
      const bind = (l) => /^mount .*(--r?bind|-B|-R|-o r?bind)\b/.test(l) && PROPAGATION.test(optionsOf(l));
      if (!caseText.split('\n').some(bind)) return [ref, ours];
      // A later `umount -a -O …` selects mounts by their utab options, which only tsmount kept:
      // from that command on the two differ by what it unmounted; both are cut there.
      const selectsByUtab = (l) => /^umount .*(-a|--all)\b/.test(l) && /(^| )(-O|--test-opts)\b/.test(l);
      const cutAt = (t) => {
        const x = t.split('\n');
        const b = x.findIndex((l) => l.startsWith('$ ') && bind(l.slice(2)));
        const u = b < 0 ? -1 : x.findIndex((l, k) => k > b && l.startsWith('$ ') && selectsByUtab(l.slice(2)));
        return u < 0 ? t : [...x.slice(0, u), '(cut: umount -a -O after a bind with a propagation flag)'].join('\n');
      };
      const [r, o] = [cutAt(ref), cutAt(ours)];
      const refLines = new Set(r.split('\n'));
      // A listing shows the entry's userspace options (uhelper=, user, x-…) where util-linux has none.
      const listed = o.split('\n').map((l) => (refLines.has(l) ? l : withoutUtabOptions(l))).join('\n');
      return [r, mapUtab(listed, (l) => (/ BINDSRC=/.test(l) && !refLines.has(l) ? undefined : l))];
    },
  },
  {
    // util-linux 2.42 leaves the utab entry of a mount moved with a propagation flag
    // (`mount --move -o shared A B`) at A; tsmount moves it to B.
    reason: 'a move with a propagation flag moves its utab entry',
    rewrite(ref, ours, caseText) {
      const S = scratchOf(ref, ours);
      if (!S) return [ref, ours];
      const moves = caseText.split('\n').filter((l) => /^mount .*(--move|-M|-o move)\b/.test(l) && PROPAGATION.test(optionsOf(l)));
      let out = ref;
      for (const line of moves) {
        const words = wordsOf(line, S);
        const [from, to] = words.slice(-2).map((w) => resolvedPath(w, S).replace(/ /g, '\\040'));
        out = mapUtab(out, (l) => l.replace(` TARGET=${from} `, ` TARGET=${to} `));
      }
      return [out, ours];
    },
  },
  {
    // util-linux 2.42 applies no propagation flag given twice (`-o shared,shared`): dropping the
    // duplicate clears the flag from its option list's propagation summary. tsmount applies it.
    reason: 'a propagation flag given twice is applied',
    rewrite(ref, ours, caseText) {
      const twice = caseText.split('\n').some((l) => {
        if (!/^mount /.test(l)) return false;
        const names = optionsOf(l).split(',').filter((o) => PROPAGATION.test(o));
        return new Set(names).size < names.length;
      });
      if (!twice) return [ref, ours];
      // The mount table's propagation column: the word after the options (which start with rw or
      // ro); the mount point before them may hold blanks ("/sp ace/").
      const blank = (l) => l.replace(/( (?:rw|ro)(?:,\S*)? )(?:private|shared|slave|unbindable)\S*/, '$1*');
      return [mapMounts(ref, blank), mapMounts(ours, blank)];
    },
  },
  {
    // umount -R of a directory that is no mount point unmounts what is mounted below it (util-linux
    // issue #3022); util-linux 2.42 says "not mounted". From that command on, the transcripts differ
    // by what it unmounted: both are cut there when util-linux refused it and tsmount succeeded.
    reason: 'umount -R of a directory that is no mount point unmounts what is below it',
    rewrite(ref, ours) {
      const r = ref.split('\n');
      const o = ours.split('\n');
      for (let i = 0; i < r.length && i < o.length; i++) {
        if (r[i] !== o[i]) {
          // The first difference: the rc line of an `umount -R`/`--recursive` command.
          const cmd = r.slice(0, i).reverse().find((l) => l.startsWith('$ '));
          const refusal = r[i] === 'rc 1' && /^2> umount: .*: not mounted$/.test(r[i + 1] ?? '');
          if (cmd && /^\$ umount .*(-R|--recursive)\b/.test(cmd) && refusal && o[i] === 'rc 0') {
            const cut = '(cut: umount -R below a directory that is no mount point)';
            return [[...r.slice(0, i), cut].join('\n'), [...o.slice(0, i), cut].join('\n')];
          }
          break;
        }
      }
      return [ref, ours];
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
