'use strict';
// fstab: lookup by target and by source, -T FILE, -T DIRECTORY of *.fstab, \040, broken lines,
// merging with -o, --options-mode, entries that are not there. Both executors.
const test = require('ava');
const { batch, noLoopLeak } = require('../helpers/ns');

test.afterEach.always(noLoopLeak);

batch(test, [
  {
    name: 'by-target',
    title: 'mount by target only (entry with noauto, comment line)',
    script: `mkdir m
mk_fstab <<EOT
# comment line
mc-f1  $D/m  tmpfs  noauto,size=1m,mode=0711  0 0
EOT
tm $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-f1 rw,size=1024k,mode=711',
    ]),
  },
  {
    name: 'by-target-canonical',
    title: 'mount by target: the argument is canonicalised (trailing slash, relative path)',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-c1  $D/m1  tmpfs  size=1m  0 0
mc-c2  $D/m2  tmpfs  size=2m  0 0
EOT
tm $D/m1/
tm m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/m1/',
      'rc 0',
      '$ mount m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-c1 rw,size=1024k',
      '= mi $D/m2 / rw,relatime private tmpfs mc-c2 rw,size=2048k',
    ]),
  },
  {
    name: 'by-source',
    title: 'mount by source only',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-f1  $D/m1  tmpfs  size=1m  0 0
mc-f2  $D/m2  tmpfs  size=2m,nodev  0 0
EOT
tm mc-f2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount mc-f2',
      'rc 0',
      '== final state',
      '= mi $D/m2 / rw,nodev,relatime private tmpfs mc-f2 rw,size=2048k',
    ]),
  },
  {
    name: 'first-match',
    title: 'two entries for the same target: the first one is used',
    script: `mkdir m
mk_fstab <<EOT
mc-first   $D/m  tmpfs  size=1m  0 0
mc-second  $D/m  tmpfs  size=2m  0 0
EOT
tm $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-first rw,size=1024k',
    ]),
  },
  {
    name: 'fields',
    title: 'tabs, blank lines, comments and entries without freq/passno',
    script: `mkdir m1 m2
printf '\\n# a comment\\n\\tmc-w1\\t%s/m1\\ttmpfs\\tsize=1m,noexec\\n\\n   # indented comment\\nmc-w2 %s/m2 tmpfs defaults\\n' "$D" "$D" > "$H/fstab"
tm $D/m1
tm $D/m2`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/m1',
      'rc 0',
      '$ mount $D/m2',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,noexec,relatime private tmpfs mc-w1 rw,size=1024k',
      '= mi $D/m2 / rw,relatime private tmpfs mc-w2 rw',
    ]),
  },
  {
    name: 'T-file',
    title: '-T FILE: alternative fstab',
    script: `mkdir m
cat > $D/alt.fstab <<EOT
mc-alt  $D/m  tmpfs  size=1m,nosuid  0 0
EOT
tm -T $D/alt.fstab $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/alt.fstab $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,nosuid,relatime private tmpfs mc-alt rw,size=1024k',
    ]),
  },
  {
    name: 'T-file-not-etc',
    title: '-T FILE replaces /etc/fstab: an entry only in /etc/fstab is not found',
    script: `mkdir m other
mk_fstab <<EOT
mc-etc  $D/m  tmpfs  size=1m  0 0
EOT
cat > $D/alt.fstab <<EOT
mc-alt  $D/other  tmpfs  size=1m  0 0
EOT
tm -T $D/alt.fstab $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/alt.fstab $D/m',
      'rc 1',
      "2> mount: $D/m: can't find in /etc/fstab.",
      '== final state',
    ]),
  },
  {
    name: 'T-twice',
    title: '-T given twice: both files are read',
    script: `mkdir m1 m2
echo "mc-t1 $D/m1 tmpfs size=1m 0 0" > $D/one.fstab
echo "mc-t2 $D/m2 tmpfs size=2m 0 0" > $D/two.fstab
tm -T $D/one.fstab -T $D/two.fstab $D/m2
tm -T $D/one.fstab -T $D/two.fstab mc-t1`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/one.fstab -T $D/two.fstab $D/m2',
      'rc 0',
      '$ mount -T $D/one.fstab -T $D/two.fstab mc-t1',
      'rc 0',
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-t1 rw,size=1024k',
      '= mi $D/m2 / rw,relatime private tmpfs mc-t2 rw,size=2048k',
    ]),
  },
  {
    name: 'T-directory',
    title: '-T DIRECTORY reads the *.fstab files in it (other files ignored)',
    script: `mkdir m1 m2 m3 tabs
echo "mc-d1 $D/m1 tmpfs size=1m 0 0" > tabs/a.fstab
echo "mc-d2 $D/m2 tmpfs size=2m 0 0" > tabs/b.fstab
echo "mc-d3 $D/m3 tmpfs size=3m 0 0" > tabs/c.txt
tm -T $D/tabs $D/m2
tm -T $D/tabs $D/m1
tm -T $D/tabs $D/m3`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/tabs $D/m2',
      'rc 0',
      '$ mount -T $D/tabs $D/m1',
      'rc 0',
      '$ mount -T $D/tabs $D/m3',
      'rc 1',
      "2> mount: $D/m3: can't find in /etc/fstab.",
      '== final state',
      '= mi $D/m1 / rw,relatime private tmpfs mc-d1 rw,size=1024k',
      '= mi $D/m2 / rw,relatime private tmpfs mc-d2 rw,size=2048k',
    ]),
  },
  {
    name: 'T-directory-order',
    title: '-T DIRECTORY: files are read in version order, the first entry for a target wins',
    script: `mkdir m tabs
echo "mc-o10 $D/m tmpfs size=3m 0 0" > tabs/10.fstab
echo "mc-o9 $D/m tmpfs size=2m 0 0" > tabs/9.fstab
tm -T $D/tabs $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/tabs $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-o9 rw,size=2048k',
    ]),
  },
  {
    name: 'T-missing',
    title: '-T with a file that does not exist: "failed to parse", exit 1',
    script: 'mkdir m; tm -T $D/nonexistent.fstab $D/m',
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/nonexistent.fstab $D/m',
      'rc 1',
      '2> mount: $D/nonexistent.fstab: failed to parse',
      '== final state',
    ]),
  },
  {
    name: 'escape-040',
    title: 'fstab target with an escaped space (\\040)',
    script: `mkdir "$D/with space"
mk_fstab <<EOT
mc-sp  $D/with\\040space  tmpfs  size=1m  0 0
EOT
tm "$D/with space"
st_stat "$D/with space"`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/with space',
      'rc 0',
      '= stat $D/with space: 0:0 1777 directory',
      '== final state',
      '= mi $D/with\\040space / rw,relatime private tmpfs mc-sp rw,size=1024k',
    ]),
  },
  {
    name: 'escape-source',
    title: 'an escaped space in the source field is unescaped too',
    script: `mkdir m
mk_fstab <<EOT
mc\\040sp  $D/m  tmpfs  size=1m  0 0
EOT
tm "mc sp"`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount mc sp',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc\\040sp rw,size=1024k',
    ]),
  },
  {
    name: 'broken-line',
    title: 'a broken fstab line is reported and skipped',
    script: `mkdir m1 m2
mk_fstab <<EOT
mc-b1  $D/m1  tmpfs  size=1m  0 0
brokenline
mc-b2  $D/m2  tmpfs  size=2m  0 0
EOT
tm $D/m2`,
    check: (t, r) => {
      t.deepEqual(r.transcript, [
        '$ mount $D/m2',
        'rc 0',
        '2> mount: /etc/fstab: parse error at line 2 -- ignored',
        '== final state',
        '= mi $D/m2 / rw,relatime private tmpfs mc-b2 rw,size=2048k',
      ]);
      t.deepEqual(r.steps[0].err, ['tsmount: /etc/fstab: parse error at line 2 -- ignored']);
    },
  },
  {
    name: 'broken-line-T',
    title: 'a broken line in a -T file: the message names that file and the line',
    script: `mkdir m
printf '# c\\n\\nmc-ok %s/m tmpfs size=1m 0 0\\nbrokenline\\n' "$D" > $D/alt.fstab
tm -T $D/alt.fstab $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -T $D/alt.fstab $D/m',
      'rc 0',
      '2> mount: $D/alt.fstab: parse error at line 4 -- ignored',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-ok rw,size=1024k',
    ]),
  },
  {
    name: 'merge-o',
    title: 'fstab options come first, -o options after them (last wins)',
    script: `mkdir m
mk_fstab <<EOT
mc-f  $D/m  tmpfs  size=2m,mode=711,noexec  0 0
EOT
tm -o exec,size=3m $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -o exec,size=3m $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-f rw,size=3072k,mode=711',
    ]),
  },
  {
    name: 'merge-r',
    title: '-r with an fstab entry: read-only on top of the fstab options',
    script: `mkdir m
mk_fstab <<EOT
mc-f  $D/m  tmpfs  rw,nosuid,size=1m  0 0
EOT
tm -r $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -r $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / ro,nosuid,relatime private tmpfs mc-f ro,size=1024k',
    ]),
  },
  {
    name: 'both-given',
    title: 'source and target given: fstab is not consulted',
    script: `mkdir m
mk_fstab <<EOT
mc-f  $D/m  tmpfs  noexec,size=2m  0 0
EOT
tm -t tmpfs mc-f $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount -t tmpfs mc-f $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-f rw',
    ]),
  },
  {
    name: 'omode-append',
    title: '--options-mode append: fstab options after -o (fstab wins)',
    script: `mkdir m
mk_fstab <<EOT
mc-om  $D/m  tmpfs  size=2m,mode=711  0 0
EOT
tm --options-mode append -o size=5m,noexec $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --options-mode append -o size=5m,noexec $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,noexec,relatime private tmpfs mc-om rw,size=2048k,mode=711',
    ]),
  },
  {
    name: 'omode-replace',
    title: '--options-mode replace: only fstab options',
    script: `mkdir m
mk_fstab <<EOT
mc-om  $D/m  tmpfs  size=2m,mode=711  0 0
EOT
tm --options-mode replace -o size=5m,noexec $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --options-mode replace -o size=5m,noexec $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,relatime private tmpfs mc-om rw,size=2048k,mode=711',
    ]),
  },
  {
    name: 'omode-ignore',
    title: '--options-mode ignore: only -o options (source and type still from fstab)',
    script: `mkdir m
mk_fstab <<EOT
mc-om  $D/m  tmpfs  size=2m,mode=711,nodev  0 0
EOT
tm --options-mode ignore -o size=5m,noexec $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --options-mode ignore -o size=5m,noexec $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,noexec,relatime private tmpfs mc-om rw,size=5120k',
    ]),
  },
  {
    name: 'omode-prepend',
    title: '--options-mode prepend is the default',
    script: `mkdir m
mk_fstab <<EOT
mc-om  $D/m  tmpfs  size=2m,mode=711  0 0
EOT
tm --options-mode prepend -o size=5m,noexec $D/m`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount --options-mode prepend -o size=5m,noexec $D/m',
      'rc 0',
      '== final state',
      '= mi $D/m / rw,noexec,relatime private tmpfs mc-om rw,size=5120k,mode=711',
    ]),
  },
  {
    name: 'bind-entry',
    title: 'an fstab bind entry (type none)',
    script: `mkdir src b; smount -t tmpfs -o size=1m mc-src $D/src
mk_fstab <<EOT
$D/src  $D/b  none  bind,ro  0 0
EOT
tm $D/b
st_write $D/b/x
st_write $D/src/x`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/b',
      'rc 0',
      '= write $D/b/x: Read-only file system',
      '= write $D/src/x: ok',
      '== final state',
      '= mi $D/b / ro,relatime private tmpfs mc-src rw,size=1024k',
      '= mi $D/src / rw,relatime private tmpfs mc-src rw,size=1024k',
    ]),
  },
  {
    name: 'not-found',
    title: 'a target that is not in fstab',
    script: `mkdir m other
mk_fstab <<EOT
mc-o  $D/other  tmpfs  size=1m  0 0
EOT
tm $D/m
tm mc-nosuchsource`,
    check: (t, r) => t.deepEqual(r.transcript, [
      '$ mount $D/m',
      'rc 1',
      "2> mount: $D/m: can't find in /etc/fstab.",
      '$ mount mc-nosuchsource',
      'rc 1',
      "2> mount: mc-nosuchsource: can't find in /etc/fstab.",
      '== final state',
    ]),
  },
]);
