'use strict';
// Shared by integrity*.test.js (issue 11's cases, split over three files so that each namespace
// run stays well inside ava's timeout): paths, shell fragments and a check accessor.
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const REF = path.resolve(ROOT, '..', 'shared', 'util-linux-2.42.2', 'bin');

module.exports = {
  ROOT,
  /** util-linux 2.42.2's binaries, when ../shared has them (else the tests use the system's). */
  REF,
  HAVE_REF: fs.existsSync(path.join(REF, 'mount')),
  COMPLETION: path.join(ROOT, 'docs', 'completion', 'tsmount.bash'),
  /** A check a case recorded with st_cmd/st_test. */
  check: (r, key) => r.checks[key],
  // Bytes that are not UTF-8, written by bash's printf: \xff alone, and the UTF-8 of U+FFFD (what
  // a lossy decoding of \xff would turn the first into).
  FF: "$(printf '\\xff')",
  FFFD: "$(printf '\\xef\\xbf\\xbd')",
  /** tsmount / tsumount as a case script runs them outside tm/tu (in the background, in pipes). */
  TS: '"$TSM_NODE" "$TSM_BIN_MOUNT"',
  TSU: '"$TSM_NODE" "$TSM_BIN_UMOUNT"',
  /**
   * Script lines that mount a FUSE filesystem whose server never answers on each of $D/f and $D/g
   * (created), held by a background process ($HOLD) until the case kills it.
   */
  DEAD_FUSE: `mkdir f g
DIST=$(dirname "$(dirname "$TSM_BIN_MOUNT")")/dist/index.js
"$TSM_NODE" -e "const { mountFuse } = require('$DIST'); mountFuse('$D/f', { name: 'dead' }); mountFuse('$D/g', { name: 'dead' });
require('fs').writeFileSync('$D/ready', ''); setInterval(() => {}, 1e6);" & HOLD=$!
for i in $(seq 100); do [ -e $D/ready ] && break; sleep 0.1; done`,
};
